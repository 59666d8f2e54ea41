"""`newsclean crawl -s NAME=VALUE` reaches Scrapy, logging settings included, and a crawl that is not on a
terminal (cron, a pipe) logs its progress. The crawl's stderr is a pipe here, as under cron."""

from __future__ import annotations

import re
from pathlib import Path

from crawl_helpers import newsclean
from localsite import LocalNewsSite

PROGRESS = re.compile(
    r"INFO scraper\.extensions: crawl: \d+ stored · .* requests \(http://127\.0\.0\.1:\d+/rss\)"
)


def _crawl(site: LocalNewsSite, tmp_path: Path, *settings: str) -> tuple[int, str]:
    args = ["crawl", site.url("/rss"), "--db", str(tmp_path / "news.sqlite"), "-s", "CLEANER_ENABLED=False"]
    for setting in ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "NEWSCLEAN_PROGRESS_LOG_INTERVAL=0.2",
                    *settings):  # fmt: skip
        args += ["-s", setting]
    done = newsclean(*args, cwd=tmp_path)
    return done.returncode, done.stderr


def test_every_setting_reaches_scrapy_log_level_included(tmp_path: Path) -> None:
    with LocalNewsSite(latency=0.02, slow_delay=0.5) as site:
        status, stderr = _crawl(
            site, tmp_path, "LOG_LEVEL=DEBUG", "USER_AGENT=probe/1.0 (+mailto:ops@example.org)",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        )  # fmt: skip
        agents, peak = site.user_agents, site.peak_in_flight
    assert status == 0, stderr[-3000:]
    assert set(agents) == {"probe/1.0 (+mailto:ops@example.org)"}
    assert peak == 1
    assert re.search(r"\[scrapy\.core\.engine\] DEBUG: Crawled \(200\)", stderr), stderr[-3000:]


def test_progress_is_logged_when_not_on_a_terminal(tmp_path: Path) -> None:
    with LocalNewsSite(slow_delay=0.5) as site:
        status, stderr = _crawl(site, tmp_path)
    assert status == 0, stderr[-3000:]
    assert PROGRESS.search(stderr), stderr[-3000:]
    assert "DEBUG" not in stderr and "INFO scrapy" not in stderr  # the CLI's level (warnings) otherwise
