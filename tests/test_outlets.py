"""One outlet registry: an outlet is one file (cleaning rules and `[crawl]`), one loader, one domain match.

The files are the packaged ones in cleaners/rules/ and small broken variants; the pages are the saved
corpus pages of tests/fixtures/id-news with their manifest URLs.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from cleaners import clean_html
from cleaners.rules import RuleRegistry, RulesError, default_registry, parse_rules_file
from spiders.news import OutletNewsSpider, SiteNewsSpider
from spiders.outlets import crawlable, get_outlet, outlet_for_url

CORPUS = Path(__file__).parent / "fixtures" / "id-news"
_CRAWL = '\n[crawl]\nfeeds = ["https://a.id/rss"]\n'


def test_every_outlet_file_has_cleaning_rules_and_a_crawl_profile() -> None:
    """An outlet (a file with `domains`) has [body] rules and a [crawl] table; a [detect] profile has neither
    domains nor [crawl]: it is matched by page signals, so there is no site of its own to crawl."""
    registry = default_registry()
    assert len(registry.outlets) >= 17
    for name, site in registry.outlets.items():
        assert site.body, f"{site.path} has a [crawl] table but no [body] rules"
        assert site.crawl is not None, f"{site.path} has [body] rules but no [crawl] table"
        assert site.crawl.sitemaps or site.crawl.feeds or site.crawl.index_pages, name
    for profile in registry.profiles:
        assert not profile.domains and profile.crawl is None, profile.path
    assert registry.generic is not None and registry.generic.crawl is None
    assert set(crawlable()) == set(registry.outlets)
    for name in ("kompas", "viva", "tribunnews"):  # indonesian-boilerplate.md §1.8
        assert crawlable()[name].single_page == "page=all"
    assert crawlable()["detik"].single_page is None


def _corpus_pages() -> list[tuple[Path, str]]:
    """(saved page, its URL) from the corpus manifest."""
    with (CORPUS / "manifest.tsv").open(encoding="utf-8") as handle:
        return [(CORPUS / row["file"], row["url"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://nasional.kompas.com/read/2026/11/02/1/x", "kompas"),
        ("https://www.cnbcindonesia.com/news/20261120-4-1/x", "cnbcindonesia"),
        ("https://republika.id/posts/1/x", "republika"),  # a domain only the cleaning rules had before
        ("https://www.antaranews.co.id/berita/1/x", "antaranews"),
        ("https://example.org/", None),
        ("https://notkompas.com/read/x", None),
    ],
)
def test_cleaning_and_crawling_resolve_the_same_outlet(url: str, outlet: str | None) -> None:
    page = "<html><body><article><p>Teks berita yang cukup panjang.</p></article></body></html>"
    assert clean_html(page, url=url).outlet == outlet
    found = outlet_for_url(url)
    assert (found.name if found else None) == outlet
    spider = SiteNewsSpider(url=url)
    assert spider.outlet == outlet
    if found is not None:
        assert set(found.domains) <= set(spider.allowed_domains)
        assert spider.profile is found.crawl


def test_every_saved_page_is_the_same_outlet_for_the_cleaner_and_the_spider() -> None:
    pages = _corpus_pages()
    assert len(pages) >= 30
    outlets = set()
    for path, url in pages:
        cleaned = clean_html(path.read_bytes(), url=url or None)  # no URL: the page's canonical one
        assert cleaned.status == "ok" and cleaned.url, path.name
        assert SiteNewsSpider(url=cleaned.url).outlet == cleaned.outlet, path.name
        outlets.add(cleaned.outlet)
    assert len(outlets - {None}) >= 10  # most pages are of a packaged outlet (merdeka.com is not)


def test_the_longest_matching_domain_wins(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text('domains = ["a.id"]' + _CRAWL, encoding="utf-8")
    (tmp_path / "child.toml").write_text(
        'domains = ["news.a.id"]\n[crawl]\nfeeds = ["https://news.a.id/rss"]\n', encoding="utf-8"
    )
    registry = RuleRegistry.load(tmp_path)
    assert registry.for_url("https://x.news.a.id/berita/1").name == "child"
    assert registry.for_url("https://www.a.id/berita/1").name == "parent"
    assert registry.for_url("https://newsa.id/") is None


# --- the [crawl] table is validated with the rest of the file --------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('domains = ["a.id"]\n[crawl]\nfeeds = ["https://a.id/rss"]\ncolour = 1', "unknown keys ['colour']"),
        ('name = "other"\ndomains = ["a.id"]' + _CRAWL, "'name' must equal"),
        ('domains = ["a.id"]\n[crawl]\narticle_patterns = ["^/read/"]', "needs at least one of"),
        ('domains = ["a.id"]\n[crawl]\nfeeds = ["https://b.id/rss"]', "outside the outlet's domains"),
        ('domains = ["a.id"]\n[crawl]\nfeeds = ["https://a.id.evil.example/rss"]', "outside the outlet's"),
        ('domains = ["a.id"]\n[crawl]\nfeeds = ["ftp://a.id/rss"]', "not an http(s) URL"),
        ('domains = ["a.id"]\n[crawl]\nfeeds = "https://a.id/rss"', "must be a list of non-empty strings"),
        ('domains = ["a.id"]' + _CRAWL + 'article_patterns = ["(unclosed"]', "bad regex"),
        ('domains = ["a.id"]\ncrawl = "https://a.id/rss"', "[crawl] must be a table"),
        ('[detect]\nx = "meta[name=generator]"' + _CRAWL, "[crawl] needs the outlet's 'domains'"),
        ('domains = ["a.id"]\nsingle_page = "all pages"' + _CRAWL, "'single_page' must"),
        ('domains = ["a.id"]\nevidence = 1' + _CRAWL, "'evidence' must be a string"),
        ('domains = "a.id"' + _CRAWL, "'domains' must be a list"),
        ('domains = ["a id"]' + _CRAWL, "'a id' is not a domain name"),
        ('domains = ["a.id"\n', "cannot read rules"),
    ],
)
def test_invalid_outlet_files_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "outlet.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        RuleRegistry.load(tmp_path)
    assert str(err.value).startswith(str(tmp_path / "outlet.toml")) and message in str(err.value)


def test_a_domain_claimed_by_two_outlet_files_is_an_error_naming_both(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.toml").write_text('domains = ["a.id"]' + _CRAWL, encoding="utf-8")
    with pytest.raises(RulesError, match=r"two\.toml: domain 'a\.id' is already claimed by .*one\.toml"):
        RuleRegistry.load(tmp_path)


# --- an outlet named for a crawl -------------------------------------------------------------------------


def test_an_outlet_file_of_your_own_needs_domains_and_a_crawl_table(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('domains = ["a.id"]\n[body]\nmain = "div.isi"' + _CRAWL, encoding="utf-8")
    site = get_outlet(str(mine))
    assert site.name == "mine" and site.crawl is not None and site.crawl.feeds == ("https://a.id/rss",)
    assert site.body[0].css == "div.isi"
    spider = OutletNewsSpider(profile=str(mine))
    assert [r.url for r in spider.start_requests_list()] == ["https://a.id/rss"]
    assert spider.outlet == "mine" and spider.allowed_domains == ["a.id"]

    rules_only = tmp_path / "rulesonly.toml"
    rules_only.write_text('domains = ["b.id"]\n[body]\nmain = "div.isi"\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"rulesonly\.toml: no \[crawl\] table"):
        get_outlet(str(rules_only))
    detect_only = tmp_path / "detectonly.toml"
    detect_only.write_text('[detect]\nx = "meta[name=generator]"\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"detectonly\.toml: an outlet file needs 'domains'"):
        get_outlet(str(detect_only))
    with pytest.raises(RulesError, match=r"missing\.toml: outlet file not found"):
        get_outlet(str(tmp_path / "missing.toml"))
    with pytest.raises(RulesError, match=r"unknown outlet 'kompass'; known: .*kompas"):
        get_outlet("kompass")


@pytest.mark.parametrize("doc", ["README.md", "cleaners/rules/README.md"])
def test_the_documented_outlet_file_loads(tmp_path: Path, doc: str) -> None:
    text = (Path(__file__).parent.parent / doc).read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert example is not None, doc
    path = tmp_path / "example.toml"
    path.write_text(example.group(1), encoding="utf-8")
    site = parse_rules_file(path)
    assert site.domains and site.body and site.crawl is not None
