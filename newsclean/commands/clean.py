"""Clean saved news pages (HTML, gzipped HTML) and text dumps into article records.

One record per input, in input order: `path` (the input as given or found) plus the cleaning result
(status, error, url, title, text, authors, editor, dates, ..., removed). Inputs are cleaned in parallel
worker processes; an input that cannot be read or cleaned gets a record with status `error` and a reason,
and the run goes on.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from newsclean.bounds import add_limit_arguments
from newsclean.options import UsageError, non_negative_int, positive_int, size, text_encoding

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
FORMATS = ("jsonl", "csv", "txt", "md", "parquet")

if TYPE_CHECKING:
    from newsclean.progress import Tally

EPILOG = """\
inputs:
  Directories are searched recursively for *.html, *.htm, *.html.gz, *.htm.gz, *.txt and *.txt.gz
  (hidden files and directories skipped). Glob patterns are expanded here too, so quoted patterns work
  ('pages/**/*.html'). '-' reads one input from stdin. .txt files are already-extracted text and go
  through the line rules only. Gzipped data is recognised by its signature, whatever the file's name.
  Names that start with '-' go after '--': newsclean clean -o out.jsonl -- -draft.html
  What a folder or glob holds that is not a regular file (named pipe, socket, device) and a folder that
  cannot be listed get an error record saying so, and are skipped. A named pipe given by name is read,
  but waits at most 10 s for data. A name that is not valid UTF-8 shows its odd bytes as \\xNN in `path`.

output (UTF-8, one whole record at a time: after a failure the file holds complete records):
  jsonl    one JSON object per line (default; `removed` lists every dropped block and its rule)
  csv      RFC 4180: a header row, then one row per input; lists (authors, tags, removed) as JSON text
  txt      per input: "==> PATH <==", a status line, the body; inputs apart by a blank line
  md       per input: "## Title", a metadata line, the body paragraphs
  parquet  typed columns (needs -o; written at the end, or at Ctrl-C with the records so far)
  Without --format the format follows the -o file's ending (.jsonl .ndjson .json .csv .txt .md
  .parquet); a name without an ending gets jsonl, any other ending is an error.

exit status:
  0 at least one input was cleaned (status ok); 1 none was, or the output could not be written (disk
  full...); 2 usage error (bad option, no input found, -o not writable); 130 interrupted (Ctrl-C) or 143
  stopped (SIGTERM), the records so far kept and the workers stopped; 141 the reader of stdout closed it
  early (| head), without a message.

examples:
  newsclean clean saved/ -o articles.jsonl
  newsclean clean 'archive/**/*.html.gz' --format csv -o articles.csv --workers 4
  curl -s https://example.com/news/1 | newsclean clean - --url https://example.com/news/1 --format txt
  newsclean clean dump.txt --strip-dateline --no-removed
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, directory, glob, or - for stdin")
    parser.add_argument("-o", "--output", metavar="OUT", help="write records to OUT instead of stdout")
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        help="output format (default: from the -o ending, else jsonl)",
    )
    parser.add_argument(
        "-j",
        "--workers",
        type=positive_int,
        metavar="N",
        help=f"worker processes (default: all cores, here {os.cpu_count() or 1})",
    )
    parser.add_argument("--url", help="URL of the page (only with a single input); picks the outlet's rules")
    parser.add_argument(
        "--input-type",
        choices=("auto", "html", "text"),
        default="auto",
        help="treat inputs as pages or as extracted text (default: by name; stdin is sniffed)",
    )
    parser.add_argument(
        "--encoding",
        type=text_encoding,
        metavar="CHARSET",
        help="charset to try first, like an HTTP header's (default: detect)",
    )
    parser.add_argument(
        "--strip-dateline", action="store_true", help='strip the leading "CITY, OUTLET -" dateline'
    )
    parser.add_argument(
        "--min-words",
        type=non_negative_int,
        default=20,
        metavar="N",
        help="bodies shorter than this are not_article (default: 20)",
    )
    parser.add_argument(
        "--max-bytes",
        type=size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="refuse inputs larger than this, after gunzip (e.g. 500K, 64M; default: 32M)",
    )
    add_limit_arguments(parser)
    parser.add_argument("--favor-precision", action="store_true", help="prefer dropping doubtful blocks")
    removed = parser.add_mutually_exclusive_group()
    removed.add_argument(
        "--include-removed",
        dest="include_removed",
        action="store_true",
        default=True,
        help="keep `removed` (each dropped block and its rule) in the output (default)",
    )
    removed.add_argument(
        "--no-removed", dest="include_removed", action="store_false", help="leave `removed` out"
    )


def run(args: argparse.Namespace) -> int:
    from cleaners import RECORD_FIELDS, CleanOptions, RulesError, default_registry
    from newsclean.batch import OrderedPool, default_workers
    from newsclean.bounds import limits
    from newsclean.cli import Interrupted
    from newsclean.inputs import InputItem, discover, printable_path, read_here
    from newsclean.output import OutputError
    from newsclean.progress import ProgressBar, Tally
    from newsclean.worker import CleanJob, clean_input, error_record
    from newsclean.writers import choose_format, open_writer

    fmt = choose_format(args.output, args.format, FORMATS)  # UsageError: newsclean.cli, exit 2
    forced = None if args.input_type == "auto" else args.input_type
    stdin = getattr(sys.stdin, "buffer", None)  # sys.stdin is None when started with stdin closed
    items: list[InputItem] = [
        item
        for item in discover(args.paths, stdin=stdin, forced=forced, max_bytes=args.max_bytes)
        if not _same_file(item.label, args.output)  # a rerun must not clean its own earlier output
    ]
    for item in items:
        if item.problem:
            _warn(f"{_quoted(item.label)}: {item.problem}")
    if not any(item.problem is None for item in items):
        return _usage_error("no input to clean: " + ", ".join(_quoted(p) for p in args.paths))
    if args.url and len(items) != 1:
        return _usage_error(f"--url needs exactly one input, but {len(items)} were found")
    try:
        default_registry()  # a broken rules file is one clear message, not an error record per input
    except RulesError as exc:
        print(f"newsclean clean: error: {exc}", file=sys.stderr)
        return EXIT_NOTHING

    options = CleanOptions(
        strip_dateline=args.strip_dateline,
        min_words=args.min_words,
        max_bytes=args.max_bytes,
        favor_precision=args.favor_precision,
        http_encoding=args.encoding,
    )
    fields = [name for name in ("path", *RECORD_FIELDS) if args.include_removed or name != "removed"]
    try:
        writer = open_writer(fmt, args.output, fields)
    except (OutputError, UsageError) as exc:
        return _usage_error(str(exc))
    jobs = (CleanJob(read_here(item, args.max_bytes), options, url=args.url) for item in items)
    workers = min(args.workers or default_workers(), len(items))
    pool = OrderedPool(
        clean_input,
        lambda job, message: error_record(job.item.label, message, job.url),
        workers=workers,
        limits=limits(args.timeout, args.memory_limit),
    )
    tally = Tally()
    progress = ProgressBar(len(items), sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    results = pool.map(jobs)
    try:
        try:
            for record in results:
                record["path"] = printable_path(record["path"])
                writer.write(record)
                tally.add(record["status"])
                progress.advance(record["status"])
        finally:
            results.close()  # when the loop ended early (Ctrl-C, SIGTERM, a failed write): workers killed
            progress.close()
            writer.close()  # what was written stays; a parquet file gets its footer
    except OutputError as exc:  # disk full, file too large: the records before it are whole in the file
        _summary(tally, args.quiet)
        print(f"newsclean clean: error: {exc}", file=sys.stderr)
        return EXIT_NOTHING
    except (KeyboardInterrupt, Interrupted):
        print(f"{tally.summary()}; interrupted, {len(items) - tally.total} not cleaned", file=sys.stderr)
        raise
    _summary(tally, args.quiet)
    return EXIT_OK if tally.counts["ok"] else EXIT_NOTHING


def _summary(tally: Tally, quiet: bool) -> None:
    if not quiet:
        print(tally.summary(), file=sys.stderr)


def _same_file(label: str, output: str | None) -> bool:
    if not output or output == "-" or label == "-":
        return False
    try:
        return os.path.samefile(label, output)
    except OSError:
        return False


def _quoted(label: str) -> str:
    """repr() of a name; one that is not valid UTF-8 in quotes as `printable_path` shows it (\\xNN)."""
    from newsclean.inputs import printable_path

    shown = printable_path(label)
    return repr(label) if shown == label else f"'{shown}'"


def _warn(message: str) -> None:
    print(f"newsclean clean: warning: {message}", file=sys.stderr)


def _usage_error(message: str) -> int:
    print(f"newsclean clean: error: {message}", file=sys.stderr)
    return EXIT_USAGE
