"""Output formats of `newsclean clean` and `newsclean export`: JSON Lines, CSV, text, Markdown and Parquet.

The text formats turn each record into one complete chunk for a `Sink` (newsclean.output), which writes it
whole or not at all, so a file holds whole records up to any failure. Both commands share these writers, so
a record looks the same whichever command wrote it: in CSV every list (authors, tags, pages, checks,
removed) is JSON text. Parquet is a binary file that is only readable once finished: it is written to a
hidden temporary file beside the target and renamed into place when the run ends (also after Ctrl-C, with
the records so far).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from collections.abc import Sequence
from typing import Any

from .options import UsageError
from .output import OutputError, Sink, describe_write_error, prepare_output_path, temporary_sibling

#: Output file endings that choose a format when --format is not given (a name without one means jsonl).
SUFFIX_FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".txt": "txt",
    ".md": "md",
    ".parquet": "parquet",
}
_NUMBERED = re.compile(r"^(\d+)\.(\s|$)")

Record = dict[str, Any]


PARQUET_NEEDS_A_FILE = "parquet is a binary file format: give an output file with -o"


def choose_format(output: str | None, explicit: str | None, supported: Sequence[str]) -> str:
    """--format wins; else the -o file's ending; stdout or a name without an ending (/dev/full): jsonl.

    An ending that names no supported format is a usage error: `-o x.parquet` must never quietly get JSON.
    So is parquet on stdout, told before any input is read.
    """
    to_stdout = not output or output == "-"
    if explicit:
        if explicit == "parquet" and to_stdout:
            raise UsageError(PARQUET_NEEDS_A_FILE)
        return explicit
    if to_stdout:
        return "jsonl"
    suffix = os.path.splitext(output)[1].lower()
    if not suffix:
        return "jsonl"
    fmt = SUFFIX_FORMATS.get(suffix)
    if fmt in supported:
        return fmt
    endings = " ".join(ending for ending, name in SUFFIX_FORMATS.items() if name in supported)
    raise UsageError(
        f"cannot tell the output format from {output!r}: give --format, or a name ending in {endings}"
    )


class RecordWriter:
    """Writes records to a sink, one whole chunk each; subclasses format. `count` is records written."""

    def __init__(self, sink: Sink, fields: Sequence[str]) -> None:
        self.sink = sink
        self.fields = tuple(fields)
        self.count = 0
        self._failed = False

    def write(self, record: Record) -> None:
        chunk = self.format(record)
        if self.count == 0:
            chunk = self.header() + chunk
        try:
            self.sink.write(chunk)
        except BaseException:
            self._failed = True
            raise
        self.count += 1

    def close(self) -> None:
        """An empty run still gets its CSV header; after a failed write nothing more is tried."""
        try:
            if self.count == 0 and not self._failed and self.header():
                self.sink.write(self.header())
        finally:
            self.sink.close()

    def header(self) -> str:
        return ""

    def format(self, record: Record) -> str:
        raise NotImplementedError


class JsonlWriter(RecordWriter):
    """One JSON object per line, UTF-8 as is (no \\u escapes), with the writer's fields in order."""

    def format(self, record: Record) -> str:
        return json.dumps({name: record.get(name) for name in self.fields}, ensure_ascii=False) + "\n"


class CsvWriter(RecordWriter):
    """RFC 4180 CSV: a header row, then one row per record; lists and objects as JSON text, None empty."""

    def header(self) -> str:
        return _csv_row(self.fields)

    def format(self, record: Record) -> str:
        return _csv_row([csv_cell(record.get(name)) for name in self.fields])


def csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _csv_row(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


class TextWriter(RecordWriter):
    """`==> path <==` and a status line, then the body; records apart by a blank line (bodies have none)."""

    def format(self, record: Record) -> str:
        lines = [f"==> {_one_line(record['path'])} <==", _status_line(record)]
        if record.get("text"):
            lines.append(record["text"])
        return "\n".join(lines) + "\n\n"


class MarkdownWriter(RecordWriter):
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


class ParquetWriter:
    """Typed columns (lists stay lists, `removed` blocks are structs), row groups of `batch_size` records.

    Written to a temporary file renamed over `path` by `close()`; a failed write removes it, so an earlier
    file at `path` survives. A target that is not a regular file (a device) is written directly.
    """

    def __init__(self, path: str, fields: Sequence[str], batch_size: int = 1000) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = path
        self.fields = tuple(fields)
        self.count = 0
        self._batch: list[Record] = []
        self._batch_size = batch_size
        self._pa = pa
        self._schema = parquet_schema(self.fields)
        prepare_output_path(path)
        direct = os.path.exists(path) and not os.path.isfile(path)
        self._partial = None if direct else temporary_sibling(path)
        try:
            self._writer: Any = pq.ParquetWriter(self._partial or path, self._schema)
        except OSError as exc:
            self._discard()
            raise OutputError(describe_write_error(path, exc)) from exc

    def write(self, record: Record) -> None:
        self._batch.append({name: record.get(name) for name in self.fields})
        if len(self._batch) >= self._batch_size:
            self._flush()

    def close(self) -> None:
        if self._writer is None:
            return
        try:
            if self._batch or self.count == 0:
                self._flush()
            self._writer.close()
            self._writer = None
            if self._partial:
                os.replace(self._partial, self.path)
        except OSError as exc:
            self._discard()
            raise OutputError(describe_write_error(self.path, exc)) from exc

    def _flush(self) -> None:
        table = self._pa.Table.from_pylist(self._batch, schema=self._schema)
        try:
            self._writer.write_table(table)
        except OSError as exc:
            self._discard()
            raise OutputError(describe_write_error(self.path, exc)) from exc
        self.count += len(self._batch)
        self._batch = []

    def _discard(self) -> None:
        writer, self._writer = getattr(self, "_writer", None), None
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()
        if self._partial:
            with contextlib.suppress(OSError):
                os.unlink(self._partial)


def parquet_schema(fields: Sequence[str]) -> Any:
    import pyarrow as pa

    list_of_str = pa.list_(pa.string())
    special = {
        "word_count": pa.int64(),
        "authors": list_of_str,
        "tags": list_of_str,
        "pages": list_of_str,
        "removed": pa.list_(pa.struct([("rule", pa.string()), ("text", pa.string())])),
        "checks": pa.list_(
            pa.struct(
                [
                    ("candidate", pa.string()),
                    ("accepted", pa.bool_()),
                    ("passed", list_of_str),
                    ("failed", list_of_str),
                ]
            )
        ),
    }
    return pa.schema([(name, special.get(name, pa.string())) for name in fields])


TEXT_WRITERS: dict[str, type[RecordWriter]] = {
    "jsonl": JsonlWriter,
    "csv": CsvWriter,
    "txt": TextWriter,
    "md": MarkdownWriter,
}


def open_writer(fmt: str, output: str | None, fields: Sequence[str]) -> RecordWriter | ParquetWriter:
    """The writer for `fmt` on `output` (None or '-': stdout); OutputError when it cannot be opened."""
    if fmt == "parquet":
        if not output or output == "-":  # choose_format says so first; kept for other callers
            raise UsageError(PARQUET_NEEDS_A_FILE)
        return ParquetWriter(output, fields)
    return TEXT_WRITERS[fmt](Sink.open(output), fields)
