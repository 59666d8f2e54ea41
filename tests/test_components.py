"""Components that are off say so the Scrapy way (NotConfigured), and read their settings typed."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from scraper.extensions import CrawlProgress
from scraper.middlewares import SkipStoredMiddleware


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
