"""Crawl extensions: progress, a live line on a terminal and a periodic log line elsewhere.

Display only: it counts nothing, so the closing summary and the exit status (scraper/outcome.py, from the
crawl's own stats) are the same with it removed.
"""

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
