"""Tasks for the cleaning-pool tests, in a module of their own so worker processes can import them."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
import time


def double(number: int) -> int:
    return number * 2


def pid() -> int:
    return os.getpid()


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def stuck_in_c(alarm: float) -> bytes:
    """One long call into C (minutes of key stretching), as lxml or libxml2 on a pathological page: the
    alarm set for `alarm` seconds is due long before it returns, but no Python handler runs until then."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, alarm)
    return hashlib.pbkdf2_hmac("sha256", b"newsclean", b"salt", 10**9)


def hold_the_interpreter() -> bool:
    """Catastrophic regex backtracking: hours in C without releasing the interpreter to other threads."""
    return re.match(r"(a+)+$", "a" * 60 + "b") is None


def grow(megabytes: int, step: int = 20) -> int:
    """Allocate (and touch) `megabytes` in steps, as a parse building a huge tree does."""
    chunks = []
    for _ in range(megabytes // step):
        chunks.append(bytearray(step * 2**20))
        time.sleep(0.01)
    return len(chunks)


def burst(megabytes: int) -> int:
    """One allocation of `megabytes` at once."""
    return len(bytearray(megabytes * 2**20))


def die() -> None:
    os._exit(70)  # what a segfault or the OOM killer looks like from the parent: the process is gone


def double_or_die(number: int) -> int:
    if number in (5, 20):
        die()
    time.sleep(0.01 * (number % 3))
    return number * 2


def fail() -> None:
    raise ValueError("a bug in the task")


def leave() -> None:
    sys.exit(3)


def lifeline(workers: int) -> None:
    """`python -c 'import pooltasks; pooltasks.lifeline(2)'`: start a pool with one worker stuck in C and
    one asleep, print their pids, then die by SIGKILL (the test checks that both workers die with it)."""
    from newsclean.pool import Limits, WorkerPool

    pool = WorkerPool(workers, Limits(timeout=0, memory_mb=0))
    pool.submit(double, 1).result()
    pool.submit(hold_the_interpreter)
    pool.submit(sleep, 600)
    time.sleep(0.5)
    print(" ".join(map(str, pool.pids)), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
