"""Downloader middleware that makes crawls incremental: stored articles are never requested again.

It runs before robots.txt handling and the download itself, so a skipped article costs one indexed SQLite
lookup and no request. scrapy-deltafetch did this for old Scrapy; it is broken on current releases.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from scraper import meta as keys
from scraper.storage import crawler_store, parse_time

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SkipStoredMiddleware:
    """Drop article requests whose URL (or redirect source, or canonical URL) is already in the database.

    Pagination follow-ups of an article being fetched are never skipped. With NEWSCLEAN_REFETCH_AFTER_DAYS,
    articles fetched longer ago than that are requested again (and updated in place). Off (NotConfigured)
    when there is no article database (`NEWSCLEAN_DB` empty).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get("NEWSCLEAN_DB"):
            raise NotConfigured("no article database (NEWSCLEAN_DB is empty): nothing to skip")
        self.crawler = crawler
        days = settings.get("NEWSCLEAN_REFETCH_AFTER_DAYS")
        if days in (None, "", "None"):
            self.refetch_after = None
        else:
            self.refetch_after = timedelta(days=settings.getfloat("NEWSCLEAN_REFETCH_AFTER_DAYS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        return middleware

    def request_dropped(self, request: Request) -> None:
        """A redirect to an article already requested in this run is dropped by the duplicate filter:
        remember where it came from, or the next run would request the redirecting URL again."""
        meta = request.meta
        if meta.get(keys.ARTICLE) and not meta.get(keys.CONTINUATION) and meta.get("redirect_urls"):
            crawler_store(self.crawler).add_aliases(request.url, [meta.get(keys.URL), *meta["redirect_urls"]])

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get(keys.CONTINUATION):
            return
        # A followed link that is not article-shaped (/go/123) can redirect to a stored article: its
        # redirected request is checked too. Start pages, sitemaps and feeds (depth 0 or none) never are.
        if not meta.get(keys.ARTICLE) and not (meta.get("redirect_urls") and meta.get(keys.DEPTH)):
            return
        store = crawler_store(self.crawler)
        # The discovered URL, every redirect hop so far, and the URL about to be fetched.
        candidates = dict.fromkeys([meta.get(keys.URL), *meta.get("redirect_urls", ()), request.url])
        for url in candidates:
            if not url:
                continue
            found = store.find(url)
            if found is None:
                continue
            stored_as, fetched_at = found
            if self._stale(fetched_at):
                self.crawler.stats.inc_value("newsclean/refetched")
                return
            store.add_aliases(stored_as, candidates)
            self.crawler.stats.inc_value("newsclean/skipped_stored")
            logger.debug("skipping %s: stored on %s", request.url, fetched_at)
            raise IgnoreRequest(f"already stored: {url}")

    def _stale(self, fetched_at: str) -> bool:
        if self.refetch_after is None:
            return False
        try:
            return datetime.now(UTC) - parse_time(fetched_at) >= self.refetch_after
        except ValueError:
            return True
