"""Bounded cleaning end to end (issue 7): pathological pages among normal ones, workers over a limit or
killed with `kill -9`, in `newsclean crawl` and `reclean` (`clean`: test_cli_clean.py; the pool on its own:
test_pool.py); real pages, a real local server (tests/hostilesite.py), real subprocesses. Limits are small
to keep the tests fast.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from crawl_helpers import (
    FAST,
    STUB,
    command,
    env,
    newsclean,
    rows_per_url,
    summary_count,
    worker_pids,
)
from hostilesite import (
    PARAGRAPHS_PATH,
    PROMOS_PATH,
    SLOW_PATH,
    SLOW_PROMOS,
    HostileSite,
    normal_articles,
    promos_page,
)
from localsite.pages import article_page

from scraper.storage import ArticleStore

#: The stub spider on the hostile site; pages up to 20 MB (the 10^6-paragraph page is 8 MB).
BIG = ("-s", "DOWNLOAD_MAXSIZE=20000000")
RETRIED = "a cleaning process died; running its input again on a fresh one"


def _crawl_args(site: HostileSite, db: Path, *extra: str) -> list[str]:
    return command(
        "crawl", "spider:stubfeed", "-a", f"url={site.base_url}", "--db", str(db), *STUB, *FAST, *BIG, *extra
    )


def _crawl(site: HostileSite, db: Path, *extra: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _crawl_args(site, db, *extra), cwd=cwd, env=env(), capture_output=True, text=True, timeout=120
    )


def _records(db: Path) -> dict[str, dict]:
    with ArticleStore(db) as store:
        return {record["url"]: record for record in store.records()}


def test_crawl_with_pathological_pages_finishes_and_each_costs_at_most_a_limit(tmp_path: Path) -> None:
    """Three pathological pages among 40 normal articles, one for each defence: 10^6 paragraphs (lxml needs
    about 400 MB to parse them: over the 180 MB limit before the cleaner can count them), 50,000 "Baca
    juga" links (turned away by the cleaner's pre-check once parsed), and 9,000 of them, under the
    pre-check but seconds to clean (over the 1 s time limit). The crawl ends, every normal article is
    stored clean once, each pathological one with its reason and its raw HTML. The progress extension is
    removed: the exit status does not depend on it."""
    db = tmp_path / "news.sqlite"
    pathological = (PARAGRAPHS_PATH, PROMOS_PATH, SLOW_PATH)
    with HostileSite(normal=40, pathological=pathological, slow_promos=9_000) as site:
        started = time.monotonic()
        done = _crawl(
            site,
            db,
            "-s",
            "CLEANER_TIMEOUT=1",
            "-s",
            "CLEANER_MEMORY_MB=180",
            "-s",
            'EXTENSIONS={"scraper.extensions.CrawlProgress": null}',
            cwd=tmp_path,
        )
        elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert elapsed < 90
    records = _records(db)
    assert set(rows_per_url(db).values()) == {1}
    assert {url for url, r in records.items() if r["status"] == "ok"} == site.normal_urls
    paragraphs, promos, slow = (records[site.base_url + path] for path in pathological)
    assert (paragraphs["status"], paragraphs["error"]) == (
        "error",
        "over the 180 MB memory limit (CLEANER_MEMORY_MB)",
    )
    assert promos["status"] == "error" and promos["error"].startswith("page too complex")
    assert (slow["status"], slow["error"]) == ("error", "gave up after 1 s (CLEANER_TIMEOUT)")
    with ArticleStore(db) as store:
        assert len(store.raw_pages(site.base_url + PARAGRAPHS_PATH).bodies[0]) > 8_000_000
    assert summary_count(done.stdout, "stored") == 43
    assert summary_count(done.stdout, "cleaning errors") == 3
    assert summary_count(done.stdout, "over a cleaning limit") == 2


def _stored(db: Path) -> int:
    try:
        return len(rows_per_url(db))
    except sqlite3.OperationalError:  # not created yet
        return 0


def _kill_workers(pid: int) -> list[int]:
    killed = worker_pids(pid)
    for worker in killed:
        os.kill(worker, signal.SIGKILL)
    return killed


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_killed_workers_do_not_stop_the_crawl(tmp_path: Path) -> None:
    """kill -9 on every cleaning worker while one cleans the slow page (fetched first: Scrapy's queue is
    LIFO) and the other the normal ones: every article is stored clean, those after the kill too, and the
    interrupted one was cleaned again on a fresh worker. Before issue 7, every later item failed with
    BrokenProcessPool."""
    db = tmp_path / "news.sqlite"
    with HostileSite(normal=40, pathological=(SLOW_PATH,)) as site:
        crawl = subprocess.Popen(
            _crawl_args(site, db),
            cwd=tmp_path,
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_for(lambda: site.requests.get(SLOW_PATH, 0) > 0 and len(worker_pids(crawl.pid)) == 2)
            time.sleep(0.5)  # the slow page's cleaning takes seconds
            stored_before = _stored(db)
            assert _kill_workers(crawl.pid)
            out, err = crawl.communicate(timeout=120)
        finally:
            crawl.kill()
    assert crawl.returncode == 0, err
    assert RETRIED in err
    assert stored_before < 41, "the kill came too late to show that the crawl goes on"
    records = _records(db)
    assert set(records) == site.normal_urls | site.pathological_urls
    assert {r["status"] for r in records.values()} == {"ok"}, {r["error"] for r in records.values()}
    assert summary_count(out, "cleaning errors") == 0


@pytest.fixture
def raw_db(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A database of 40 articles stored raw (cleaning off) and one slow to clean, whose URL sorts first."""
    db = tmp_path / "raw.sqlite"
    base = "https://warta.test"
    slow = f"{base}/a/lambat"
    normal = [f"{base}/b{a.path}" for a in normal_articles(40)]
    with ArticleStore(db) as store:
        pages = [(slow, promos_page(SLOW_PROMOS))]
        pages += [
            (url, article_page(a, base).encode()) for url, a in zip(normal, normal_articles(40), strict=True)
        ]
        for url, body in pages:
            store.save(
                {"url": url, "fetched_at": "2026-11-20T08:00:00Z", "status": "raw", "pages": [url]}, [body]
            )
    return db, slow, normal


def test_reclean_time_limit_leaves_the_slow_row_and_cleans_the_rest(
    raw_db: tuple[Path, str, list[str]], tmp_path: Path
) -> None:
    db, slow, normal = raw_db
    done = newsclean("reclean", "--db", str(db), "--workers", "2", "--timeout", "0.5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{slow}: gave up after 0.5 s (--timeout) (row left as it was)" in done.stderr
    assert "recleaned 41 articles" in done.stdout and "raw -> ok: 40" in done.stdout
    records = _records(db)
    assert records[slow]["status"] == "raw"
    assert {records[url]["status"] for url in normal} == {"ok"}


def test_killed_workers_do_not_stop_reclean(raw_db: tuple[Path, str, list[str]], tmp_path: Path) -> None:
    """Before issue 7, reclean stopped cleaning after a worker was killed (12 of 40 rows)."""
    db, _, _ = raw_db
    reclean = subprocess.Popen(
        command("reclean", "--db", str(db), "--workers", "2"),
        cwd=tmp_path,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: len(worker_pids(reclean.pid)) == 2)
        time.sleep(0.5)  # the slow article, first, is being cleaned; the normal ones flow on the other worker
        assert _kill_workers(reclean.pid)
        out, err = reclean.communicate(timeout=120)
    finally:
        reclean.kill()
    assert reclean.returncode == 0, err
    assert RETRIED in err and "could not be cleaned" not in err
    assert "recleaned 41 articles" in out and "raw -> ok: 41" in out
    assert {r["status"] for r in _records(db).values()} == {"ok"}
