"""Run a function over many inputs in worker processes: input order kept, bounded memory, crash-proof.

Results are yielded as soon as the oldest input is done, with at most `window` inputs submitted ahead, so a
batch of any size holds only a few pages and results at a time. When a worker process dies (segfault, the
kernel's OOM killer, os._exit in a library), ProcessPoolExecutor breaks and fails every unfinished input; the
pool is then rebuilt and those inputs are re-run one at a time, so only the input that kills a worker again
gets a crash result and the rest of the batch goes on.
"""

from __future__ import annotations

import logging
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

CRASH_MESSAGE = "the worker process died while cleaning this input (crash or out of memory)"


def default_workers() -> int:
    return os.cpu_count() or 1


def _init_worker() -> None:
    # Ctrl-C goes to the whole process group; only the parent should react (it cancels and shuts down).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class OrderedPool(Generic[T, R]):
    """`map(fn, tasks)` over worker processes; `on_crash(task)` is the result for a task that kills one."""

    def __init__(
        self,
        fn: Callable[[T], R],
        on_crash: Callable[[T], R],
        *,
        workers: int,
        window: int | None = None,
    ) -> None:
        self.fn = fn
        self.on_crash = on_crash
        self.workers = max(1, workers)
        self.window = window or self.workers * 4
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None

    def map(self, tasks: Iterable[T]) -> Iterator[R]:
        if self.workers == 1:
            yield from map(self.fn, tasks)
            return
        pending: deque[tuple[T, Future[R]]] = deque()
        source = iter(tasks)
        try:
            while True:
                for task in source:
                    pending.append((task, self._submit(task)))
                    if len(pending) >= self.window:
                        break
                if not pending:
                    return
                task, future = pending.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool:
                    pending.appendleft((task, future))
                    self._recover(pending)
                    task, future = pending.popleft()
                    result = future.result()
                yield result
        finally:
            for _, future in pending:
                future.cancel()
            self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _submit(self, task: T) -> Future[R]:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker)
        return self._executor.submit(self.fn, task)

    def _recover(self, pending: deque[tuple[T, Future[R]]]) -> None:
        """Replace every failed future in `pending` with the outcome of re-running its task alone."""
        self.restarts += 1
        self.close()
        suspects = [i for i, (_, future) in enumerate(pending) if not _succeeded(future)]
        logger.warning("a worker process died; re-running %d unfinished input(s) alone", len(suspects))
        for index in suspects:
            task = pending[index][0]
            pending[index] = (task, self._run_alone(task))

    def _run_alone(self, task: T) -> Future[R]:
        done: Future[R] = Future()
        try:
            done.set_result(self._submit(task).result())
        except BrokenProcessPool:
            self.close()
            logger.warning("an input killed its worker process again; it gets a crash record")
            done.set_result(self.on_crash(task))
        return done


def _succeeded(future: Future[object]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None
