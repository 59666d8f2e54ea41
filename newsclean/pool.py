"""The one pool of cleaning processes behind `clean`, `reclean` and the crawl: bounded and crash-proof.

Why not `concurrent.futures.ProcessPoolExecutor`: one dead worker breaks it for every task, it cannot stop a
running task, and at exit it waits for running tasks for ever. Here each worker process runs one task at a
time over its own pipe, so the parent always knows which task is where:

- a task over its time limit is killed with its worker: a long call into C (lxml, a regex) cannot be
  interrupted any other way, SIGALRM included;
- a worker whose resident memory goes over the memory limit is killed with its task (the parent polls
  /proc); a worker also has an address-space limit (RLIMIT_AS) somewhat above it, so that a sudden burst
  between two polls fails inside the worker instead of exhausting the machine;
- a task whose worker died (segfault, the OOM killer, `kill -9`) is run once more on a fresh worker, since
  the death may not be its fault; if it kills that one too, it fails;
- every lost worker is replaced, so the other tasks never notice;
- workers die with the parent, even when it is killed with SIGKILL (a parent-death signal, and a thread
  that watches the parent's lifeline pipe).

A failed task's future raises `TaskFailed`, whose message is meant for the user's record ("gave up after
60 s (CLEANER_TIMEOUT)"). Workers are forked from a fork server that imported and warmed the cleaning code
once (`newsclean.warmup`): a replacement starts in milliseconds, and no worker is forked from a parent that
runs threads (Scrapy's reactor, this module's own).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .bounds import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

logger = logging.getLogger(__name__)

#: Modules the fork server imports before forking workers (the cleaning code, its rules, trafilatura).
PRELOAD = ("newsclean.warmup",)
#: Headroom of the address-space limit over the memory limit: thread stacks and malloc arenas are
#: reserved address space, not resident memory, so RLIMIT_AS cannot be the memory limit itself.
AS_HEADROOM_MB = 512
#: What the worker processes are called in `ps`/`top` (at most 15 characters).
WORKER_NAME = "newsclean-clean"

CRASH_MESSAGE = "the cleaning process died twice on this input (a crash, or killed from outside)"
INTERRUPTED_MESSAGE = "not cleaned: the run was stopped before this input was done"

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_PR_SET_PDEATHSIG = 1


class TaskFailed(Exception):
    """A task ended without a result; `kind` is timeout, memory, crash, interrupted or start."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of one task: seconds it may run, resident megabytes its worker may use (0: no limit).

    The names say where a user sets them, for the error messages ("--timeout", "CLEANER_TIMEOUT").
    """

    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    timeout_name: str = "time limit"
    memory_name: str = "memory limit"

    def timeout_message(self, seconds: float) -> str:
        return f"gave up after {seconds:g} s ({self.timeout_name})"

    def memory_message(self) -> str:
        if self.memory_mb <= 0:
            return "out of memory while cleaning this input"
        return f"over the {self.memory_mb} MB memory limit ({self.memory_name})"


@dataclass(eq=False)
class _Task:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any]
    timeout: float
    #: Runs begun on a worker; and hand-overs that failed because the worker was already dead.
    attempts: int = 0
    lost_sends: int = 0
    claimed: bool = False  # set_running_or_notify_cancel() was called


@dataclass(eq=False)
class _Slot:
    """One worker place: the process that fills it now, and the task it runs (guarded by the pool lock)."""

    index: int
    process: Any = None
    conn: Connection | None = None
    task: _Task | None = None
    deadline: float | None = None
    #: Set by the monitor before it kills the worker: the kind of failure the slot thread reports.
    killed_for: str | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


class WorkerPool:
    """`submit(fn, *args)` runs `fn(*args)` in one of `workers` processes within `limits`; see the module doc.

    `fn` and its arguments must be picklable (a module-level function). Thread-safe; `close()` never
    waits for a running task.
    """

    def __init__(
        self,
        workers: int,
        limits: Limits | None = None,
        *,
        poll_interval: float = 0.1,
        preload: tuple[str, ...] = PRELOAD,
    ) -> None:
        self.workers = max(1, workers)
        self.limits = limits or Limits()
        self.poll_interval = poll_interval
        #: Events so far: timeout, memory, crash (failed), died (a worker lost unexpectedly), retried,
        #: started (worker processes started), interrupted.
        self.counts: Counter[str] = Counter()
        self._context = _context(tuple(preload))
        self._lock = threading.Condition()
        self._queue: deque[_Task] = deque()
        self._closing = False
        self._expire: tuple[float, str] | None = None
        self._slots = [_Slot(i) for i in range(self.workers)]
        for slot in self._slots:
            slot.thread = threading.Thread(
                target=self._serve_slot, args=(slot,), name=f"newsclean-pool-{slot.index}", daemon=True
            )
            slot.thread.start()
        self._monitor = threading.Thread(target=self._watch, name="newsclean-pool-monitor", daemon=True)
        self._monitor.start()
        _POOLS.add(self)

    # --- the caller's side ---
    def submit(self, fn: Callable[..., Any], /, *args: Any, timeout: float | None = None) -> Future[Any]:
        """A future for `fn(*args)`; `timeout` overrides the pool's time limit for this task."""
        future: Future[Any] = Future()
        task = _Task(fn, args, future, self.limits.timeout if timeout is None else timeout)
        with self._lock:
            if self._closing:
                future.set_exception(TaskFailed("interrupted", INTERRUPTED_MESSAGE))
                return future
            self._queue.append(task)
            self._lock.notify_all()
        return future

    def expire(self, grace: float, message: str = INTERRUPTED_MESSAGE) -> None:
        """Let every task, running or queued, finish within `grace` seconds; the rest fail with `message`.

        For a graceful shutdown: in-flight work gets a bounded chance instead of its full time limit.
        """
        with self._lock:
            at = time.monotonic() + max(0.0, grace)
            if self._expire is None or at < self._expire[0]:
                self._expire = (at, message)
            self._lock.notify_all()

    def close(self) -> None:
        """Stop: queued and running tasks fail as interrupted, idle workers exit, busy ones are killed."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            queued = list(self._queue)
            self._queue.clear()
            busy = [slot for slot in self._slots if slot.task is not None]
            for slot in busy:
                slot.killed_for = "interrupted"
            self._lock.notify_all()
        for task in queued:
            self._fail(task, "interrupted", INTERRUPTED_MESSAGE)
        for slot in busy:
            _kill(slot.process)
        deadline = time.monotonic() + 5
        for thread in [*(slot.thread for slot in self._slots), self._monitor]:
            if thread is not None:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        for slot in self._slots:  # a worker a slot thread could not stop in time
            _kill(slot.process)
        _POOLS.discard(self)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def kill(self) -> None:
        """Kill every worker now, waiting for nothing (a forced exit); `close()` may follow."""
        with self._lock:
            processes = [slot.process for slot in self._slots]
            for slot in self._slots:
                if slot.task is not None and slot.killed_for is None:
                    slot.killed_for = "interrupted"
        for process in processes:
            _kill(process)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for diagnostics and tests)."""
        with self._lock:
            return [slot.process.pid for slot in self._slots if slot.process is not None]

    # --- one thread per worker place ---
    def _serve_slot(self, slot: _Slot) -> None:
        while True:
            if slot.process is None and not self._closing:
                self._start_worker(slot)
            task = self._next_task(slot)
            if task is None:
                break
            if slot.process is None:  # it could not be started: fail the task rather than wait for ever
                self._fail(task, "start", "could not start a cleaning process")
                time.sleep(1)
                continue
            self._run(slot, task)
        self._stop_worker(slot)

    def _next_task(self, slot: _Slot) -> _Task | None:
        """The oldest queued task (None when closing), marked as running in `slot` with its deadline."""
        with self._lock:
            while True:
                if self._closing:
                    return None
                while self._queue:
                    task = self._queue.popleft()
                    if not self._claim(task):
                        continue  # cancelled while queued
                    now = time.monotonic()
                    if self._expire is not None and now >= self._expire[0]:
                        self._fail(task, "interrupted", self._expire[1])
                        continue
                    slot.task, slot.killed_for = task, None
                    slot.deadline = now + task.timeout if task.timeout > 0 else None
                    self._lock.notify_all()  # the monitor has a new deadline to watch
                    return task
                self._lock.wait()

    def _run(self, slot: _Slot, task: _Task) -> None:
        assert slot.conn is not None
        reply: tuple[str, Any] | None = None
        try:
            slot.conn.send((task.fn, task.args))
        except OSError:  # the worker died while idle: not the task's fault, so it goes first to the next one
            self._drop_worker(slot)
            task.lost_sends += 1
            with self._lock:
                slot.task = slot.deadline = None
                if task.lost_sends < 3:
                    self._queue.appendleft(task)
                    self._lock.notify_all()
                    return
            self._fail(task, "start", "no cleaning process could take this input (each died at once)")
            return
        except Exception as exc:  # the task could not be pickled: its own fault, the worker is fine
            with self._lock:
                slot.task = slot.deadline = None
            task.future.set_exception(exc)
            return
        task.attempts += 1
        with contextlib.suppress(EOFError, OSError):  # else the worker is gone: killed, or died
            reply = slot.conn.recv()
        with self._lock:
            killed_for, slot.task, slot.deadline = slot.killed_for, None, None
        if reply is not None and killed_for != "memory":
            # A result that arrived as the deadline passed still counts: the task did finish.
            status, value = reply
            if status == "ok":
                task.future.set_result(value)
            elif status == "raised":
                task.future.set_exception(value)
            else:  # the worker went over the memory limit between two polls, and exits to be replaced
                self._fail(task, "memory", self.limits.memory_message())
            if status == "memory" or killed_for is not None:
                self._drop_worker(slot)
            return
        self._drop_worker(slot)
        if killed_for == "timeout":
            self._fail(task, "timeout", self.limits.timeout_message(task.timeout))
        elif killed_for == "memory":
            self._fail(task, "memory", self.limits.memory_message())
        elif killed_for == "interrupted":
            self._fail(task, "interrupted", self._expire[1] if self._expire else INTERRUPTED_MESSAGE)
        elif task.attempts < 2 and not self._closing:
            logger.warning("a cleaning process died; running its input again on a fresh one")
            self._count("died", "retried")
            with self._lock:
                self._queue.appendleft(task)
                self._lock.notify_all()
        else:
            logger.warning("an input killed its cleaning process twice; it gets an error record")
            self._count("died")
            self._fail(task, "crash", CRASH_MESSAGE)

    def _fail(self, task: _Task, kind: str, message: str) -> None:
        self._count(kind)
        with contextlib.suppress(InvalidStateError):  # cancelled meanwhile: nobody waits for it
            task.future.set_exception(TaskFailed(kind, message))

    def _count(self, *events: str) -> None:
        with self._lock:
            self.counts.update(events)

    # --- worker processes ---
    def _start_worker(self, slot: _Slot) -> None:
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve,
            args=(child_end, self.limits.memory_mb),
            name=f"{WORKER_NAME}-{slot.index}",
            daemon=True,
        )
        try:
            process.start()
        except Exception:
            logger.exception("could not start a cleaning process")
            parent_end.close()
            return
        finally:
            child_end.close()
        with self._lock:
            slot.process, slot.conn = process, parent_end
            self.counts["started"] += 1

    def _drop_worker(self, slot: _Slot) -> None:
        """Forget a dead or dying worker (killed if need be) so that the next task gets a fresh one."""
        process, conn = slot.process, slot.conn
        with self._lock:
            slot.process = slot.conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            process.join(timeout=1)
            if process.exitcode is None:
                _kill(process)
                process.join(timeout=1)

    def _stop_worker(self, slot: _Slot) -> None:
        if slot.conn is not None:
            with contextlib.suppress(OSError):
                slot.conn.send(None)  # an idle worker exits at once; a busy one was already killed
        if slot.process is not None:
            slot.process.join(timeout=1)
        self._drop_worker(slot)

    # --- the monitor: deadlines and memory ---
    def _watch(self) -> None:
        while True:
            with self._lock:
                if self._closing:
                    return
                now = time.monotonic()
                busy = [slot for slot in self._slots if slot.task is not None and slot.killed_for is None]
                wake = []
                for slot in busy:
                    kind, at = self._deadline(slot)
                    if at is not None and now >= at:
                        self._kill_slot(slot, kind)
                    elif at is not None:
                        wake.append(at - now)
                if self.limits.memory_mb > 0:
                    for slot in busy:
                        if slot.killed_for is None and _rss_mb(slot.process) > self.limits.memory_mb:
                            self._kill_slot(slot, "memory")
                    if busy:
                        wake.append(self.poll_interval)
                if self._expire is not None and self._queue:
                    wake.append(max(0.0, self._expire[0] - now))
                self._lock.wait(timeout=min(wake) if wake else None)
            if self._expire is not None and time.monotonic() >= self._expire[0]:
                self._fail_expired_queue()

    def _deadline(self, slot: _Slot) -> tuple[str, float | None]:
        """The kind of failure and the moment the slot's task must be done by, whichever comes first."""
        kind, at = "timeout", slot.deadline
        if self._expire is not None and (at is None or self._expire[0] < at):
            kind, at = "interrupted", self._expire[0]
        return kind, at

    def _kill_slot(self, slot: _Slot, kind: str) -> None:
        slot.killed_for = kind
        _kill(slot.process)

    def _fail_expired_queue(self) -> None:
        with self._lock:
            if self._expire is None:
                return
            message = self._expire[1]
            expired = list(self._queue)
            self._queue.clear()
        for task in expired:
            if self._claim(task):
                self._fail(task, "interrupted", message)

    @staticmethod
    def _claim(task: _Task) -> bool:
        """Mark the task's future as running, once; False when it was cancelled while queued."""
        if not task.claimed:
            task.claimed = True
            return task.future.set_running_or_notify_cancel()
        return True


def _kill(process: Any) -> None:
    if process is not None and process.exitcode is None:
        with contextlib.suppress(ProcessLookupError, OSError):
            process.kill()


def _rss_mb(process: Any) -> float:
    """Resident memory of a process in MB (0 when unknown: not Linux, or it just exited)."""
    try:
        with open(f"/proc/{process.pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def _context(preload: tuple[str, ...]) -> Any:
    """The fork server where there is one (POSIX), preloaded with the cleaning code; spawn elsewhere."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))  # no effect once the server runs: the first pool's wins
    return context


# --- the worker process ---
def _serve(conn: Connection, memory_mb: int) -> None:
    """Worker main loop: `(fn, args)` in, `(status, value)` out, until None or EOF."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _name_process(WORKER_NAME)
    if memory_mb > 0:
        limit = (memory_mb + max(AS_HEADROOM_MB, memory_mb // 2)) * 2**20
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:  # a bug in the task: its future raises it, the worker goes on
            reply = ("raised", _transportable(exc))
        over = memory_mb > 0 and _peak_rss_mb() > memory_mb
        if over:  # between two polls of the parent: the result is over the limit all the same
            reply = ("memory", None)
        try:
            conn.send(reply)
        except OSError:
            return
        except Exception as exc:  # an unpicklable result (pickling happens before anything is written)
            conn.send(("raised", RuntimeError(f"the result could not be sent back: {exc}")))
        if reply[0] == "memory":
            return  # the heap stays bloated: a fresh worker takes over


def _transportable(exc: BaseException) -> Exception:
    """The exception as the caller's future should raise it: picklable, and never a SystemExit."""
    if isinstance(exc, Exception):
        try:
            pickle.dumps(exc)
        except Exception:
            pass
        else:
            return exc
    return RuntimeError(f"{type(exc).__name__}: {exc}")


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _die_with_parent() -> None:
    """Exit when the parent does, however it ends: a lifeline watch, and SIGKILL from the kernel.

    The kernel's parent-death signal comes when the fork server exits, which it does when the parent is
    gone, provided no worker holds the fork server's own lifeline: it hands that (and the resource
    tracker's) to every child, so that children may start processes too. A worker never does, and a worker
    stuck in C would keep both helpers, and itself, alive for ever; so it lets go of them first.
    """
    from multiprocessing import forkserver, resource_tracker

    for owner, name in (
        (forkserver._forkserver, "_forkserver_alive_fd"),
        (resource_tracker._resource_tracker, "_fd"),
    ):
        fd = getattr(owner, name, None)
        if isinstance(fd, int):
            with contextlib.suppress(OSError):
                os.close(fd)
            setattr(owner, name, None)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is None:
        return

    def watch() -> None:
        wait([sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="parent-lifeline", daemon=True).start()


def _name_process(name: str) -> None:
    with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:
        comm.write(name[:15])


# --- every pool of this process is closed at exit, so that nothing waits on a worker ---
_POOLS: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


@atexit.register
def close_all() -> None:
    """Close every pool still open (a forced exit, a caller that forgot): never a wait on a running task."""
    for pool in list(_POOLS):
        pool.close()


def kill_all() -> None:
    """Kill the workers of every pool at once (from a watchdog or a forced stop): no joins, no waits."""
    for pool in list(_POOLS):
        pool.kill()
