"""Real crawls of the local news site, one Scrapy process per crawl (tests/localsite/runner.py).

Each test asserts the exact set of yielded articles (as URL paths after redirects) and, from the server's
request log, what the crawl did and did not fetch: robots.txt obeyed, the date window applied before requests,
continuation pages never fetched or yielded as articles of their own.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from crawl_helpers import ROOT, Crawl, crawl
from localsite import (
    ABOUT_PATH,
    ARTICLES,
    BY_KEY,
    CONTINUATION_PATHS,
    DISALLOWED_PATHS,
    EXPECTED_ARTICLES,
    EXPECTED_FEED_ARTICLES,
    FAILING_PATHS,
    MULTIPAGE,
    PDF_PATH,
    REDIRECT_PATH,
    REDIRECT_TARGET,
    LocalNewsSite,
)


def _requested_paths(site: LocalNewsSite) -> Counter[str]:
    return Counter(site.requests)


def _assert_multipage_stitched(result: Crawl, site: LocalNewsSite) -> None:
    item = result.item(MULTIPAGE.path)
    assert item["pages"] == [site.url(MULTIPAGE.path), *(site.url(p) for p in CONTINUATION_PATHS)]
    for body, part in zip(item["bodies"], MULTIPAGE.parts(), strict=True):
        assert part[0].replace('"', "&quot;") in body
    assert not set(result.paths) & set(CONTINUATION_PATHS)


def _assert_no_refetch(site: LocalNewsSite) -> None:
    counts = _requested_paths(site)
    retried = BY_KEY["bisnis"].path
    for path in (*EXPECTED_ARTICLES, *CONTINUATION_PATHS):
        assert counts[path] <= (2 if path == retried else 1), path


@pytest.mark.parametrize("start", ["/sitemap.xml", "/robots.txt"])
def test_sitemap_crawl_yields_exactly_the_expected_articles(
    localsite: LocalNewsSite, tmp_path: Path, start: str
) -> None:
    result = crawl(tmp_path, "sitemap", f"url={localsite.url(start)}")
    assert sorted(result.paths) == sorted(EXPECTED_ARTICLES)  # each once, redirect target included once
    _assert_multipage_stitched(result, localsite)
    requested = _requested_paths(localsite)
    assert not DISALLOWED_PATHS & set(requested)  # robots.txt obeyed
    assert requested[CONTINUATION_PATHS[0]] == 1  # listed in the archive sitemap, fetched only as page 2
    assert requested[BY_KEY["bisnis"].path] == 2  # 500, then the retry
    assert requested[PDF_PATH] == 1 and requested[ABOUT_PATH] == 1
    assert set(requested) >= FAILING_PATHS
    _assert_no_refetch(localsite)
    stats = result.stats
    assert stats["newsclean/spider/sitemap_errors"] == 1  # the malformed sitemap; its complete entry was kept
    assert stats["newsclean/spider/binary_body/pdf"] == 1  # the PDF
    assert stats["newsclean/spider/not_article_page"] == 1  # the about page
    assert stats["newsclean/spider/fetch_errors"] == 2  # the 404 and the oversized page
    assert stats["newsclean/spider/fetch_errors/http_404"] == 1
    assert stats["newsclean/spider/fetch_errors/oversized"] == 1
    assert stats["newsclean/spider/continuation_skipped"] == 1
    assert stats["newsclean/spider/multipage_articles"] == 1
    assert stats["retry/count"] == 1
    menhub = result.item(BY_KEY["menhub"].path)
    assert (menhub["title_hint"], menhub["published_hint"]) == (
        BY_KEY["menhub"].title,
        BY_KEY["menhub"].published,
    )
    assert {i["source"] for i in result.items} == {"sitemap"}


def test_site_root_uses_robots_sitemaps_first(localsite: LocalNewsSite, tmp_path: Path) -> None:
    result = crawl(tmp_path, "site", f"url={localsite.url('/')}")
    assert sorted(result.paths) == sorted(EXPECTED_ARTICLES)
    requested = set(localsite.requests)
    assert "/rss" not in requested and "/atom.xml" not in requested  # sitemaps found: no need for feeds
    assert not DISALLOWED_PATHS & requested
    _assert_no_refetch(localsite)


@pytest.mark.parametrize("feeds", [True, False])
def test_site_root_falls_back_to_feeds_then_links(tmp_path: Path, feeds: bool) -> None:
    """No Sitemap: in robots.txt -> homepage feeds; no feeds either -> the homepage's links."""
    with LocalNewsSite(announce_sitemaps=False, announce_feeds=feeds) as site:
        result = crawl(tmp_path, "site", f"url={site.url('/')}")
        requested = set(site.requests)
    assert sorted(result.paths) == sorted(EXPECTED_FEED_ARTICLES if feeds else EXPECTED_ARTICLES)
    assert "/sitemap.xml" not in requested
    assert ("/rss" in requested) is feeds
    assert {i["source"] for i in result.items} == {"feed" if feeds else "links"}
    assert not DISALLOWED_PATHS & requested


def test_link_crawl_detects_articles_and_stitches_pages(localsite: LocalNewsSite, tmp_path: Path) -> None:
    result = crawl(tmp_path, "site", f"url={localsite.url('/')}", "sources=links", "max_depth=2")
    assert sorted(result.paths) == sorted(EXPECTED_ARTICLES)
    _assert_multipage_stitched(result, localsite)
    requested = set(localsite.requests)
    assert not DISALLOWED_PATHS & requested
    assert "/sitemap.xml" not in requested
    assert result.stats["newsclean/spider/not_article_page"] >= 3  # homepage, section pages, about page
    assert {i["source"] for i in result.items} == {"links"}
    _assert_no_refetch(localsite)


def test_link_crawl_depth_and_page_limits(localsite: LocalNewsSite, tmp_path: Path) -> None:
    shallow = crawl(tmp_path, "site", f"url={localsite.url('/')}", "sources=links", "max_depth=1")
    on_homepage = {a.path for a in ARTICLES if "home" in a.listed and a.kind != "private"}
    assert sorted(shallow.paths) == sorted(on_homepage | {REDIRECT_TARGET.path})  # section links not followed
    localsite.clear_log()
    bounded = crawl(tmp_path, "site", f"url={localsite.url('/')}", "sources=links", "max_pages=4")
    assert bounded.stats["newsclean/spider/max_pages_reached"] >= 1
    followed = {p for p in localsite.requests if p not in ("/", "/robots.txt") and "?page=" not in p}
    assert len(followed) == 3 and followed <= EXPECTED_ARTICLES  # the start page counts; articles first


def test_feed_crawl_rss_atom_and_a_broken_feed(localsite: LocalNewsSite, tmp_path: Path) -> None:
    feeds = ",".join(localsite.url(p) for p in ("/rss", "/atom.xml", "/feed/rusak.xml"))
    result = crawl(tmp_path, "feed", f"url={feeds}")
    assert sorted(result.paths) == sorted(EXPECTED_FEED_ARTICLES)
    assert result.stats["newsclean/spider/feed_errors"] == 1
    assert _requested_paths(localsite)[REDIRECT_PATH] <= 1
    assert result.paths.count(REDIRECT_TARGET.path) == 1
    _assert_multipage_stitched(result, localsite)


def test_date_window_is_applied_before_requesting(localsite: LocalNewsSite, tmp_path: Path) -> None:
    since, until = "2026-11-10", "2026-11-18"
    result = crawl(
        tmp_path, "sitemap", f"url={localsite.url('/sitemap.xml')}", f"since={since}", f"until={until}"
    )
    inside = {a.path for a in ARTICLES if a.path in EXPECTED_ARTICLES and since <= a.published[:10] <= until}
    assert sorted(result.paths) == sorted(inside)
    requested = set(localsite.requests)
    assert not (EXPECTED_ARTICLES - inside) & requested  # out-of-window articles never requested
    assert "/sitemap-arsip.xml.gz" not in requested  # its <lastmod> is before `since`
    assert result.stats["newsclean/spider/out_of_window"] >= 3


def test_max_articles_stops_the_crawl(localsite: LocalNewsSite, tmp_path: Path) -> None:
    """One request at a time, so the order of requests is the scheduler's: newest first, by announced date."""
    result = crawl(
        tmp_path, "sitemap", f"url={localsite.url('/sitemap-news.xml')}", "max_articles=2",
        settings=("CONCURRENT_REQUESTS=1",),
    )  # fmt: skip
    assert result.stats["finish_reason"] == "max_articles"
    newest = sorted((a for a in ARTICLES if "news" in a.listed), key=lambda a: a.published, reverse=True)
    assert result.paths == [a.path for a in newest[:2]]
    requested = [p for p in localsite.requests if p.startswith("/read/")]
    assert requested[:3] == [a.path for a in newest[:3]]


def test_outlet_profile_with_single_page_view(localsite: LocalNewsSite, tmp_path: Path) -> None:
    profile = tmp_path / "wartalokal.toml"
    profile.write_text(
        f"""domains = ["127.0.0.1"]
single_page = "page=all"

[crawl]
sitemaps = ["{localsite.url("/sitemap-news.xml")}"]
article_patterns = ['^/read/']
""",
        encoding="utf-8",
    )
    result = crawl(tmp_path, "outlet", f"profile={profile}")
    item = result.item(MULTIPAGE.path)
    assert item["pages"] == [localsite.url(MULTIPAGE.path + "?page=all")]
    assert item["requested_url"] == item["url"] == localsite.url(MULTIPAGE.path)
    assert all(part[-1].replace('"', "&quot;") in item["bodies"][0] for part in MULTIPAGE.parts())
    assert not set(CONTINUATION_PATHS) & set(localsite.requests)
    assert {i["outlet"] for i in result.items} == {"wartalokal"}
    news = {a.path for a in ARTICLES if "news" in a.listed}
    assert set(result.paths) == news | {REDIRECT_TARGET.path}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("since=2026-13-01", "ValueError: since: expected an ISO date"),
        ("max_articles=-1", "ValueError: max_articles must not be negative"),
        ("sources=carrier-pigeon", "ValueError: sources: unknown ['carrier-pigeon']"),
        ("outlet=nowhere", "RulesError: unknown outlet 'nowhere'"),
    ],
)
def test_bad_spider_arguments_fail_clearly(
    localsite: LocalNewsSite, tmp_path: Path, bad: str, message: str
) -> None:
    cmd = [sys.executable, "-m", "tests.localsite.runner", str(tmp_path / "x"), "site"]
    cmd += ["-a", f"url={localsite.url('/')}", "-a", bad]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert message in proc.stderr
    assert not localsite.requests
