"""The cleaning result: the record every front end (CLI, pipeline, export) writes."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "empty", "not_article", "error"]

#: Field order of a record; CSV exports and the docs follow it.
RECORD_FIELDS: tuple[str, ...] = (
    "status",
    "error",
    "url",
    "canonical_url",
    "title",
    "text",
    "authors",
    "editor",
    "date_published",
    "date_modified",
    "description",
    "section",
    "tags",
    "language",
    "site_name",
    "image",
    "dateline",
    "word_count",
    "outlet",
    "body_source",
    "checks",
    "removed",
)


_WORD = re.compile(r"\w+")
#: Scripts written without spaces between words (kana, CJK ideographs, Thai, Lao, Khmer): one `\\w+` run
#: there is a whole clause, so such runs count one word per two characters.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Words as the record's `word_count` counts them: `\\w+` runs (the metric's tokens), with runs of
    scripts written without spaces counted by their length."""
    if text.isascii() or _UNSPACED.search(text) is None:
        return len(_WORD.findall(text))
    total = 0
    for run in _WORD.findall(text):
        unspaced = len(_UNSPACED.findall(run))
        total += max(1, (unspaced + 1) // 2 + (len(run) - unspaced > 0)) if unspaced else 1
    return total


def rejected_rules(checks: list[dict[str, Any]]) -> list[str]:
    """Rule files (outlets, profiles) whose body candidates in a record's `checks` were all rejected.

    A template change on a site shows up here (and in the crawl's `newsclean/container_rejected/<outlet>`
    counter) instead of as silently wrong text.
    """
    examined: dict[str, bool] = {}
    for check in checks:
        kind, _, rest = str(check.get("candidate", "")).partition(":")
        name = rest.partition(":")[0]
        if kind in ("outlet", "profile") and name:
            examined[name] = examined.get(name, False) or bool(check.get("accepted"))
    return [name for name, accepted in examined.items() if not accepted]


def outcome_counters(record: dict[str, Any]) -> list[str]:
    """Stats keys a record adds (without the `newsclean/` prefix): how its body was chosen, and the rule
    files whose containers were rejected on it."""
    keys = []
    if record.get("body_source"):
        keys.append(f"body/{record['body_source']}")
    keys.extend(f"container_rejected/{name}" for name in rejected_rules(record.get("checks") or []))
    return keys


@dataclass(slots=True)
class Removed:
    """One block the cleaner dropped, and the rule that dropped it (for debugging and audits)."""

    rule: str
    text: str

    #: Removed text is cut to this many characters: enough to recognise it, small enough for JSONL.
    MAX_CHARS = 200

    @classmethod
    def of(cls, rule: str, text: str) -> Removed:
        text = " ".join(text.split())
        if len(text) > cls.MAX_CHARS:
            text = text[: cls.MAX_CHARS - 1] + "…"
        return cls(rule, text)


@dataclass(slots=True)
class CleanResult:
    """Clean body plus metadata of one page; `status` says whether `text` can be used."""

    status: Status = "ok"
    error: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    text: str = ""
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    description: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    site_name: str | None = None
    image: str | None = None
    dateline: str | None = None
    word_count: int = 0
    outlet: str | None = None
    #: How the body was chosen: `outlet:<outlet>:<selector>`, `profile:<profile>:<selector>`,
    #: `generic:<container>`, `whole-page` or `jsonld` (cleaners/choice.py).
    body_source: str | None = None
    #: Every body candidate examined, in order: `{candidate, accepted, passed, failed}`.
    checks: list[dict[str, Any]] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def rejected_rules(self) -> list[str]:
        """The rule files (outlets, profiles) whose body candidates were examined and rejected."""
        return rejected_rules(self.checks)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in `RECORD_FIELDS` order, ready for JSON."""
        data = asdict(self)
        return {name: data[name] for name in RECORD_FIELDS}

    @classmethod
    def failure(cls, status: Status, error: str, url: str | None = None) -> CleanResult:
        return cls(status=status, error=error, url=url)
