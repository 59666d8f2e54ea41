"""The local news site itself: routes answer as its README says, so crawl tests can trust it."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest
from localsite import BY_KEY, CONTINUATION_PATHS, MULTIPAGE, REDIRECT_PATH, REDIRECT_TARGET, LocalNewsSite


def _get(site: LocalNewsSite, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(site.url(path), timeout=10) as resp:
            return resp.status, resp.url, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, site.url(path), err.read()


def test_routes_and_request_log(localsite: LocalNewsSite) -> None:
    assert b"Sitemap: " + localsite.url("/sitemap.xml").encode() in _get(localsite, "/robots.txt")[2]
    assert b"<news:publication_date>" in _get(localsite, "/sitemap-news.xml")[2]
    assert b"<urlset" in gzip.decompress(_get(localsite, "/sitemap-arsip.xml.gz")[2])
    assert _get(localsite, "/tidak/ada")[0] == 404
    status, final, _ = _get(localsite, REDIRECT_PATH)
    assert (status, final) == (200, localsite.url(REDIRECT_TARGET.path))
    assert localsite.requests == [
        "/robots.txt", "/sitemap-news.xml", "/sitemap-arsip.xml.gz", "/tidak/ada", REDIRECT_PATH,
        REDIRECT_TARGET.path,
    ]  # fmt: skip


def test_retry_route_fails_once_then_succeeds(localsite: LocalNewsSite) -> None:
    path = BY_KEY["bisnis"].path
    assert [_get(localsite, path)[0] for _ in range(3)] == [500, 200, 500]
    localsite.clear_log()
    assert _get(localsite, path)[0] == 500 and localsite.requests == [path]


def test_multipage_article_pages_and_single_page_view(localsite: LocalNewsSite) -> None:
    pages = [_get(localsite, p)[2].decode() for p in (MULTIPAGE.path, *CONTINUATION_PATHS)]
    parts = MULTIPAGE.parts()
    assert len(pages) == len(parts) == 3
    for n, (html, part) in enumerate(zip(pages, parts, strict=True), start=1):
        assert part[0].replace('"', "&quot;") in html
        assert ('rel="next"' in html) == (n < 3) and ("Halaman selanjutnya" in html) == (n < 3)
    whole = _get(localsite, MULTIPAGE.path + "?page=all")[2].decode()
    assert (
        all(part[-1].replace('"', "&quot;") in whole for part in parts) and "Halaman selanjutnya" not in whole
    )


@pytest.mark.parametrize("key", ["menhub", "nikel"])
def test_article_pages_carry_real_body_and_boilerplate(localsite: LocalNewsSite, key: str) -> None:
    html = _get(localsite, BY_KEY[key].path)[2].decode()
    for marker in (
        'og:type" content="article',
        '"@type": "NewsArticle"',
        "Baca juga:",
        "Editor: ",
        "Berita Terkait",
    ):
        assert marker in html
    assert BY_KEY[key].body_lines()[-1][:60].replace('"', "&quot;") in html
