"""Crawl extensions: the counters the closing summary needs, and progress (a live line on a terminal, a
periodic log line elsewhere)."""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
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


class CrawlCounters:
    """Counts fetched pages (`newsclean/pages_ok`) and HTTP error responses (`newsclean/fetch_error`).

    Always on: the closing summary and the exit status use these counters whether or not progress is shown.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlCounters:
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        return extension

    def response_received(self, response: Response, request: Request) -> None:
        if urlsplit(response.url).path == "/robots.txt":
            return
        self.stats.inc_value(PAGES_OK if response.status < 400 else "newsclean/fetch_error")

    def spider_error(self, failure: Any, response: Response) -> None:
        self.stats.inc_value("newsclean/spider_error")


class CrawlProgress:
    """Progress of a crawl: a status line redrawn on stderr when it is a terminal, else a log line.

    On a terminal the line is redrawn every NEWSCLEAN_PROGRESS_INTERVAL seconds (0.5); elsewhere (cron, a
    pipe, a log file) the same line is logged at INFO every NEWSCLEAN_PROGRESS_LOG_INTERVAL seconds (60),
    through this module's logger, which `newsclean crawl` shows unless -q. Off with NEWSCLEAN_PROGRESS=False.
    """

    def __init__(self, crawler: Crawler, stream: TextIO | None = None) -> None:
        settings = crawler.settings
        if not settings.getbool("NEWSCLEAN_PROGRESS", True):
            raise NotConfigured("NEWSCLEAN_PROGRESS is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.stream = stream or sys.stderr
        self.draw = _is_terminal(self.stream)
        if self.draw:
            self.interval = settings.getfloat("NEWSCLEAN_PROGRESS_INTERVAL", 0.5)
        else:
            self.interval = settings.getfloat("NEWSCLEAN_PROGRESS_LOG_INTERVAL", 60.0)
        if self.interval <= 0:
            raise NotConfigured("progress interval is 0")
        self._task: Any = None
        self._width = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self._task = create_looping_call(self.redraw if self.draw else self.log)
        self._task.start(self.interval, now=self.draw)

    def spider_closed(self) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
        if self.draw:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()

    def line(self, width: int | None = None) -> str:
        """Compact, to fit one terminal line: `crawl: 12 stored · 3 skipped · 0 not articles · ...`."""
        stats = self.stats.get_stats()
        counts = summary(stats)
        listed = sum(int(stats.get(f"newsclean/spider/{what}_entries", 0)) for what in ("sitemap", "feed"))
        parts = [
            f"{counts['stored'] + counts['updated']} stored",
            f"{counts['skipped as already stored']} skipped",
            f"{counts['not articles']} not articles",
            f"{counts['cleaning errors'] + counts['fetch errors']} errors",
            *([f"{listed} listed"] if listed else []),  # entries read from sitemaps and feeds
            f"{counts['requests']} requests",
        ]
        text = "crawl: " + " · ".join(parts)
        return text[: width - 1] if width else text

    def redraw(self) -> None:
        text = self.line(shutil.get_terminal_size().columns)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def log(self) -> None:
        targets = getattr(self.crawler.spider, "targets", None) or [getattr(self.crawler.spider, "name", "")]
        logger.info("%s (%s)", self.line(), ", ".join(targets))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
