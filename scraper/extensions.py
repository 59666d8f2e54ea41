"""Crawl extensions: a live progress line on a terminal (display only: it counts nothing)."""

from __future__ import annotations

import logging
import shutil
import sys
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from scraper.outcome import summary

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class CrawlProgress:
    """Redraws one status line on stderr, from the crawl's stats, when stderr is a terminal.

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
        if not extension.draw:  # not a terminal, or NEWSCLEAN_PROGRESS off: nothing to warn about
            raise NotConfigured
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

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
