"""Shutdown (issue 7): SIGTERM ends a crawl in bounded time with its summary and no process left, even while
a pathological page is being cleaned; a second signal ends it at once; `newsclean clean` stopped by SIGTERM
or killed outright leaves no worker behind. Real crawls of tests/hostilesite.py in subprocesses.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from crawl_helpers import (
    FAST,
    STUB,
    alive,
    command,
    descendants,
    env,
    rows_per_url,
    summary_count,
    worker_pids,
)
from hostilesite import SLOW_PATH, SLOW_PATH_2, SLOW_PROMOS, HostileSite, normal_articles, promos_page
from localsite.pages import article_page

from scraper.storage import ArticleStore

#: Two pages of 9,000 promo links: seconds of cleaning each, under the cleaner's pre-checks, so that both
#: workers are busy on pages that outlast any grace given here.
PATHOLOGICAL = (SLOW_PATH, SLOW_PATH_2)
SLOW = 9_000


def _start_crawl(site: HostileSite, db: Path, cwd: Path, *extra: str) -> subprocess.Popen[str]:
    args = command(
        "crawl",
        "spider:stubfeed",
        "-a",
        f"url={site.base_url}",
        "--db",
        str(db),
        *STUB,
        *FAST,
        "-s",
        "DOWNLOAD_MAXSIZE=10000000",
        *extra,
    )
    return subprocess.Popen(
        args, cwd=cwd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _cleaning_slow_pages(
    site: HostileSite, crawl: subprocess.Popen[str], workers: int = 2, db: Path | None = None
) -> list[int]:
    """Wait until both slow pages (fetched first: Scrapy's queue is LIFO) are being cleaned (and, given
    `db`, an article is stored), and return every process below the crawl then: workers, the fork server,
    the resource tracker."""
    _wait_for(
        lambda: (
            all(site.requests.get(p) for p in PATHOLOGICAL)
            and len(worker_pids(crawl.pid)) == workers
            and (db is None or (db.exists() and bool(rows_per_url(db))))
        )
    )
    time.sleep(0.3)
    processes = descendants(crawl.pid)
    assert len(processes) >= 3, processes
    return processes


def _assert_all_gone(processes: list[int]) -> None:
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in processes if alive(pid)], "processes outlived the crawl"


def test_sigterm_ends_a_crawl_cleaning_slow_pages_in_bounded_time(tmp_path: Path) -> None:
    """Two of three workers are on pages that outlast the grace (seconds each), the third has stored normal
    articles; the first SIGTERM gives cleaning half of the 2 s NEWSCLEAN_SHUTDOWN_TIMEOUT. What was cleaned
    is stored, what was not is left for the next run, the summary is printed and no process is left; the
    same command then finishes the crawl."""
    db = tmp_path / "news.sqlite"
    with HostileSite(normal=20, pathological=PATHOLOGICAL, slow_promos=SLOW) as site:
        crawl = _start_crawl(
            site, db, tmp_path, "-s", "NEWSCLEAN_SHUTDOWN_TIMEOUT=2", "-s", "CLEANER_WORKERS=3"
        )
        try:
            processes = _cleaning_slow_pages(site, crawl, workers=3, db=db)
            signalled = time.monotonic()
            crawl.send_signal(signal.SIGTERM)
            out, err = crawl.communicate(timeout=30)
            took = time.monotonic() - signalled
        finally:
            crawl.kill()
        assert crawl.returncode == 128 + signal.SIGTERM, err
        assert took < 30
        print(f"\nSIGTERM to exit: {took:.2f} s")
        assert "stopped by SIGTERM after" in out
        assert summary_count(out, "left for the next run") >= 2
        _assert_all_gone(processes)
        stopped = rows_per_url(db)
        assert set(stopped.values()) == {1}
        assert not set(stopped) & site.pathological_urls
        with ArticleStore(db) as store:
            assert {r["status"] for r in store.records()} == {"ok"}

        rerun = _start_crawl(site, db, tmp_path, "-s", "CLEANER_TIMEOUT=0.5")
        out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    assert rows_per_url(db) == dict.fromkeys(site.normal_urls | site.pathological_urls, 1)
    with ArticleStore(db) as store:
        assert {r["status"] for r in store.records() if r["url"] in site.normal_urls} == {"ok"}


def test_a_second_sigterm_stops_the_crawl_at_once(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite"
    with HostileSite(normal=10, pathological=PATHOLOGICAL, slow_promos=SLOW) as site:
        crawl = _start_crawl(site, db, tmp_path)  # the default 20 s NEWSCLEAN_SHUTDOWN_TIMEOUT
        try:
            processes = _cleaning_slow_pages(site, crawl)
            crawl.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            signalled = time.monotonic()
            crawl.send_signal(signal.SIGTERM)
            out, err = crawl.communicate(timeout=30)
            took = time.monotonic() - signalled
        finally:
            crawl.kill()
    assert crawl.returncode == 128 + signal.SIGTERM, err
    print(f"\nsecond SIGTERM to exit: {took:.2f} s")
    assert took < 5
    assert "stopped at once by SIGTERM" in out
    _assert_all_gone(processes)
    assert set(rows_per_url(db).values()) <= {1}


def test_sigterm_stops_clean_at_once_and_leaves_no_worker_behind(tmp_path: Path) -> None:
    """Workers busy on pages that take seconds each (no time limit): SIGTERM stops `newsclean clean` at
    once, the records done so far complete, with a summary, and no process left. (Killed outright, its
    workers go all the same: test_pool.py.)"""
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, article in enumerate(normal_articles(4)):
        (pages / f"{i}-normal.html").write_bytes(article_page(article, "https://warta.test").encode())
    for i in range(6):
        (pages / f"{i}-slow.html").write_bytes(promos_page(SLOW_PROMOS))
    out = tmp_path / "out.jsonl"
    clean = subprocess.Popen(
        command("clean", str(pages), "-o", str(out), "--workers", "2", "--timeout", "0"),
        cwd=tmp_path,
        env=env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: len(worker_pids(clean.pid)) == 2)
        time.sleep(1.0)
        processes = descendants(clean.pid)
        signalled = time.monotonic()
        clean.send_signal(signal.SIGTERM)
        _, err = clean.communicate(timeout=30)
        took = time.monotonic() - signalled
    finally:
        clean.kill()
    assert took < 5
    _assert_all_gone(processes)
    assert clean.returncode == 128 + signal.SIGTERM, err
    assert "interrupted" in err and "stopped by SIGTERM" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) < 10 and all(r["status"] == "ok" for r in records)
