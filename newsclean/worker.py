"""What a worker does for one input: read it, clean it, and turn every failure into an error record.

`clean_input` never raises, so one bad input cannot stop a batch; a worker process that dies outright
(segfault, out of memory) is handled one level up, in `newsclean.batch`.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cleaners import CleanOptions, CleanResult, clean_html, clean_text
from cleaners.decoding import BINARY_SHARE, binary_share, decode_html

from .inputs import InputError, InputItem, read_input, sniff_kind

logger = logging.getLogger(__name__)

Record = dict[str, Any]


class CleaningTimeout(BaseException):
    """Over --timeout; a BaseException, so a library's `except Exception` cannot swallow it."""


@dataclass(frozen=True, slots=True)
class CleanJob:
    """Everything a worker needs for one input (picklable: it crosses the process boundary)."""

    item: InputItem
    options: CleanOptions
    url: str | None = None
    #: Seconds one input may take; 0 means no limit.
    timeout: float = 0.0


def make_record(path: str, result: CleanResult) -> Record:
    """The output record: `path` first, then every result field in RECORD_FIELDS order."""
    return {"path": path, **result.to_dict()}


def error_record(path: str, message: str, url: str | None = None) -> Record:
    return make_record(path, CleanResult.failure("error", message, url))


def clean_input(job: CleanJob) -> Record:
    """Read and clean one input; any failure becomes a record with status `error` and a readable reason."""
    item = job.item
    if item.problem:
        return error_record(item.label, item.problem, job.url)
    try:
        with time_limit(job.timeout):
            data = read_input(item, job.options.max_bytes)
            result = _clean(data, job)
    except InputError as exc:
        result = CleanResult.failure("error", str(exc), job.url)
    except CleaningTimeout:
        result = CleanResult.failure("error", f"gave up after {job.timeout:g} s (--timeout)", job.url)
    except MemoryError:
        result = CleanResult.failure("error", "out of memory while cleaning this input", job.url)
    except RecursionError:
        result = CleanResult.failure("error", "markup nested too deeply to process", job.url)
    except Exception as exc:  # a bug must cost one record, not the batch
        logger.exception("cleaning %s failed", item.label)
        result = CleanResult.failure("error", f"internal error: {type(exc).__name__}: {exc}", job.url)
    return make_record(item.label, result)


def _clean(data: bytes, job: CleanJob) -> CleanResult:
    kind = sniff_kind(data) if job.item.kind == "auto" else job.item.kind
    if kind == "html":
        return clean_html(data, url=job.url, options=job.options)
    share = binary_share(data)
    if share > BINARY_SHARE:
        return CleanResult.failure("error", f"binary data, not text ({share:.0%} control bytes)", job.url)
    text, _ = decode_html(data, job.options.http_encoding)
    return clean_text(text, job.options, url=job.url)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise CleaningTimeout in this thread after `seconds` (SIGALRM; main thread only, else no limit).

    Python code is interrupted between bytecodes, so a long single call into C finishes first.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise CleaningTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
