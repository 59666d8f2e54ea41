"""An article is the URL it was fetched at; a canonical URL counts for skipping and deduplication only on the
page's own site (registrable domain, scraper/sites.py).

Two loopback sites: 127.0.0.1 serves a copy whose <link rel=canonical> points to the genuine article on
127.0.0.2 (another site). Neither may make the other "already stored" or a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_helpers import FAST, newsclean, rows_per_url
from localsite import BY_KEY, pages
from localsite.hosts import Route, StaticHost

from scraper.sites import same_site, site_of
from scraper.storage import ArticleStore

ARTICLE = BY_KEY["menhub"]


def test_sites_are_registrable_domains() -> None:
    assert site_of("https://nasional.kompas.com/read/1") == site_of("https://www.kompas.com/") == "kompas.com"
    assert site_of("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert site_of("https://foo.blogspot.com/") != site_of("https://bar.blogspot.com/")  # private suffix
    assert site_of("http://127.0.0.1:8000/x") == "127.0.0.1" and site_of("http://localhost/") == "localhost"
    assert same_site("https://money.kompas.com/a", "https://kompas.com/b")
    assert not same_site("http://127.0.0.1/a", "http://127.0.0.2/a") and not same_site("", "")
    assert site_of("http://[::1:bad/") == ""


def test_find_ignores_a_canonical_on_another_site(tmp_path: Path) -> None:
    with ArticleStore(tmp_path / "x.sqlite") as store:
        record = {"fetched_at": "2026-11-20T00:00:00Z", "status": "ok", "text": "x"}
        store.save({**record, "url": "https://a.id/copy", "canonical_url": "https://b.id/genuine"}, [b"1"])
        store.save({**record, "url": "https://www.a.id/1?amp", "canonical_url": "https://a.id/1"}, [b"2"])
        assert store.find("https://b.id/genuine") is None
        assert store.find("https://a.id/1") == ("https://www.a.id/1?amp", record["fetched_at"])


@pytest.fixture
def sites() -> Iterator[tuple[StaticHost, StaticHost]]:
    with StaticHost() as copying, StaticHost(host="127.0.0.2") as genuine:
        for host in (copying, genuine):
            item = f"<item><title>{ARTICLE.title}</title><link>{host.url(ARTICLE.path)}</link></item>"
            host.routes["/rss"] = Route(200, f"<rss><channel>{item}</channel></rss>", "application/rss+xml")
        genuine.routes[ARTICLE.path] = Route(200, pages.article_page(ARTICLE, genuine.base_url))
        copy = pages.article_page(
            ARTICLE, copying.base_url
        )  # same text and title, canonical to the other site
        copying.routes[ARTICLE.path] = Route(
            200, copy.replace(copying.url(ARTICLE.path), genuine.url(ARTICLE.path))
        )
        yield copying, genuine


def _crawl(host: StaticHost, db: Path, tmp_path: Path) -> None:
    done = newsclean(
        "crawl", host.url("/rss"), "--db", str(db), *FAST, "-s", "CLEANER_WORKERS=1", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_canonical_on_another_site_does_not_make_the_genuine_article_stored(
    sites: tuple[StaticHost, StaticHost], tmp_path: Path
) -> None:
    copying, genuine = sites
    db = tmp_path / "news.sqlite"
    _crawl(copying, db, tmp_path)
    with ArticleStore(db) as store:
        assert store.record(copying.url(ARTICLE.path))["canonical_url"] == genuine.url(ARTICLE.path)
    _crawl(genuine, db, tmp_path)
    assert genuine.count(ARTICLE.path) == 1  # requested, not skipped as "already stored"
    assert rows_per_url(db) == {copying.url(ARTICLE.path): 1, genuine.url(ARTICLE.path): 1}


def test_a_copy_with_a_canonical_on_another_site_is_not_dropped_as_its_duplicate(
    sites: tuple[StaticHost, StaticHost], tmp_path: Path
) -> None:
    copying, genuine = sites
    db = tmp_path / "news.sqlite"
    _crawl(genuine, db, tmp_path)
    _crawl(copying, db, tmp_path)
    assert rows_per_url(db) == {copying.url(ARTICLE.path): 1, genuine.url(ARTICLE.path): 1}
