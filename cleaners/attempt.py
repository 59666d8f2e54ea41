"""What trying a body candidate leaves behind: its body after the line rules (`Attempt`), and the record of
the checks it met (`Verdict`, one entry of the record's `checks`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .lines import LineOutcome
from .result import Removed, count_words


@dataclass(slots=True)
class Verdict:
    """What was checked about one candidate."""

    candidate: str
    accepted: bool = False
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool | None) -> bool:
        """Record a check (None: not applicable on this page); returns `ok`."""
        if ok is not None:
            (self.passed if ok else self.failed).append(name)
        return bool(ok)

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "accepted": self.accepted,
            "passed": self.passed,
            "failed": self.failed,
        }


@dataclass(slots=True)
class Attempt:
    """A candidate's body after fragment and line rules, with what they removed."""

    source: str
    outcome: LineOutcome
    removed: list[Removed]
    link_share: float = 0.0

    @property
    def paragraphs(self) -> list[str]:
        return self.outcome.paragraphs

    @property
    def text(self) -> str:
        return "\n".join(self.outcome.paragraphs)

    @property
    def words(self) -> int:
        return count_words(self.text)
