"""Politeness measured at the server: peak requests in flight per site, whatever the delay settings.

The local site delays every answer a little, so requests sent together overlap at the server and an overshoot
shows. scraper/downloader.py explains the overshoot of Scrapy 2.19's stock downloader; the control test
crawls with that downloader, to show the measurement catches it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from crawl_helpers import newsclean
from localsite import LocalNewsSite

#: Answer latency of the site: long enough for requests released together to overlap at the server.
LATENCY = 0.03


def _crawl(site: LocalNewsSite, tmp_path: Path, *settings: str) -> int:
    args = ["crawl", site.url("/sitemap-news.xml"), "--db", str(tmp_path / "news.sqlite")]
    args += ["-s", "CLEANER_ENABLED=False"]
    for setting in ("DOWNLOAD_MAXSIZE=1000000", *settings):
        args += ["-s", setting]
    done = newsclean(*args, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(site.requests) >= 10  # robots.txt, the sitemap, its articles and pages
    return site.peak_in_flight


@pytest.mark.parametrize(
    ("limit", "settings"),
    [
        (2, ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False")),
        (1, ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=True", "AUTOTHROTTLE_START_DELAY=0")),
        # a jitter over 1 floors some random delays at 0: the zero-delay path again
        (2, ("DOWNLOAD_DELAY=0.01", "DOWNLOAD_DELAY_JITTER=5", "AUTOTHROTTLE_ENABLED=False")),
    ],
    ids=["no-delay", "autothrottle", "zero-jitter"],
)
def test_peak_in_flight_per_site_stays_within_the_limit(
    tmp_path: Path, limit: int, settings: tuple[str, ...]
) -> None:
    with LocalNewsSite(latency=LATENCY, slow_delay=0.2) as site:
        peak = _crawl(site, tmp_path, f"CONCURRENT_REQUESTS_PER_DOMAIN={limit}", *settings)
    assert 1 <= peak <= limit


def test_stock_downloader_overshoots_without_a_delay(tmp_path: Path) -> None:
    """The control: Scrapy's own downloader, same crawl, no delay. If this fails, Scrapy fixed the fault and
    scraper.downloader.PoliteDownloader's override can go."""
    with LocalNewsSite(latency=LATENCY, slow_delay=0.2) as site:
        stock = ("DOWNLOADER=scrapy.core.downloader.Downloader", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        peak = _crawl(site, tmp_path, *stock, "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False")
    assert peak > 1
