"""Components that are off say so the Scrapy way (NotConfigured), and read their settings typed."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from scraper import meta
from scraper.extensions import CrawlProgress
from scraper.middlewares import CHECKED, SkipStoredMiddleware, SkipStoredSpiderMiddleware
from scraper.storage import ArticleStore


def test_progress_off_is_not_configured() -> None:
    with pytest.raises(NotConfigured):
        CrawlProgress(get_crawler(settings_dict={"NEWSCLEAN_PROGRESS": "False"}))
    never = get_crawler(settings_dict={"NEWSCLEAN_PROGRESS_LOG_INTERVAL": "0"})
    with pytest.raises(NotConfigured):
        CrawlProgress(never, stream=io.StringIO())


def test_progress_off_a_terminal_logs_a_line(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(settings_dict={"NEWSCLEAN_PROGRESS_LOG_INTERVAL": "30"})
    crawler.stats.open_spider()
    crawler.stats.set_value("newsclean/stored", 3)
    crawler.stats.set_value("newsclean/spider/sitemap_entries", 40_000)
    progress = CrawlProgress(crawler, stream=io.StringIO())
    assert (progress.draw, progress.interval) == (False, 30.0)
    with caplog.at_level(logging.INFO, logger="scraper.extensions"):
        progress.log()
    line = "crawl: 3 stored · 0 skipped · 0 not articles · 0 errors · 40000 listed · 0 requests"
    assert line in caplog.text


def test_skip_stored_needs_a_database(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        SkipStoredMiddleware(get_crawler(settings_dict={"NEWSCLEAN_DB": ""}))
    settings = {"NEWSCLEAN_DB": str(tmp_path / "x.sqlite"), "NEWSCLEAN_REFETCH_AFTER_DAYS": "7"}
    middleware = SkipStoredMiddleware(get_crawler(settings_dict=settings))
    assert middleware.refetch_after is not None and middleware.refetch_after.days == 7


def test_skip_stored_spider_middleware_drops_stored_articles_before_scheduling(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    with ArticleStore(db) as store:
        store.save({"url": "https://a.id/lama", "fetched_at": "2026-11-20T00:00:00Z", "status": "ok"}, [b"x"])
    crawler = get_crawler(settings_dict={"NEWSCLEAN_DB": str(db)})
    crawler.stats.open_spider()
    middleware = SkipStoredSpiderMiddleware.from_crawler(crawler)
    stored = Request("https://a.id/lama?page=all", meta={meta.ARTICLE: True, meta.URL: "https://a.id/lama"})
    new = Request("https://a.id/baru", meta={meta.ARTICLE: True, meta.URL: "https://a.id/baru"})
    page2 = Request("https://a.id/lama?page=2", meta={meta.ARTICLE: True, meta.CONTINUATION: True})
    listing = Request("https://a.id/lama")  # not an article request: not looked up

    async def output() -> AsyncIterator[Request]:
        for request in (stored, new, page2, listing):
            yield request

    async def run() -> list[Request]:
        return [r async for r in middleware.process_spider_output(None, output())]  # type: ignore[arg-type]

    assert asyncio.run(run()) == [new, page2, listing]
    assert crawler.stats.get_value("newsclean/skipped_stored") == 1
    assert new.meta[CHECKED] and CHECKED not in page2.meta
    with ArticleStore(db) as store:  # the single-page URL it was requested as is remembered
        assert store.find("https://a.id/lama?page=all") == ("https://a.id/lama", "2026-11-20T00:00:00Z")
