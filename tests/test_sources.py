"""Discovery sources: `-a sources=feeds,links` runs both; sitemaps up to NEWSCLEAN_LISTING_MAXSIZE (50 MB by
default, here lowered) whatever DOWNLOAD_MAXSIZE, gzipped or not, while articles keep DOWNLOAD_MAXSIZE."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from crawl_helpers import MAXSIZE, crawl
from localsite import BY_KEY, EXPECTED_ARTICLES, EXPECTED_FEED_ARTICLES, LocalNewsSite, pages
from localsite.hosts import Route, StaticHost

OLD_ENTRIES = 16_000  # about 1.7 MB of sitemap, over the crawl's 1 MiB DOWNLOAD_MAXSIZE
LISTING_MAXSIZE = 2_000_000


def test_feeds_and_links_both_run(localsite: LocalNewsSite, tmp_path: Path) -> None:
    result = crawl(tmp_path, "site", f"url={localsite.url('/')}", "sources=feeds,links", "max_depth=2")
    assert sorted(result.paths) == sorted(EXPECTED_ARTICLES)
    by_source = {p: i["source"] for p, i in zip(result.paths, result.items, strict=True)}
    assert {by_source[p] for p in EXPECTED_ARTICLES - EXPECTED_FEED_ARTICLES} == {"links"}  # only linked
    assert {"/rss", "/atom.xml"} <= set(localsite.requests)
    assert localsite.count("/") == 1  # one homepage request served feeds and links


def _sitemap(base: str, fresh: str, old: int, pad: int = 0) -> bytes:
    """One fresh article and `old` archive entries from 2020 (out of the window: never requested)."""
    rows = [f"<url><loc>{base}{fresh}</loc><lastmod>2026-11-20</lastmod></url>"]
    slug = "arsip-lama" + "-x" * pad
    rows += [
        f"<url><loc>{base}/read/2020/01/01/{n}/{slug}-{n}</loc><lastmod>2020-01-01</lastmod></url>"
        for n in range(old)
    ]
    return f"<urlset>{''.join(rows)}</urlset>".encode()


def test_big_sitemaps_are_read_and_articles_keep_the_normal_limit(tmp_path: Path) -> None:
    plain, zipped = "/read/2026/11/20/1/berita-dari-peta-besar", "/read/2026/11/20/2/berita-dari-peta-gzip"
    huge, unread = "/read/2026/11/20/3/berita-tiga-megabita", "/read/2026/11/20/4/tak-pernah-terbaca"
    with StaticHost() as host:
        base = host.base_url
        big = _sitemap(base, plain, OLD_ENTRIES)
        bigger = _sitemap(base, unread, OLD_ENTRIES, pad=20)
        assert MAXSIZE < len(big) < LISTING_MAXSIZE < len(bigger)
        sitemaps = {
            "/besar.xml": Route(200, big, "application/xml"),
            "/besar.xml.gz": Route(
                200, gzip.compress(_sitemap(base, zipped, OLD_ENTRIES)), "application/x-gzip"
            ),
            "/raksasa.xml": Route(200, bigger, "application/xml"),  # over the listing limit
            "/kecil.xml": Route(
                200, f"<urlset><url><loc>{base}{huge}</loc></url></urlset>", "application/xml"
            ),
        }
        index = "".join(f"<sitemap><loc>{base}{path}</loc></sitemap>" for path in sitemaps)
        host.routes.update(sitemaps)
        host.routes["/sitemap.xml"] = Route(200, f"<sitemapindex>{index}</sitemapindex>", "application/xml")
        for path in (plain, zipped):
            host.routes[path] = Route(200, pages.article_page(BY_KEY["menhub"], base))
        host.routes[huge] = Route(200, pages.oversized_page(BY_KEY["menhub"], base))  # 3 MB
        limits = (f"NEWSCLEAN_LISTING_MAXSIZE={LISTING_MAXSIZE}", "NEWSCLEAN_LISTING_PROGRESS_EVERY=5000")
        result = crawl(
            tmp_path, "sitemap", f"url={host.url('/sitemap.xml')}", "since=2026-11-01", settings=limits
        )
        requested = host.requests
    assert sorted(result.paths) == sorted([plain, zipped])
    assert huge in requested and unread not in requested
    stats = result.stats
    assert stats["newsclean/spider/fetch_errors/oversized"] == 1  # the 3 MB article: DOWNLOAD_MAXSIZE
    assert stats["newsclean/spider/sitemap_errors/oversized"] == 1  # raksasa.xml: NEWSCLEAN_LISTING_MAXSIZE
    assert stats["newsclean/spider/sitemap_entries"] == 2 * (OLD_ENTRIES + 1) + 1
    assert stats["newsclean/spider/out_of_window"] == 2 * OLD_ENTRIES
    assert not [p for p in requested if "arsip-lama" in p]
    assert "entries read so far" in result.log  # progress while a big sitemap is read


def test_articles_are_requested_while_a_big_sitemap_is_still_read(tmp_path: Path) -> None:
    """A 6 MB sitemap (over Scrapy's default 5 MB SCRAPER_SLOT_MAX_ACTIVE_SIZE, which held every download back
    until the whole listing was scheduled): article pages are downloaded while it is still being read."""
    entries = 50_000
    with StaticHost() as host:
        base = host.base_url
        paths = [f"/read/2026/11/20/{n}/berita-nomor-{n}-hari-ini" for n in range(entries)]
        rows = "".join(f"<url><loc>{base}{p}</loc><lastmod>2026-11-20</lastmod></url>" for p in paths)
        sitemap = Route(200, f"<urlset>{rows}</urlset>", "application/xml")
        assert len(sitemap.body) > 5_000_000
        host.routes["/sitemap.xml"] = sitemap
        article = Route(200, pages.article_page(BY_KEY["menhub"], base))
        host.routes.update(dict.fromkeys(paths, article))
        result = crawl(
            tmp_path,
            "sitemap",
            f"url={host.url('/sitemap.xml')}",
            "max_articles=3",
            settings=("LOG_LEVEL=DEBUG",),
        )
    assert len(result.items) == 3 and result.stats["finish_reason"] == "max_articles"
    first_article = re.search(r"Crawled \(200\) <GET \S+/read/", result.log)
    sitemap_read = re.search(rf"Sitemap \S+/sitemap.xml: urlset with {entries} entries", result.log)
    assert first_article and sitemap_read and first_article.start() < sitemap_read.start()
