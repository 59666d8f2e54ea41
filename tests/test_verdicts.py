"""Verdicts on what was fetched, by content not by header, each failure counted with its reason.

One feed spider crawl of a loopback host serving: HTML labelled image/jpeg (a page), a JPEG labelled
text/html (a binary body, never a page), a chunked body cut short (a fetch error with a reason, not an empty
message), a pagination that never ends (cut at 20 pages with a notice), and a plain article.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from crawl_helpers import crawl, url_path
from localsite import BY_KEY, pages
from localsite.hosts import Route, StaticHost
from scrapy.exceptions import DownloadTimeoutError, ResponseDataLossError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed
from twisted.web.http import _DataLoss

from scraper.failures import describe
from spiders.articles import priority
from spiders.content import sniff

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 8
PATHS = {
    "html_as_jpeg": "/read/2026/11/20/1/html-dikirim-sebagai-jpeg",
    "jpeg_as_html": "/read/2026/11/20/2/jpeg-dikirim-sebagai-html",
    "cut": "/read/2026/11/20/3/transfer-terputus-di-tengah",
    "trap": "/read/2026/11/20/4/jebakan-halaman-tanpa-akhir",
    "plain": "/read/2026/11/20/5/berita-biasa-saja",
}


def _trap(base: str, path: str) -> Route:
    n = int(parse_qs(urlsplit(path).query).get("page", ["1"])[0])
    page = pages.article_page(BY_KEY["film"], base)
    link = f'<link rel="next" href="{base}{PATHS["trap"]}?page={n + 1}">'
    return Route(200, page.replace("</head>", link + "</head>", 1))


@pytest.fixture
def host() -> Iterator[StaticHost]:
    with StaticHost() as served:
        base = served.base_url
        items = "".join(f"<item><link>{base}{p}</link></item>" for p in PATHS.values())
        served.routes["/rss"] = Route(200, f"<rss><channel>{items}</channel></rss>", "application/rss+xml")
        article = pages.article_page(BY_KEY["menhub"], base)
        served.routes[PATHS["html_as_jpeg"]] = Route(200, article, "image/jpeg")
        served.routes[PATHS["jpeg_as_html"]] = Route(200, JPEG, "text/html; charset=utf-8")
        served.routes[PATHS["cut"]] = Route(200, article, action="cut")
        served.routes[PATHS["trap"]] = lambda path: _trap(base, path)
        served.routes[PATHS["plain"]] = Route(200, article)
        yield served


def test_content_verdicts_and_failure_reasons(host: StaticHost, tmp_path: Path) -> None:
    result = crawl(tmp_path, "feed", f"url={host.url('/rss')}", settings=("RETRY_TIMES=0",))
    assert sorted(result.paths) == sorted(PATHS[k] for k in ("html_as_jpeg", "trap", "plain"))
    trap = result.item(PATHS["trap"])
    assert len(trap["pages"]) == 20 and trap["pages"][-1].endswith("?page=20")
    assert host.count(PATHS["trap"] + "?page=21") == 0
    stats = result.stats
    assert stats["newsclean/spider/binary_body/jpeg"] == 1
    assert stats["newsclean/spider/fetch_errors/data_loss"] == 1
    assert stats["newsclean/spider/pagination_capped"] == 1
    assert "is a jpeg body served as text/html" in result.log
    cut = r"Article \S+transfer-terputus\S+ failed: data loss: the response body ended before it was complete"
    assert re.search(cut, result.log)
    assert not re.search(r"failed: *$", result.log, re.MULTILINE)
    assert "goes on past 20 pages" in result.log
    assert url_path(trap["url"]) == PATHS["trap"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (JPEG, "jpeg"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"%PDF-1.7\n", "pdf"),
        (gzip.compress(b"<html></html>"), "gzip"),
        (b"\x00\x00\x01\x00garbage", "binary"),
        (b"<!DOCTYPE html><html><head>", "html"),
        ("<html><body>é</body></html>".encode("utf-16"), "html"),
        (b"<?xml version='1.0'?><rss><channel><title>x</title>", "xml"),
        (b"<p>Paragraf tanpa kepala", "html"),
        (b'{"status": "ok"}', "json"),
        (b"   ", "empty"),
    ],
)
def test_sniff(body: bytes, kind: str) -> None:
    assert sniff(body) == kind


def test_failure_reasons_are_never_empty() -> None:
    loss = ResponseDataLossError()
    loss.__cause__ = ResponseFailed([Failure(_DataLoss("Chunked decoder in 'BODY' state"))])
    reason = describe(Failure(loss))
    assert reason.kind == "data_loss"
    assert reason.message.startswith("data loss: the response body ended before it was complete (_DataLoss: ")
    assert describe(DownloadTimeoutError("Getting x took longer than 5 seconds.")).kind == "timeout"
    assert describe(RuntimeError()).message == "RuntimeError"


def test_priorities_are_coarse() -> None:
    """Scrapy's priority queue scans every level on push and pop: a few hundred levels, not one an hour."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    levels = {priority(now - timedelta(hours=h), now) for h in range(0, 24 * 800, 1)}
    assert len(levels) <= 48 + 366 and max(levels) == 0 and priority(None) < min(levels)
    assert priority(now - timedelta(hours=1), now) > priority(now - timedelta(hours=2), now)
