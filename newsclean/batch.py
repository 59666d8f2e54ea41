"""Run a function over many inputs in worker processes: input order kept, bounded memory, crash-proof.

Results are yielded as soon as the oldest input is done, with at most `window` inputs submitted ahead, so a
batch of any size holds only a few pages and results at a time. When a worker process dies (segfault, the
kernel's OOM killer, os._exit in a library), ProcessPoolExecutor breaks and fails every unfinished input; the
pool is then rebuilt and those inputs are re-run one at a time, so only the input that kills a worker again
gets a crash result and the rest of the batch goes on. A worker stuck where no signal reaches it (a C loop)
is killed after `hard_limit` seconds and treated the same way.
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
HANG_MESSAGE = "the worker process stopped responding on this input and was killed after {seconds:g} s"


def default_workers() -> int:
    return os.cpu_count() or 1


def _init_worker() -> None:
    # Ctrl-C goes to the whole process group; only the parent should react (it cancels and shuts down).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class OrderedPool(Generic[T, R]):
    """`map(fn, tasks)` over worker processes; `on_failure(task, message)` is the result for a task that
    kills its worker or holds it past `hard_limit` seconds (None: no limit)."""

    def __init__(
        self,
        fn: Callable[[T], R],
        on_failure: Callable[[T, str], R],
        *,
        workers: int,
        window: int | None = None,
        hard_limit: float | None = None,
    ) -> None:
        self.fn = fn
        self.on_failure = on_failure
        self.workers = max(1, workers)
        self.window = window or self.workers * 4
        self.hard_limit = hard_limit
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
                yield self._head_result(pending)
        except BaseException:  # Ctrl-C, or the consumer stopped (broken pipe): don't wait for running inputs
            self._kill_workers()
            raise
        finally:
            for _, future in pending:
                future.cancel()
            self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _submit(self, task: T) -> Future[R]:
        """A future for the task; an already failed one when the pool broke since the last result."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker)
        try:
            return self._executor.submit(self.fn, task)
        except BrokenProcessPool as exc:
            failed: Future[R] = Future()
            failed.set_exception(exc)
            return failed

    def _head_result(self, pending: deque[tuple[T, Future[R]]]) -> R:
        """Wait for the oldest task (it is running: the pool starts tasks in order) and pop it."""
        task, future = pending[0]
        try:
            result = future.result(timeout=self.hard_limit)
        except TimeoutError:
            self._kill_workers()
            pending[0] = (task, _done(self.on_failure(task, HANG_MESSAGE.format(seconds=self.hard_limit))))
            self._recover(pending)
        except BrokenProcessPool:
            self._recover(pending)
        else:
            pending.popleft()
            return result
        return pending.popleft()[1].result()

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
        try:
            return _done(self._submit(task).result(timeout=self.hard_limit))
        except TimeoutError:
            self._kill_workers()
            self.close()
            return _done(self.on_failure(task, HANG_MESSAGE.format(seconds=self.hard_limit)))
        except BrokenProcessPool:
            self.close()
            logger.warning("an input killed its worker process again; it gets an error record")
            return _done(self.on_failure(task, CRASH_MESSAGE))

    def _kill_workers(self) -> None:
        """Kill the pool's processes; the executor then fails their futures with BrokenProcessPool."""
        # ProcessPoolExecutor has no public way to stop a running task; `_processes` is stable since 3.2.
        processes = getattr(self._executor, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()


def _done(result: R) -> Future[R]:
    future: Future[R] = Future()
    future.set_result(result)
    return future


def _succeeded(future: Future[object]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None
