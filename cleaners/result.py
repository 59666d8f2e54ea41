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
    "removed",
)


_WORD = re.compile(r"\w+")


def count_words(text: str) -> int:
    """Words as the record's `word_count` counts them (`\\w+` runs, the metric's tokens)."""
    return len(_WORD.findall(text))


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
    removed: list[Removed] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in `RECORD_FIELDS` order, ready for JSON."""
        data = asdict(self)
        return {name: data[name] for name in RECORD_FIELDS}

    @classmethod
    def failure(cls, status: Status, error: str, url: str | None = None) -> CleanResult:
        return cls(status=status, error=error, url=url)
