"""The spiders' pure parts: sitemaps and feeds, date window, pagination, detection, targets, outlets.

Inputs are the local news site's documents (tests/localsite) and small hostile variants of them.
"""

from __future__ import annotations

import gzip
from datetime import date, datetime
from pathlib import Path

import pytest
from localsite import BY_KEY, MULTIPAGE, NEWS_SITEMAP_ARTICLES, REDIRECT_PATH, pages
from parsel import Selector

from cleaners.rules import RulesError
from spiders.dates import DateWindow, parse_date, url_date
from spiders.detection import article_shaped, is_article, page_signals
from spiders.discovery import parse_feed, parse_sitemap
from spiders.news import OutletNewsSpider, SiteNewsSpider
from spiders.outlets import crawlable
from spiders.pagination import MAX_PAGES, is_continuation, next_page, split_page, with_query, without_query
from spiders.targets import resolve

BASE = "http://127.0.0.1:8000"


# --- sitemaps and feeds ---------------------------------------------------------------------------------


def test_google_news_sitemap_gives_dates_and_titles() -> None:
    listing = parse_sitemap(pages.news_sitemap(BASE).encode(), BASE)
    assert (listing.kind, listing.error) == ("urlset", None)
    by_url = {e.url: e for e in listing.entries}
    for article in NEWS_SITEMAP_ARTICLES:
        entry = by_url[BASE + article.path]
        assert entry.title == article.title
        assert entry.published == datetime.fromisoformat(article.published)
    assert BASE + REDIRECT_PATH in by_url


def test_sitemap_index_and_gzipped_sitemap() -> None:
    index = parse_sitemap(pages.sitemap_index(BASE).encode(), BASE)
    assert index.kind == "sitemapindex"
    assert [e.url.rsplit("/", 1)[1] for e in index.entries] == [
        "sitemap-news.xml", "sitemap-arsip.xml.gz", "sitemap-rusak.xml",
    ]  # fmt: skip
    archive = parse_sitemap(pages.archive_sitemap_gz(BASE), BASE)
    assert archive.kind == "urlset" and len(archive.entries) == 9
    assert archive.entries[0].published == datetime.fromisoformat(BY_KEY["nikel"].published)


def test_truncated_sitemap_keeps_only_complete_entries() -> None:
    listing = parse_sitemap(pages.broken_sitemap(BASE).encode(), BASE)
    assert listing.error and listing.error.startswith("malformed XML")
    assert [e.url for e in listing.entries] == [BASE + BY_KEY["joey"].path]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", "empty document"),
        (b"<html><body>502 Bad Gateway</body></html>", "not a sitemap (root element <html>)"),
        (b"\x1f\x8b\x08\x00garbage", "bad gzip data"),
        (b"\x00\x01\x02binary", "malformed XML"),
    ],
)
def test_bad_sitemaps_report_an_error(body: bytes, error: str) -> None:
    listing = parse_sitemap(body, BASE)
    assert listing.kind == "" and listing.entries == []
    assert listing.error is not None and listing.error.startswith(error)


def test_gzip_bomb_is_bounded() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    assert parse_sitemap(bomb, BASE, max_size=1_000_000).error.startswith(
        "bad gzip data: gzipped sitemap larger"
    )


def test_plain_text_sitemap() -> None:
    listing = parse_sitemap(b"https://a.id/read/1/satu\n\nnot a url\nhttps://a.id/read/2/dua\n")
    assert [e.url for e in listing.entries] == ["https://a.id/read/1/satu", "https://a.id/read/2/dua"]


def test_rss_and_atom_feeds() -> None:
    rss = parse_feed(pages.rss_feed(BASE).encode(), BASE)
    assert rss.kind == "rss" and rss.error is None
    menhub = BY_KEY["menhub"]
    assert (rss.entries[0].url, rss.entries[0].title) == (BASE + menhub.path, menhub.title)
    assert rss.entries[0].published == datetime.fromisoformat(menhub.published)  # RFC 822 pubDate
    atom = parse_feed(pages.atom_feed(BASE).encode(), BASE)
    assert atom.kind == "atom"
    assert [e.url for e in atom.entries] == [
        BASE + BY_KEY[k].path for k in ("bisnis", "malas", "nikel", "joey")
    ]


def test_broken_feeds() -> None:
    assert parse_feed(pages.BROKEN_FEED, BASE).error == "not a feed (root element <html>)"
    truncated = pages.rss_feed(BASE).encode()[:-400]
    listing = parse_feed(truncated, BASE)
    assert listing.kind == "rss" and listing.error is not None
    assert 0 < len(listing.entries) < 5  # complete items before the cut are kept


# --- dates ----------------------------------------------------------------------------------------------


def test_date_window_bounds_are_inclusive_calendar_days() -> None:
    window = DateWindow.from_args("2026-11-10", "2026-11-18")
    assert window.contains(datetime.fromisoformat("2026-11-10T00:30:00+07:00"))
    assert window.contains(datetime.fromisoformat("2026-11-18T23:59:00+07:00"))
    assert not window.contains(datetime.fromisoformat("2026-11-19T00:00:00+07:00"))
    assert not window.contains(date(2026, 11, 9))
    assert window.contains(None)  # unknown date: kept
    assert not window.may_contain_since(date(2026, 11, 9)) and window.may_contain_since(None)


def test_date_window_with_times_and_errors() -> None:
    window = DateWindow.from_args("2026-11-10T12:00:00+00:00", None)
    assert not window.contains(datetime.fromisoformat("2026-11-10T11:00:00+00:00"))
    assert window.contains(date(2026, 11, 10))  # a bare date reaches to the end of its day
    with pytest.raises(ValueError, match=r"since .* is after until"):
        DateWindow.from_args("2026-11-10", "2026-11-01")
    with pytest.raises(ValueError, match="until: expected an ISO date"):
        DateWindow.from_args(None, "kemarin")


def test_parse_date_and_url_date() -> None:
    assert parse_date("Fri, 20 Nov 2026 21:34:19 +0700") == datetime.fromisoformat(
        "2026-11-20T21:34:19+07:00"
    )
    assert parse_date("2026-11-20") == datetime(2026, 11, 20)
    assert parse_date("bukan tanggal") is None and parse_date("") is None
    assert url_date("https://x.id/read/2026/11/20/213419026/slug") == date(2026, 11, 20)
    assert url_date("https://www.cnbcindonesia.com/news/20261120-4-1/slug") == date(2026, 11, 20)
    assert url_date("https://x.id/read/2026/13/40/1/slug") is None


# --- pagination -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.id/read/1/judul-berita?page=2", ("https://x.id/read/1/judul-berita", 2)),
        ("https://x.id/read/1/judul-berita?utm=a&halaman=3", ("https://x.id/read/1/judul-berita?utm=a", 3)),
        ("https://x.id/berita/judul-berita-panjang/2", ("https://x.id/berita/judul-berita-panjang", 2)),
        ("https://x.id/read/1/judul-berita", ("https://x.id/read/1/judul-berita", 1)),
        ("https://x.id/?p=12345", ("https://x.id/?p=12345", 1)),  # a WordPress post id, not a page
        ("https://x.id/berita/12", ("https://x.id/berita/12", 1)),  # an article id, not a page
    ],
)
def test_split_page(url: str, expected: tuple[str, int]) -> None:
    assert split_page(url) == expected


def test_single_page_query() -> None:
    url = with_query("https://x.id/read/1/judul?utm=a", "page=all")
    assert url == "https://x.id/read/1/judul?utm=a&page=all"
    assert without_query(url, "page=all") == "https://x.id/read/1/judul?utm=a"
    assert not is_continuation(url)


def _page(n: int | None) -> Selector:
    return Selector(text=pages.article_page(MULTIPAGE, BASE, n))


def test_next_page_follows_the_article_and_stops_at_its_end() -> None:
    first = BASE + MULTIPAGE.path
    assert next_page(_page(1), first, {first}) == first + "?page=2"
    assert next_page(_page(2), first + "?page=2", {first}) == first + "?page=3"
    assert next_page(_page(3), first + "?page=3", {first}) is None
    assert next_page(_page(1), first, {first, first + "?page=2"}) is None  # never a page already seen


def test_next_page_ignores_links_to_other_articles() -> None:
    html = """<html><head><link rel="next" href="/read/2/artikel-lain"></head><body>
    <a href="/read/3/berita-lain">Berita selanjutnya</a>
    <a href="/read/4/lain">Selanjutnya</a></body></html>"""
    assert next_page(Selector(text=html), "https://x.id/read/1/judul-berita", set()) is None


def test_next_page_by_text_or_number_only() -> None:
    by_text = '<a href="/read/1/judul-berita/2">Halaman Berikutnya &raquo;</a>'
    assert next_page(Selector(text=by_text), "https://x.id/read/1/judul-berita", set()) == (
        "https://x.id/read/1/judul-berita/2"
    )
    numbers = " ".join(f'<a href="?page={n}">{n}</a>' for n in range(1, MAX_PAGES + 5))
    assert (
        next_page(Selector(text=numbers), "https://x.id/a/b-c?page=4", set()) == "https://x.id/a/b-c?page=5"
    )


# --- article detection ----------------------------------------------------------------------------------


def test_article_url_shapes() -> None:
    for url in (
        BASE + BY_KEY["menhub"].path,
        "https://nasional.kompas.com/read/2016/02/16/14382361/Menteri.Yuddy",
        "https://www.antaranews.com/berita/527615/29-penerbangan",
        "https://mediaindonesia.com/ekonomi/822959/kpk-tak-temukan-surat-pencabutan",
        "https://x.id/opini/pajak-karbon-dan-masa-depan-energi-kita",
    ):
        assert article_shaped(url), url
    not_articles = ("/", "/kanal/nasional", "/redaksi/tentang-kami", REDIRECT_PATH)
    for url in (
        *(BASE + p for p in not_articles),
        "https://x.id/tag/banjir-jakarta-hari-ini-juga",
        "https://x.id/read/2026/11/20/1/foto.jpg",
    ):
        assert not article_shaped(url), url


def test_profile_patterns_replace_the_generic_shapes() -> None:
    kompas = crawlable()["kompas"].crawl
    assert kompas is not None
    assert article_shaped("https://www.kompas.com/read/2026/11/02/213419026/x", kompas.article_patterns)
    assert not article_shaped("https://www.kompas.com/berita/2026/11/02/x-y-z-a-b", kompas.article_patterns)
    assert not article_shaped(
        "https://www.kompas.com/tag/read/2026/11/02/1/x", kompas.article_patterns, kompas.exclude_patterns
    )


def test_page_signals() -> None:
    article = page_signals(Selector(text=pages.article_page(BY_KEY["menhub"], BASE)))
    assert article.says_article and article.og_type == "article" and article.jsonld_article
    assert article.published == BY_KEY["menhub"].published
    home = page_signals(Selector(text=pages.homepage(BASE)))
    assert home.says_not_article
    assert not is_article(home, url_is_article=True)  # og:type=website wins over an article-like URL
    bare = page_signals(Selector(text="<html><body><p>teks</p></body></html>"))
    assert is_article(bare, url_is_article=True) and not is_article(bare, url_is_article=False)
    assert is_article(bare, url_is_article=False, announced=True)
    graph = '<script type="application/ld+json">{"@graph": [{"@type": ["ReportageNewsArticle"]}]}</script>'
    assert page_signals(Selector(text=graph)).jsonld_article
    assert not page_signals(Selector(text='<script type="application/ld+json">{oops</script>')).jsonld_article


# --- targets --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("kompas", ("outlet", {"outlet": "kompas"})),
        ("https://www.kompas.com/", ("site", {"url": "https://www.kompas.com/"})),
        ("detik.com", ("site", {"url": "https://detik.com/"})),
        ("https://x.id/robots.txt", ("sitemap", {"url": "https://x.id/robots.txt"})),
        ("https://x.id/sitemap-news.xml.gz", ("sitemap", {"url": "https://x.id/sitemap-news.xml.gz"})),
        ("https://x.id/rss", ("feed", {"url": "https://x.id/rss"})),
        ("https://x.id/feed/", ("feed", {"url": "https://x.id/feed/"})),
        (
            "https://www.jpnn.com/index.php?mib=rss",
            ("feed", {"url": "https://www.jpnn.com/index.php?mib=rss"}),
        ),
        ("https://x.id/kanal/nasional", ("site", {"url": "https://x.id/kanal/nasional", "sources": "links"})),
    ],
)
def test_resolve(target: str, expected: tuple[str, dict[str, str]]) -> None:
    assert resolve(target) == expected


def test_resolve_outlet_file_and_errors(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('domains = ["a.id"]\n[crawl]\nfeeds = ["https://a.id/rss"]', encoding="utf-8")
    assert resolve(str(mine)) == ("outlet", {"profile": str(mine)})
    with pytest.raises(RulesError, match=r"unknown outlet 'kompass'.*kompas"):
        resolve("kompass")
    with pytest.raises(RulesError, match="outlet file not found"):
        resolve(str(tmp_path / "missing.toml"))
    mine.write_text('domains = ["a.id"]\n[body]\nmain = "div.isi"', encoding="utf-8")
    with pytest.raises(RulesError, match=r"mine\.toml: no \[crawl\] table"):
        resolve(str(mine))
    mine.write_text('domains = ["a.id"]\n[crawl]\nfeeds = ["https://b.id/rss"]', encoding="utf-8")
    with pytest.raises(RulesError, match=r"mine\.toml: \[crawl\] 'feeds' has .* outside the outlet's"):
        resolve(str(mine))
    with pytest.raises(ValueError, match="not a crawl target"):
        resolve("ftp://x.id/")


# --- spiders without a crawl -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(crawlable()))
def test_outlet_spider_starts_from_its_profile(name: str) -> None:
    site = crawlable()[name]
    profile = site.crawl
    assert profile is not None
    spider = OutletNewsSpider(outlet=name, since="2026-11-01")
    urls = [r.url for r in spider.start_requests_list()]
    assert urls == [*profile.sitemaps, *profile.feeds, *profile.index_pages]
    assert spider.allowed_domains == sorted(site.domains) and spider.outlet == name
    article = spider._article_request(f"https://www.{site.domains[0]}/read/2026/11/20/1/judul-berita", "feed")
    assert article is not None and article.meta["newsclean_article"] is True
    assert article.meta["newsclean_url"] == f"https://www.{site.domains[0]}/read/2026/11/20/1/judul-berita"
    assert ("page=all" in article.url) is (site.single_page == "page=all")
    assert (
        spider._article_request(f"https://www.{site.domains[0]}/read/2026/10/31/1/lama-sekali", "feed")
        is None
    )


def test_site_spider_picks_the_profile_of_its_target() -> None:
    spider = SiteNewsSpider(url="https://www.kompas.com/")
    assert spider.outlet == "kompas" and spider.allowed_domains == ["kompas.com"]
    (robots,) = spider.start_requests_list()
    assert robots.url == "https://www.kompas.com/robots.txt" and robots.meta["newsclean_cascade"]
    assert SiteNewsSpider(url="https://berita.example.org/").outlet is None
