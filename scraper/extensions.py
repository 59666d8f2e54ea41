"""Crawl extensions: a live progress line on a terminal, and the counters the closing summary needs."""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: (label, stats key) of the progress line and the closing summary, in order.
SUMMARY_COUNTERS: tuple[tuple[str, str], ...] = (
    ("stored", "newsclean/stored"),
    ("updated", "newsclean/updated"),
    ("skipped as already stored", "newsclean/skipped_stored"),
    ("not articles", "newsclean/not_article"),
    ("duplicates", "newsclean/duplicate"),
    ("cleaning errors", "newsclean/clean_error"),
    ("fetch errors", "newsclean/fetch_error"),
)
#: Responses received for pages other than robots.txt with a status below 400: "something was crawled".
PAGES_OK = "newsclean/pages_ok"
_IGNORED = "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest"


def summary(stats: Mapping[str, Any]) -> dict[str, int]:
    """The outcome counters of a crawl by label (SUMMARY_COUNTERS order), plus requests sent."""
    counts = {label: int(stats.get(key, 0)) for label, key in SUMMARY_COUNTERS}
    # Pages the spiders refused before the pipeline: text that is not HTML is not an article; a binary body
    # (an image or PDF where a page should be) is a content error (spiders/content.py).
    counts["not articles"] += int(stats.get("newsclean/spider/not_html", 0))
    counts["fetch errors"] += int(stats.get("newsclean/spider/binary_body", 0))
    # Download failures (timeouts, resets, oversized bodies) surface as exceptions; skips are not failures.
    counts["fetch errors"] += int(stats.get("downloader/exception_count", 0)) - int(stats.get(_IGNORED, 0))
    counts["requests"] = int(stats.get("downloader/request_count", 0))
    return counts


class CrawlProgress:
    """Counts fetched pages and failures; redraws one status line on stderr when it is a terminal.

    The line is UI, so it is only drawn for an interactive stderr (NEWSCLEAN_PROGRESS); logs and cron
    runs get Scrapy's periodic LogStats and the CLI's closing summary instead.
    """

    def __init__(self, crawler: Crawler, stream: TextIO | None = None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.stream = stream or sys.stderr
        self.interval = crawler.settings.getfloat("NEWSCLEAN_PROGRESS_INTERVAL", 0.5)
        self.draw = crawler.settings.getbool("NEWSCLEAN_PROGRESS", True) and _is_terminal(self.stream)
        self._task: Any = None
        self._width = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def response_received(self, response: Response, request: Request) -> None:
        if urlsplit(response.url).path == "/robots.txt":
            return
        self.stats.inc_value(PAGES_OK if response.status < 400 else "newsclean/fetch_error")

    def spider_error(self, failure: Any, response: Response) -> None:
        self.stats.inc_value("newsclean/spider_error")

    def spider_opened(self) -> None:
        if self.draw:
            self._task = create_looping_call(self.redraw)
            self._task.start(self.interval, now=True)

    def spider_closed(self) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
        if self.draw:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()

    def line(self) -> str:
        """Compact, to fit one terminal line: `crawl: 12 stored · 3 skipped · 0 not articles · ...`."""
        counts = summary(self.stats.get_stats())
        parts = [
            f"{counts['stored'] + counts['updated']} stored",
            f"{counts['skipped as already stored']} skipped",
            f"{counts['not articles']} not articles",
            f"{counts['cleaning errors'] + counts['fetch errors']} errors",
            f"{counts['requests']} requests",
        ]
        return ("crawl: " + " · ".join(parts))[: shutil.get_terminal_size().columns - 1]

    def redraw(self) -> None:
        text = self.line()
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
