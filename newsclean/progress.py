"""Progress bar and end-of-run summary for batch commands, both on stderr so stdout stays pure data."""

from __future__ import annotations

import time
from collections import Counter
from typing import TextIO

#: Statuses in the order the summary lists them.
STATUS_ORDER = ("ok", "not_article", "empty", "error")


class Tally:
    """Counts of record statuses, and the one-line summary printed at the end of a run."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.started = time.perf_counter()

    def add(self, status: str) -> None:
        self.counts[status] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def summary(self) -> str:
        """E.g. `cleaned 25 inputs in 3.1 s (8.1 pages/s): 22 ok, 1 not_article, 2 error`."""
        seconds = self.elapsed
        rate = self.total / seconds if seconds > 0 else 0.0
        ordered = [s for s in STATUS_ORDER if self.counts[s]] + sorted(set(self.counts) - set(STATUS_ORDER))
        parts = ", ".join(f"{self.counts[s]} {s}" for s in ordered) or "nothing"
        noun = "input" if self.total == 1 else "inputs"
        return f"cleaned {self.total} {noun} in {seconds:.1f} s ({rate:.1f} pages/s): {parts}"


class ProgressBar:
    """A one-line bar redrawn in place at most ten times a second; draws nothing unless enabled."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, *, enabled: bool) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.enabled = enabled
        self.done = 0
        self.errors = 0
        self.started = time.perf_counter()
        self._drawn_at = 0.0

    def advance(self, status: str) -> None:
        self.done += 1
        self.errors += status == "error"
        now = time.perf_counter()
        if self.enabled and (now - self._drawn_at >= 0.1 or self.done >= self.total):
            self._drawn_at = now
            self._draw(now - self.started)

    def _draw(self, elapsed: float) -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.WIDTH)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        line = (
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} {share:4.0%}"
            f"  {rate:.1f} pages/s  ETA {eta:.0f} s  errors {self.errors}"
        )
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        """Erase the bar so the summary line starts clean."""
        if self.enabled and self.done:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
