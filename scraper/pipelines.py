"""Item pipeline: clean each fetched article in a process pool and store it in the article database.

Cleaning is CPU-bound (lxml + trafilatura, tens of ms a page); run on the reactor thread it would stall every
download. The pipeline awaits the worker's future instead, so the reactor keeps fetching meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import is_asyncio_available

from cleaners import CleanOptions
from scraper.cleaning import clean_pages
from scraper.items import RawArticle
from scraper.storage import EXPORT_FIELDS, STATUS_RAW, crawler_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Stats counter per outcome of an article item.
STAT_PREFIX = "newsclean/"


class CleanStorePipeline:
    """RawArticle in, export record out (a plain dict: no raw bytes, so feed exports keep working).

    Every article reaching the pipeline is stored, even when cleaning fails (status `error`, raw HTML
    kept), so nothing fetched is lost; duplicates within a run are dropped with a reason.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.cleaning = settings.getbool("CLEANER_ENABLED", True)
        self.workers = settings.getint("CLEANER_WORKERS", 0) or os.cpu_count() or 1
        self.options = CleanOptions.from_mapping(settings.getdict("CLEANER_OPTIONS"))
        self._pool: ProcessPoolExecutor | None = None
        self._seen_urls: set[str] = set()
        self._seen_canonical: dict[str, tuple[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanStorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = crawler_store(self.crawler)
        if self.cleaning:
            self._pool = _SharedPool.acquire(self.workers)

    def close_spider(self) -> None:
        if self._pool is not None:
            _SharedPool.release()
            self._pool = None

    def _inc(self, event: str) -> None:
        self.stats.inc_value(STAT_PREFIX + event)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawArticle):
            return item
        if item.url in self._seen_urls:
            self._duplicate(item, item.url, "its URL was already stored in this run")
        self._seen_urls.add(item.url)
        result = await self._clean(item)
        owner = self._canonical_owner(item.url, result)
        if owner is not None:
            self._duplicate(item, owner, f"same canonical URL and title as {owner}")
        record = self._record(item, result)
        new = self.store.save(
            record,
            item.bodies,
            encodings=item.encodings,
            requested_url=item.requested_url,
            source=item.source,
            published_hint=item.published_hint,
            title_hint=item.title_hint,
        )
        status = record["status"]
        self._inc("stored" if new else "updated")
        if status == "not_article":
            self._inc("not_article")
        elif status in ("error", "empty"):
            self._inc("clean_error")
            logger.warning("stored %s with cleaning status %s: %s", item.url, status, record["error"])
        return record

    def _canonical_owner(self, url: str, result: dict[str, Any]) -> str | None:
        """The other article this one duplicates: same canonical URL (this run or stored) and same title.

        The title must match too: some sites point every page's canonical at the homepage.
        """
        canonical, title = result.get("canonical_url"), result.get("title")
        if not canonical or not title:
            return None
        owner = self._seen_canonical.get(canonical)
        if owner is None:
            found = self.store.find(canonical)
            if found is not None and found[0] != url:
                stored = self.store.record(found[0])
                owner = (found[0], stored["title"] if stored else None)
        if owner is not None and owner[0] != url and owner[1] == title:
            return owner[0]
        self._seen_canonical.setdefault(canonical, (url, title))
        return None

    def _duplicate(self, item: RawArticle, stored_url: str, reason: str) -> None:
        """Drop a second copy, remembering the URL it came from so the next run does not fetch it."""
        self.store.add_aliases(stored_url, [item.requested_url, item.url])
        self._inc("duplicate")
        raise DropItem(f"duplicate article {item.url}: {reason}", log_level="INFO")

    async def _clean(self, item: RawArticle) -> dict[str, Any]:
        if self._pool is None:
            return {"status": STATUS_RAW, "url": item.url}
        future = self._pool.submit(clean_pages, item.bodies, item.pages, item.encodings, self.options)
        try:
            return await _wait(future)
        except Exception as exc:  # a dead worker or unpicklable input: store raw, report, go on
            logger.error("cleaning crashed for %s: %s: %s", item.url, type(exc).__name__, exc)
            return {"status": "error", "error": f"cleaning crashed: {type(exc).__name__}: {exc}"}

    @staticmethod
    def _record(item: RawArticle, result: dict[str, Any]) -> dict[str, Any]:
        record = {name: result.get(name) for name in EXPORT_FIELDS}
        record.update(url=item.url, fetched_at=item.fetched_at, pages=list(item.pages))
        record["outlet"] = record["outlet"] or item.outlet
        record["status"] = record["status"] or STATUS_RAW
        for name in ("authors", "tags", "removed"):
            record[name] = record[name] or []
        record["text"] = record["text"] or ""
        record["word_count"] = record["word_count"] or 0
        return record


class _SharedPool:
    """One worker pool per process, shared by the crawlers of a multi-target `newsclean crawl`."""

    pool: ProcessPoolExecutor | None = None
    users = 0

    @classmethod
    def acquire(cls, workers: int) -> ProcessPoolExecutor:
        if cls.pool is None:
            cls.pool = _new_pool(workers)
        cls.users += 1
        return cls.pool

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users <= 0 and cls.pool is not None:
            cls.pool.shutdown(wait=True, cancel_futures=True)
            cls.pool, cls.users = None, 0


def _new_pool(workers: int) -> ProcessPoolExecutor:
    """Fork where it is safe: workers inherit the loaded rules and start in milliseconds.

    Python 3.12+ warns about forking a process that runs threads (the reactor's), so there forkserver.
    """
    methods = multiprocessing.get_all_start_methods()
    preferred = "fork" if sys.version_info < (3, 12) else "forkserver"
    context = multiprocessing.get_context(preferred if preferred in methods else None)
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
    )


def _exit_with_parent(parent: int, interval: float = 1.0) -> None:
    """Worker initializer: a crawl killed with SIGKILL must not leave its cleaning workers behind."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


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
