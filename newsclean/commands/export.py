"""Write the articles of a crawl database as JSONL, CSV or Parquet.

Each record has `url` (fetched URL after redirects; the first page of a multi-page article), `canonical_url`,
`fetched_at`, the fields of the cleaning result, and `pages`. In CSV, list fields are JSON text.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = ("jsonl", "csv", "parquet")
_SUFFIX_FORMATS = {"jsonl": "jsonl", "json": "jsonl", "ndjson": "jsonl", "csv": "csv", "parquet": "parquet"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, help="article database (default: output/newsclean.sqlite)")
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (default: from -o's extension, else jsonl)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here (default: stdout; required for parquet)"
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="STATUS",
        help="only rows with this cleaning status (ok, not_article, empty, error, raw); repeatable",
    )


def run(args: argparse.Namespace) -> int:
    from scraper.storage import DEFAULT_DB, EXPORT_FIELDS, ArticleStore, StorageError

    fmt = args.format or _format_from_name(args.output)
    if fmt == "parquet" and not args.output:
        print("newsclean export: parquet needs -o FILE", file=sys.stderr)
        return EXIT_USAGE
    db_path = Path(args.db or DEFAULT_DB)
    try:
        store = ArticleStore.open_existing(db_path)
    except StorageError as exc:
        print(f"newsclean export: {exc}", file=sys.stderr)
        return EXIT_FAILED
    with store:
        records = store.records(args.status)
        if fmt == "parquet":
            count = write_parquet(records, Path(args.output), EXPORT_FIELDS)
        else:
            with _text_output(args.output) as stream:
                writer = write_csv if fmt == "csv" else write_jsonl
                count = writer(records, stream, EXPORT_FIELDS)
    if not args.quiet:
        where = args.output or "stdout"
        print(f"exported {count} articles from {db_path} to {where} ({fmt})", file=sys.stderr)
    return EXIT_OK


def _format_from_name(name: str | None) -> str:
    suffix = Path(name).suffix.lower().lstrip(".") if name else ""
    return _SUFFIX_FORMATS.get(suffix, "jsonl")


@contextmanager
def _text_output(path: str | None) -> Iterator[TextIO]:
    if not path or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as stream:
        yield stream


def write_jsonl(records: Iterable[dict[str, Any]], stream: TextIO, fields: tuple[str, ...]) -> int:
    count = 0
    for record in records:
        stream.write(json.dumps({name: record.get(name) for name in fields}, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterable[dict[str, Any]], stream: TextIO, fields: tuple[str, ...]) -> int:
    writer = csv.DictWriter(stream, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(
            {
                name: json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
                for name, value in record.items()
            }
        )
        count += 1
    return count


def write_parquet(
    records: Iterable[dict[str, Any]], path: Path, fields: tuple[str, ...], batch_size: int = 1000
) -> int:
    """Typed columns: lists stay lists, removed blocks are structs; written in batches to bound memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    list_of_str = pa.list_(pa.string())
    special = {
        "word_count": pa.int64(),
        "authors": list_of_str,
        "tags": list_of_str,
        "pages": list_of_str,
        "removed": pa.list_(pa.struct([("rule", pa.string()), ("text", pa.string())])),
    }
    schema = pa.schema([(name, special.get(name, pa.string())) for name in fields])
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
