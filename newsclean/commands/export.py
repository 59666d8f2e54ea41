"""Write the articles of a crawl database as JSONL, CSV or Parquet.

Each record has `url` (fetched URL after redirects; the first page of a multi-page article), `canonical_url`,
`fetched_at`, the fields of the cleaning result, and `pages`. In CSV, list fields are JSON text (as in
`newsclean clean`). The format follows -o's extension (.jsonl .ndjson .json .csv .parquet; a name without
one gets jsonl, another is an error) unless --format says. Records are written whole, one at a time: after a
failure (disk full) or Ctrl-C the file holds complete records. Exit status: 0 done, 1 the database cannot be
read or the output written, 2 usage error, 130 interrupted, 141 the reader of stdout closed it (| head).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from newsclean.options import STORED_STATUSES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = ("jsonl", "csv", "parquet")


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
        choices=STORED_STATUSES,
        metavar="STATUS",
        help=f"only rows with this cleaning status ({', '.join(STORED_STATUSES)}); repeatable",
    )


def run(args: argparse.Namespace) -> int:
    from newsclean.output import OutputError
    from newsclean.writers import choose_format, open_writer
    from scraper.storage import DEFAULT_DB, EXPORT_FIELDS, ArticleStore, StorageError

    fmt = choose_format(args.output, args.format, FORMATS)  # UsageError: newsclean.cli, exit 2
    db_path = Path(args.db or DEFAULT_DB)
    try:
        store = ArticleStore.open_existing(db_path)
    except StorageError as exc:
        print(f"newsclean export: {exc}", file=sys.stderr)
        return EXIT_FAILED
    with store:
        try:
            writer = open_writer(fmt, args.output, EXPORT_FIELDS)
        except OutputError as exc:  # -o names a directory, or a path under a file
            print(f"newsclean export: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        try:
            for record in store.records(args.status):
                writer.write(record)
        except sqlite3.Error as exc:
            print(f"newsclean export: error: cannot read {db_path}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        finally:
            writer.close()  # what was written stays: CSV/JSONL whole records, parquet with its footer
    if not args.quiet:
        where = args.output or "stdout"
        print(f"exported {writer.count} articles from {db_path} to {where} ({fmt})", file=sys.stderr)
    return EXIT_OK
