"""Why a request failed, in words and as a stats key: every failure is counted and logged with its reason.

Some of Scrapy's download errors carry no message at all (a chunked body cut short raises a bare
`ResponseDataLossError()`), so a log line said "failed: " and nothing else. `describe` names the failure
from its type and its cause chain whatever its message.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.python.failure import Failure

#: (exception types, stats kind, what to say when the exception has no message of its own)
_KINDS: tuple[tuple[tuple[type[BaseException], ...], str, str], ...] = (
    ((ResponseDataLossError,), "data_loss", "data loss: the response body ended before it was complete"),
    ((DownloadTimeoutError, tx_error.TimeoutError), "timeout", "timed out"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "refused", "connection refused"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns", "host name not resolved"),
    ((DownloadCancelledError,), "cancelled", "download cancelled"),
    (
        (tx_error.ConnectionLost, tx_error.ConnectionDone, tx_error.ConnectionAborted),
        "connection_lost",
        "connection closed by the server",
    ),
    ((DownloadFailedError,), "download_failed", "download failed"),
)


@dataclass(frozen=True)
class Reason:
    """`kind` is short and stable (a stats key suffix: `http_404`, `timeout`...); `message` is for people."""

    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    while exc is not None and exc not in found:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return found


def describe(failure: Failure | BaseException) -> Reason:
    """The reason a request failed; never an empty message."""
    exc = failure.value if isinstance(failure, Failure) else failure
    if isinstance(exc, HttpError):
        status = exc.response.status
        return Reason(f"http_{status}", f"HTTP {status}")
    message = str(exc).strip()
    if isinstance(exc, IgnoreRequest):
        return Reason("ignored", message or "ignored")
    kind, text = f"error_{type(exc).__name__}", message or type(exc).__name__
    for types, known, default in _KINDS:
        if isinstance(exc, types):
            kind, text = known, message or default
            break
    if kind == "cancelled" and "max size" in message:  # DOWNLOAD_MAXSIZE or a request's download_maxsize
        kind = "oversized"
    cause = _cause_message(exc)
    if cause and cause not in text:
        text = f"{text} ({cause})"
    return Reason(kind, text)


def _cause_message(exc: BaseException) -> str:
    """The first message found down the cause chain (a ResponseFailed lists its reasons as failures)."""
    for cause in _chain(exc)[1:]:
        reasons = getattr(cause, "reasons", None)
        if reasons:
            texts = [_named(r.value) for r in reasons if isinstance(r, Failure)]
            if texts:
                return "; ".join(texts)
        if str(cause).strip():
            return _named(cause)
    return ""


def _named(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
