"""Output formats of `newsclean clean`: JSON Lines, CSV, plain text and Markdown.

Every writer flushes after each record, so what was written survives a crash later in the batch.
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any, TextIO

from cleaners import RECORD_FIELDS

FORMATS = ("jsonl", "csv", "txt", "md")
#: Output file endings that choose a format when --format is not given.
SUFFIX_FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".csv": "csv", ".txt": "txt", ".md": "md"}
CSV_FIELDS = ("path", *RECORD_FIELDS)
LIST_SEPARATOR = "; "
_NUMBERED = re.compile(r"^(\d+)\.(\s|$)")

Record = dict[str, Any]


class Writer:
    """Base: write one record, flush; subclasses format."""

    def __init__(self, stream: TextIO, *, include_removed: bool = True) -> None:
        self.stream = stream
        self.include_removed = include_removed

    def write(self, record: Record) -> None:
        self.stream.write(self.format(record))
        self.stream.flush()

    def format(self, record: Record) -> str:
        raise NotImplementedError


class JsonlWriter(Writer):
    """One JSON object per line, UTF-8 as is (no \\u escapes); `removed` is dropped with --no-removed."""

    def format(self, record: Record) -> str:
        if not self.include_removed:
            record = {k: v for k, v in record.items() if k != "removed"}
        return json.dumps(record, ensure_ascii=False) + "\n"


class CsvWriter(Writer):
    """A header row, then one row per record: lists joined with "; ", `removed` as a count."""

    def __init__(self, stream: TextIO, *, include_removed: bool = True) -> None:
        super().__init__(stream, include_removed=include_removed)
        self._csv = csv.writer(stream, lineterminator="\n")
        self._csv.writerow(CSV_FIELDS)

    def write(self, record: Record) -> None:
        self._csv.writerow([_cell(name, record.get(name)) for name in CSV_FIELDS])
        self.stream.flush()


def _cell(name: str, value: Any) -> Any:
    if name == "removed":
        return len(value or ())
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return "" if value is None else value


class TextWriter(Writer):
    """`==> path <==` and a status line, then the body; records apart by a blank line (bodies have none)."""

    def format(self, record: Record) -> str:
        lines = [f"==> {_one_line(record['path'])} <==", _status_line(record)]
        if record.get("text"):
            lines.append(record["text"])
        return "\n".join(lines) + "\n\n"


class MarkdownWriter(Writer):
    """`## title`, an italic metadata line, then the body as Markdown paragraphs; a rule between records."""

    def format(self, record: Record) -> str:
        title = record.get("title") or record["path"]
        parts = [f"## {_one_line(title)}", f"*{_status_line(record, markdown=True)}*"]
        if record.get("text"):
            parts.extend(_md_paragraph(p) for p in record["text"].split("\n"))
        return "\n\n".join(parts) + "\n\n---\n\n"


def _status_line(record: Record, *, markdown: bool = False) -> str:
    """`ok · kompas · 2015-11-04 · Budi, Ani · 345 words`, or `error: why`."""
    if record["status"] != "ok":
        reason = f"{record['status']}: {record.get('error') or 'no reason given'}"
        return f"{_escape_md(_one_line(record['path']))} · {reason}" if markdown else reason
    fields = [
        record.get("outlet") or record.get("site_name"),
        record.get("date_published"),
        ", ".join(record.get("authors") or ()),
        f"{record.get('word_count', 0)} words",
        record.get("url"),
    ]
    if markdown:
        fields.insert(0, _escape_md(_one_line(record["path"])))
    else:
        fields.insert(0, "ok")
    return " · ".join(_one_line(str(f)) for f in fields if f)


def _one_line(value: str) -> str:
    return " ".join(str(value).split()) or repr(value)


def _escape_md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def _md_paragraph(text: str) -> str:
    """Escape what would turn a body paragraph into a heading, list, quote or table."""
    numbered = _NUMBERED.match(text)
    if numbered:
        return f"{numbered.group(1)}\\.{text[numbered.end(1) + 1 :]}"
    return "\\" + text if text[:1] in "#>-+*|=" else text


WRITERS: dict[str, type[Writer]] = {
    "jsonl": JsonlWriter,
    "csv": CsvWriter,
    "txt": TextWriter,
    "md": MarkdownWriter,
}


def open_writer(fmt: str, stream: TextIO, *, include_removed: bool = True) -> Writer:
    return WRITERS[fmt](stream, include_removed=include_removed)
