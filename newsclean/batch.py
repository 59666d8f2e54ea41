"""Run a function over many inputs in the cleaning pool, in input order, with bounded memory.

Results are yielded as soon as the oldest input is done, with at most `window` inputs submitted ahead, so a
batch of any size holds only a few pages and results at a time. Everything that can go wrong with one
input (over its time or memory limit, a worker that dies) is handled by `newsclean.pool` and turned into
that input's `on_failure(task, message)` result here; the batch goes on.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Generic, TypeVar

from .pool import Limits, TaskFailed, WorkerPool

__all__ = ["OrderedPool", "default_workers"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    return os.cpu_count() or 1


class OrderedPool(Generic[T, R]):
    """`map(tasks)` yields `fn(task)` for each task, in order, computed in `workers` processes.

    `on_failure(task, message)` is the result for a task that did not finish (time or memory limit, a
    worker that died twice on it) or raised; `timeout_of(task)` may give a task its own time limit.
    """

    def __init__(
        self,
        fn: Callable[[T], R],
        on_failure: Callable[[T, str], R],
        *,
        workers: int,
        limits: Limits | None = None,
        window: int | None = None,
        timeout_of: Callable[[T], float] | None = None,
    ) -> None:
        self.fn = fn
        self.on_failure = on_failure
        self.workers = max(1, workers)
        self.limits = limits or Limits()
        self.window = window or self.workers * 4
        self.timeout_of = timeout_of
        self._pool: WorkerPool | None = None

    @property
    def counts(self) -> dict[str, int]:
        """What happened in the pool: timeout, memory, crash, died, retried, started (see WorkerPool)."""
        return dict(self._pool.counts) if self._pool is not None else {}

    def map(self, tasks: Iterable[T]) -> Iterator[R]:
        pool = self._pool = WorkerPool(self.workers, self.limits)
        pending: deque[tuple[T, Future[R]]] = deque()
        source = iter(tasks)
        try:
            while True:
                for task in source:
                    timeout = self.timeout_of(task) if self.timeout_of else None
                    pending.append((task, pool.submit(self.fn, task, timeout=timeout)))
                    if len(pending) >= self.window:
                        break
                if not pending:
                    return
                task, future = pending.popleft()
                yield self._result(task, future)
        finally:  # done, Ctrl-C, SIGTERM or the consumer stopped: never wait for running inputs
            for _, future in pending:
                future.cancel()
            pool.close()

    def _result(self, task: T, future: Future[R]) -> R:
        try:
            return future.result()
        except TaskFailed as failure:
            return self.on_failure(task, failure.message)
        except Exception as exc:  # the function raised: a bug, which must cost one result, not the batch
            logger.error("an input failed with %s: %s", type(exc).__name__, exc)
            return self.on_failure(task, f"internal error: {type(exc).__name__}: {exc}")
