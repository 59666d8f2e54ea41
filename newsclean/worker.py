"""What a worker does for one input: read it, clean it, and turn every failure into an error record.

`clean_input` turns every failure of an input into its error record, so one bad input cannot stop a batch;
only a MemoryError is let through, for the pool to report as over the memory limit and replace the worker.
An input over its time limit, or one whose worker process dies outright (segfault, the OOM killer), is
handled by the pool that runs it (`newsclean.pool`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from cleaners import CleanOptions, CleanResult, clean_html, clean_text
from cleaners.decoding import BINARY_SHARE, binary_share, decode_html

from . import inputs
from .inputs import InputError, InputItem, read_input, sniff_kind

logger = logging.getLogger(__name__)

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class CleanJob:
    """Everything a worker needs for one input (picklable: it crosses the process boundary)."""

    item: InputItem
    options: CleanOptions
    url: str | None = None
    #: Seconds a named pipe may stay silent, taken when the job is made (the worker has its own globals).
    fifo_wait: float = field(default_factory=lambda: inputs.FIFO_WAIT)


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
        data = read_input(item, job.options.max_bytes, job.fifo_wait)
        result = _clean(data, job)
    except InputError as exc:
        result = CleanResult.failure("error", str(exc), job.url)
    except RecursionError:
        result = CleanResult.failure("error", "markup nested too deeply to process", job.url)
    except MemoryError:
        raise  # the pool reports it, as over the memory limit, and replaces this worker
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
