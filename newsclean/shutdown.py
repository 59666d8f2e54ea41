"""Two-stage SIGINT/SIGTERM for `newsclean crawl`: a bounded graceful stop, then a stop at once.

The first signal stops scheduling new requests (every running crawler is stopped, and no queued target
starts) and lets the articles in flight finish: their downloads, and their cleaning within half of
NEWSCLEAN_SHUTDOWN_TIMEOUT (an article not cleaned by then is not stored: the next run fetches it
again); then the crawl ends and prints its summary. If it is still busy when NEWSCLEAN_SHUTDOWN_TIMEOUT
is up, or on a second signal, it stops at once: cleaning workers killed, reactor stopped, summary
printed. A watchdog thread, started by the signal handler itself, ends the process a few seconds later
still if the reactor thread is stuck (a spider's callback holding it), and a third signal is the
kernel's: immediate death. Nothing stored is lost either way: every article
is its own commit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from typing import Any

from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.ossignal import install_shutdown_handlers, signal_names

from newsclean.pool import kill_all
from scraper import signals as newsclean_signals

logger = logging.getLogger(__name__)

#: After a forced stop, seconds the process may take to end before the watchdog ends it.
FORCE_GRACE = 5.0


class GracefulShutdown:
    """Install with `install()` right before `process.start(install_signal_handlers=False)`."""

    def __init__(self, process: Any, timeout: float) -> None:
        self.process = process
        self.timeout = max(0.0, timeout)
        #: The first signal received (None: none) and when, and whether the crawl was then stopped at once.
        self.signum: int | None = None
        self._signalled = 0.0
        self.forced = False

    @property
    def requested(self) -> bool:
        return self.signum is not None

    @property
    def signal_name(self) -> str:
        return signal_names.get(self.signum or 0, "a signal")

    def install(self) -> None:
        install_shutdown_handlers(self._on_signal)

    def _on_signal(self, signum: int, frame: object) -> None:
        # Runs between two bytecodes of whatever the main thread does: no logging or I/O here, only
        # scheduling onto the reactor (the pattern of Scrapy's own handlers), and the watchdog, which
        # must not wait for the reactor: a spider's callback may hold it for seconds.
        from twisted.internet import reactor

        if self.signum is None:
            self.signum = signum
            self._signalled = time.monotonic()
            _watchdog(self.timeout + FORCE_GRACE, 128 + signum)
            reactor.callFromThread(self._begin)  # type: ignore[attr-defined]
        else:
            install_shutdown_handlers(signal.SIG_DFL)  # a third signal: the kernel ends the process
            reactor.callFromThread(self._force, "a second signal")  # type: ignore[attr-defined]
            _watchdog(FORCE_GRACE, 128 + signum)

    def _begin(self) -> None:
        from twisted.internet import reactor

        left = max(0.0, self.timeout - (time.monotonic() - self._signalled))
        grace = max(0.0, left - self.timeout / 2)
        logger.warning(
            "received %s: finishing the articles in flight (at most %.3g s, cleaning %.3g s); "
            "send it again to stop at once",
            self.signal_name,
            left,
            grace,
        )
        for crawler in list(self.process.crawlers):
            crawler.signals.send_catch_log(signal=newsclean_signals.shutdown_requested, grace=grace)
            if crawler.crawling:
                deferred_from_coro(crawler.stop_async())
        reactor.callLater(left, self._force, f"still busy after {self.timeout:g} s")  # type: ignore[attr-defined]

    def _force(self, why: str) -> None:
        from twisted.internet import reactor

        if self.forced or not reactor.running:  # type: ignore[attr-defined]
            return
        self.forced = True
        logger.warning("stopping at once (%s): articles still in flight are fetched by the next run", why)
        kill_all()  # the cleaning workers: killed, never waited for
        with contextlib.suppress(RuntimeError):  # already stopping
            reactor.stop()  # type: ignore[attr-defined]


def _watchdog(seconds: float, code: int) -> None:
    """End the process after `seconds` even if its main thread is stuck: the last resort against a hang."""
    timer = threading.Timer(seconds, _hard_exit, args=(code,))
    timer.daemon = True
    timer.start()


def _hard_exit(code: int) -> None:
    kill_all()
    os._exit(code)
