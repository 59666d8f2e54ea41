"""Middlewares that make crawls incremental: stored articles are never requested again.

`SkipStoredSpiderMiddleware` drops an article request as the spider yields it, before it is scheduled: one
indexed SQLite lookup per URL (a re-run over a sitemap of 20,000 stored articles spent 3.5 ms on each when
every one still went through the scheduler and the downloader middlewares to be dropped there).
`SkipStoredMiddleware` (downloader) catches what only shows at download time: a redirect to a stored article,
requests of spiders without the spider middleware. scrapy-deltafetch did this for old Scrapy; it is broken on
current releases.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from scraper import meta as keys
from scraper.storage import crawler_store, parse_time

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

#: Request.meta key set on an article request the spider middleware already looked up.
CHECKED = "newsclean_stored_checked"


class _StoredLookup:
    """Is one of these URLs a stored article that is not due for a refetch? (shared by both middlewares)"""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get("NEWSCLEAN_DB"):
            raise NotConfigured("no article database (NEWSCLEAN_DB is empty): nothing to skip")
        self.crawler = crawler
        if settings.get("NEWSCLEAN_REFETCH_AFTER_DAYS") in (None, "", "None"):
            self.refetch_after: timedelta | None = None
        else:
            self.refetch_after = timedelta(days=settings.getfloat("NEWSCLEAN_REFETCH_AFTER_DAYS"))

    def stored(self, urls: Iterable[str | None], count_refetch: bool = True) -> tuple[str, str] | None:
        """(stored URL, fetched_at) of the first stored, fresh article among `urls`; remembers the others as
        its aliases. None when none is stored, or when the stored one is due for a refetch."""
        store = crawler_store(self.crawler)
        candidates = [url for url in dict.fromkeys(urls) if url]
        for url in candidates:
            found = store.find(url)
            if found is None:
                continue
            stored_as, fetched_at = found
            if self._stale(fetched_at):
                if count_refetch:
                    self.crawler.stats.inc_value("newsclean/refetched")
                return None
            new = [alias for alias in candidates if alias != stored_as and store.find(alias) is None]
            store.add_aliases(stored_as, new)  # writes only when a URL is new, a read otherwise
            self.crawler.stats.inc_value("newsclean/skipped_stored")
            return found
        return None

    def _stale(self, fetched_at: str) -> bool:
        if self.refetch_after is None:
            return False
        try:
            return datetime.now(UTC) - parse_time(fetched_at) >= self.refetch_after
        except ValueError:
            return True


def _is_article(request: Request) -> bool:
    return bool(request.meta.get(keys.ARTICLE)) and not request.meta.get(keys.CONTINUATION)


class SkipStoredSpiderMiddleware:
    """Drop article requests for stored articles as the spider yields them (before the scheduler).

    Pagination follow-ups of an article being fetched are never skipped. With NEWSCLEAN_REFETCH_AFTER_DAYS,
    articles fetched longer ago than that are requested again (and updated in place). Off (NotConfigured)
    when there is no article database (`NEWSCLEAN_DB` empty).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.lookup = _StoredLookup(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredSpiderMiddleware:
        return cls(crawler)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            if isinstance(item, Request) and _is_article(item):
                found = self.lookup.stored([item.meta.get(keys.URL), item.url])
                if found is not None:
                    logger.debug("skipping %s: stored on %s", item.url, found[1])
                    continue
                item.meta[CHECKED] = True
            yield item


class SkipStoredMiddleware:
    """Drop article requests whose URL (or redirect source, or canonical URL) is already in the database,
    at download time: after a redirect, or for requests the spider middleware has not seen.

    A followed link that is not article-shaped (/go/123) can redirect to a stored article: its redirected
    request is checked too. Start pages, sitemaps and feeds (depth 0 or none) never are.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.lookup = _StoredLookup(crawler)

    @property
    def refetch_after(self) -> timedelta | None:
        return self.lookup.refetch_after

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        return middleware

    def request_dropped(self, request: Request) -> None:
        """A redirect to an article already requested in this run is dropped by the duplicate filter:
        remember where it came from, or the next run would request the redirecting URL again."""
        meta = request.meta
        if _is_article(request) and meta.get("redirect_urls"):
            crawler_store(self.crawler).add_aliases(request.url, [meta.get(keys.URL), *meta["redirect_urls"]])

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get(keys.CONTINUATION):
            return
        redirected = bool(meta.get("redirect_urls"))
        if not meta.get(keys.ARTICLE) and not (redirected and meta.get(keys.DEPTH)):
            return
        if meta.get(CHECKED) and not redirected:
            return  # looked up by the spider middleware a moment ago
        # The discovered URL, every redirect hop so far, and the URL about to be fetched.
        candidates = [meta.get(keys.URL), *meta.get("redirect_urls", ()), request.url]
        found = self.lookup.stored(candidates, count_refetch=not meta.get(CHECKED))
        if found is not None:
            logger.debug("skipping %s: stored on %s", request.url, found[1])
            raise IgnoreRequest(f"already stored: {found[0]}")
