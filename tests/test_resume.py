"""Kill -9 a crawl mid-way, run the same command again: every article stored exactly once, nothing lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from crawl_helpers import FAST, STUB, alive, command, descendants, env, rows_per_url, urls
from localsite import EXPECTED_ARTICLES, EXPECTED_FEED_ARTICLES, LocalNewsSite


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.parametrize("target", ["stub-feeds", "site-root"])
def test_sigkill_then_rerun_stores_every_article_exactly_once(tmp_path: Path, target: str) -> None:
    db = tmp_path / "news.sqlite"
    with LocalNewsSite() as site:
        if target == "stub-feeds":
            how, expected = ["spider:stubfeed", "-a", f"url={site.base_url}", *STUB], EXPECTED_FEED_ARTICLES
        else:
            how, expected = [site.url("/")], EXPECTED_ARTICLES
        # One request at a time with a delay, so the kill lands mid-crawl.
        slow = ("-s", "DOWNLOAD_DELAY=0.15", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        args = command("crawl", *how, "--db", str(db), *FAST, *slow)
        crawl = subprocess.Popen(
            args, cwd=tmp_path, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while _stored(db) < 2 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.05)
        workers = descendants(crawl.pid)  # the cleaning workers and the fork server they come from
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate(timeout=10)
        assert crawl.returncode == -signal.SIGKILL

        before = rows_per_url(db)
        assert 2 <= len(before) < len(expected), "the kill should land mid-crawl"
        assert set(before.values()) == {1}

        site.clear_log()
        rerun = subprocess.run(args, cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=60)
        assert rerun.returncode == 0, rerun.stderr

        assert rows_per_url(db) == dict.fromkeys(urls(site.base_url, expected), 1)
        refetched = {url for url in before if url.removeprefix(site.base_url) in site.requests}
        assert refetched == set(), "articles stored before the kill were fetched again"

    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) >= 3, f"the crawl had no cleaning workers to check: {workers}"
    assert not [pid for pid in workers if alive(pid)], "cleaning workers outlived the killed crawl"
