"""The cleaning pool (newsclean.pool), on its own: time and memory limits, dead workers, shutdown, orphans.

The tasks live in tests/pooltasks.py so that worker processes can import them. Limits are small (a second,
a few hundred MB) to keep the tests fast; the commands' end-to-end behaviour is in test_bounds.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pooltasks
import pytest
from crawl_helpers import alive, env

from newsclean.batch import OrderedPool
from newsclean.pool import CRASH_MESSAGE, Limits, TaskFailed, WorkerPool


def _all_up(pool: WorkerPool) -> set[int]:
    """The worker pids once every place has one (workers start, and are replaced, in the background)."""
    deadline = time.monotonic() + 30
    while len(pool.pids) < pool.workers:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return set(pool.pids)


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(2, Limits(timeout=1.0, memory_mb=300)) as started:
        _all_up(started)
        yield started


def _failure(future) -> TaskFailed:  # type: ignore[no-untyped-def]
    with pytest.raises(TaskFailed) as failed:
        future.result(timeout=30)
    return failed.value


def test_results_and_exceptions_come_back(pool: WorkerPool) -> None:
    futures = [pool.submit(pooltasks.double, n) for n in range(100)]
    assert [f.result(timeout=30) for f in futures] == [n * 2 for n in range(100)]
    with pytest.raises(ValueError, match="a bug in the task"):
        pool.submit(pooltasks.fail).result(timeout=30)
    with pytest.raises(RuntimeError, match="SystemExit"):  # never a SystemExit in the caller's thread
        pool.submit(pooltasks.leave).result(timeout=30)
    assert pool.counts["started"] == 2, "exceptions must not cost a worker"


def test_a_task_stuck_in_c_is_killed_at_its_time_limit_and_its_worker_replaced(pool: WorkerPool) -> None:
    """The task's own alarm cannot interrupt a call into C; the parent's limit does."""
    before = _all_up(pool)
    started = time.monotonic()
    failure = _failure(pool.submit(pooltasks.stuck_in_c, 0.2))
    assert (failure.kind, failure.message) == ("timeout", "gave up after 1 s (time limit)")
    assert 0.9 < time.monotonic() - started < 10
    assert pool.submit(pooltasks.double, 4).result(timeout=30) == 8
    assert len(_all_up(pool) - before) == 1, "exactly the stuck worker is replaced"
    assert pool.submit(pooltasks.sleep, 1.2, timeout=3).result(timeout=30) == 1.2  # a task's own limit


@pytest.mark.parametrize("task", [pooltasks.grow, pooltasks.burst])
def test_a_worker_over_the_memory_limit_fails_its_task_and_is_replaced(pool: WorkerPool, task) -> None:  # type: ignore[no-untyped-def]
    """Growing: the parent sees the resident size pass 300 MB and kills the worker. A burst of 4 GB: the
    worker's address-space limit refuses it (MemoryError). Both read the same to the user."""
    failure = _failure(pool.submit(task, 4000 if task is pooltasks.burst else 800))
    assert (failure.kind, failure.message) == ("memory", "over the 300 MB memory limit (memory limit)")
    assert pool.submit(pooltasks.double, 5).result(timeout=30) == 10


def test_a_worker_killed_from_outside_costs_nothing(pool: WorkerPool) -> None:
    """kill -9 on both workers while they run: their tasks run again on fresh ones, every result arrives."""
    futures = [pool.submit(pooltasks.sleep, 0.5) for _ in range(2)]
    futures += [pool.submit(pooltasks.double, n) for n in range(10)]
    time.sleep(0.25)
    for pid in pool.pids:
        os.kill(pid, signal.SIGKILL)
    assert [f.result(timeout=30) for f in futures] == [0.5, 0.5] + [n * 2 for n in range(10)]
    assert (pool.counts["died"], pool.counts["retried"], pool.counts["crash"]) == (2, 2, 0)


def test_ordered_pool_survives_repeated_worker_deaths() -> None:
    """Two inputs that kill their worker, many inputs in flight around each: every other result arrives,
    in order; each killer is tried twice (a death may not be its fault) and then gets its failure."""
    pool = OrderedPool(pooltasks.double_or_die, lambda n, message: (-n, message), workers=2, window=6)
    results = list(pool.map(range(40)))
    assert results == [(-n, CRASH_MESSAGE) if n in (5, 20) else n * 2 for n in range(40)]
    assert (pool.counts["crash"], pool.counts["died"], pool.counts["retried"]) == (2, 4, 2)


def test_expire_bounds_running_and_queued_tasks(pool: WorkerPool) -> None:
    """A graceful shutdown: what can finish within the grace does; the rest fails with the given reason."""
    quick = pool.submit(pooltasks.double, 1)
    long = [pool.submit(pooltasks.sleep, 30, timeout=60) for _ in range(3)]  # two run, one is queued
    quick.result(timeout=30)
    started = time.monotonic()
    pool.expire(0.5, "stopped")
    failures = [_failure(future) for future in long]
    assert {(f.kind, f.message) for f in failures} == {("interrupted", "stopped")}
    assert time.monotonic() - started < 5
    assert quick.result() == 2


def test_close_never_waits_for_a_running_task() -> None:
    pool = WorkerPool(1, Limits(timeout=0, memory_mb=0))
    running = pool.submit(pooltasks.hold_the_interpreter)
    queued = pool.submit(pooltasks.double, 1)
    time.sleep(0.3)
    workers = pool.pids
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 5
    assert _failure(running).kind == _failure(queued).kind == "interrupted"
    assert not [pid for pid in workers if alive(pid)]
    assert _failure(pool.submit(pooltasks.double, 1)).kind == "interrupted"


def test_workers_die_with_their_parent_even_when_stuck_in_c() -> None:
    """The parent is killed with SIGKILL (no cleanup at all) while one worker holds the interpreter in C and
    one sleeps: both go (the fork server exits with the parent, and the kernel kills its children)."""
    code = "import pooltasks; pooltasks.lifeline(2)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    workers = [int(pid) for pid in done.stdout.split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "workers outlived their parent"
