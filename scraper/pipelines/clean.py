"""Clean each fetched article in the bounded worker pool, off the reactor thread.

Cleaning is CPU-bound (lxml + trafilatura, tens of ms a page, minutes on a pathological one); run on the
reactor thread it would stall every download. The pipeline awaits the pool's future instead, so the
reactor keeps fetching meanwhile. The pool (`newsclean.pool`, the same as `newsclean clean` uses) bounds
each article: CLEANER_TIMEOUT seconds a page and CLEANER_MEMORY_MB per worker; an article over either,
or one whose worker died twice, gets a failure result (status `error` with the reason) and is stored all
the same, raw HTML included, so `newsclean reclean` can try again. An article whose cleaning was cut
short by the crawl's shutdown is not stored at all: it is not done, and the next run fetches it again.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.asyncio import is_asyncio_available

from cleaners import CleanOptions
from newsclean.bounds import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from newsclean.pool import Limits, TaskFailed, WorkerPool
from scraper import signals
from scraper.cleaning import ArticleJob, clean_article, failed_article
from scraper.items import RawArticle

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Stats counter of each kind of cleaning failure (`TaskFailed.kind`); every one is also a clean_error.
FAILURE_STATS = {
    "timeout": "newsclean/clean_timeout",
    "memory": "newsclean/clean_over_memory",
    "crash": "newsclean/clean_crashed",
    "interrupted": "newsclean/clean_interrupted",
    "start": "newsclean/clean_crashed",
}
SHUTDOWN_MESSAGE = "the crawl was stopped before this article was cleaned; the next run fetches it again"


class CleanPipeline:
    """RawArticle in, the same RawArticle out with `result` set (DropItem when the crawl stopped before it
    was cleaned); NotConfigured when CLEANER_ENABLED is off."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("CLEANER_ENABLED", True):
            raise NotConfigured("cleaning is off (CLEANER_ENABLED=False): articles are stored raw")
        self.stats = crawler.stats
        self.workers = settings.getint("CLEANER_WORKERS", 0) or None
        self.limits = Limits(
            timeout=settings.getfloat("CLEANER_TIMEOUT", DEFAULT_TIMEOUT),
            memory_mb=settings.getint("CLEANER_MEMORY_MB", DEFAULT_MEMORY_MB),
            timeout_name="CLEANER_TIMEOUT",
            memory_name="CLEANER_MEMORY_MB",
        )
        self.options = CleanOptions.from_mapping(settings.getdict("CLEANER_OPTIONS"))
        self.pool: WorkerPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.shutdown_requested, signal=signals.shutdown_requested)
        return pipeline

    def open_spider(self) -> None:
        self.pool = shared_pool.acquire(self.workers, self.limits)

    def close_spider(self) -> None:
        if self.pool is not None:
            shared_pool.release()
            self.pool = None

    def shutdown_requested(self, grace: float) -> None:
        """The crawl is stopping: running and queued cleaning gets `grace` seconds, not its full limit."""
        if self.pool is not None:
            self.pool.expire(grace)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawArticle):
            return item
        item.result = await self.clean(item)
        return item

    async def clean(self, item: RawArticle) -> dict[str, Any]:
        assert self.pool is not None, "open_spider() was not called"
        job = ArticleJob(item.url, item.pages, item.bodies, item.encodings, self.options)
        future = self.pool.submit(clean_article, job, timeout=job.time_limit(self.limits.timeout))
        try:
            return await _wait(future)
        except TaskFailed as failure:
            self.stats.inc_value(FAILURE_STATS.get(failure.kind, "newsclean/clean_crashed"))
            if failure.kind == "interrupted":
                raise DropItem(f"not stored: {SHUTDOWN_MESSAGE}", log_level="INFO") from None
            logger.warning("cleaning %s failed: %s", item.url, failure.message)
            return failed_article(failure.message, item.url)
        except Exception as exc:  # a bug in the cleaning code: store raw, report, go on
            self.stats.inc_value("newsclean/clean_crashed")
            logger.error("cleaning crashed for %s: %s: %s", item.url, type(exc).__name__, exc)
            return failed_article(f"cleaning crashed: {type(exc).__name__}: {exc}", item.url)


class _SharedPool:
    """One worker pool per process, shared by the crawlers of a multi-target `newsclean crawl`.

    The first crawler's CLEANER_WORKERS and CLEANER_MEMORY_MB size it; each crawler's own CLEANER_TIMEOUT
    applies to its articles.
    """

    def __init__(self) -> None:
        self.pool: WorkerPool | None = None
        self.users = 0

    def acquire(self, workers: int | None, limits: Limits) -> WorkerPool:
        if self.pool is None:
            self.pool = WorkerPool(workers or os.cpu_count() or 1, limits)
        self.users += 1
        return self.pool

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0 and self.pool is not None:
            self.pool.close()
            self.pool, self.users = None, 0


shared_pool = _SharedPool()


async def _wait(future: Future[Any]) -> Any:
    """Await a concurrent future from the reactor thread, with or without the asyncio reactor."""
    if is_asyncio_available():
        return await asyncio.wrap_future(future)
    from twisted.internet import defer, reactor

    deferred: defer.Deferred[Any] = defer.Deferred()

    def relay(done: Future[Any]) -> None:
        error = done.exception()
        if error is None:
            reactor.callFromThread(deferred.callback, done.result())  # type: ignore[attr-defined]
        else:
            reactor.callFromThread(deferred.errback, error)  # type: ignore[attr-defined]

    future.add_done_callback(relay)
    return await deferred
