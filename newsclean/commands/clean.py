"""Clean saved news pages (HTML, gzipped HTML) and text dumps into article records.

One record per input, in input order: `path` (the input as given or found) plus the cleaning result
(status, error, url, title, text, authors, editor, dates, ..., removed). Inputs are cleaned in parallel
worker processes; an input that cannot be read or cleaned gets a record with status `error` and a reason,
and the run goes on.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TextIO

from newsclean.bounds import add_limit_arguments

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)

EPILOG = """\
inputs:
  Directories are searched recursively for *.html, *.htm, *.html.gz, *.htm.gz, *.txt and *.txt.gz
  (hidden files and directories skipped). Glob patterns are expanded here too, so quoted patterns work
  ('pages/**/*.html'). '-' reads one input from stdin. .txt files are already-extracted text and go
  through the line rules only. Gzipped data is recognised by its signature, whatever the file's name.
  Names that start with '-' go after '--': newsclean clean -o out.jsonl -- -draft.html

output:
  jsonl  one JSON object per line (default; `removed` lists every dropped block and its rule)
  csv    a header row, then one row per input; lists joined with "; ", `removed` as a count
  txt    per input: "==> PATH <==", a status line, the body; inputs apart by a blank line
  md     per input: "## Title", a metadata line, the body paragraphs
  Without --format the format follows the -o file's ending (.jsonl .csv .txt .md), else jsonl.

exit status:
  0 at least one input was cleaned (status ok); 1 none was; 2 usage error (bad option, no input found).

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
        choices=("jsonl", "csv", "txt", "md"),
        help="output format (default: from the -o ending, else jsonl)",
    )
    parser.add_argument(
        "-j",
        "--workers",
        type=_positive_int,
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
        "--encoding", metavar="CHARSET", help="charset to try first, like an HTTP header's (default: detect)"
    )
    parser.add_argument(
        "--strip-dateline", action="store_true", help='strip the leading "CITY, OUTLET -" dateline'
    )
    parser.add_argument(
        "--min-words",
        type=_non_negative_int,
        default=20,
        metavar="N",
        help="bodies shorter than this are not_article (default: 20)",
    )
    parser.add_argument(
        "--max-bytes",
        type=_size,
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
        help="keep `removed` (each dropped block and its rule) in JSON output (default)",
    )
    removed.add_argument(
        "--no-removed", dest="include_removed", action="store_false", help="leave `removed` out of JSON"
    )


def run(args: argparse.Namespace) -> int:
    from cleaners import CleanOptions, RulesError, default_registry
    from newsclean.batch import OrderedPool, default_workers
    from newsclean.bounds import limits
    from newsclean.cli import Interrupted
    from newsclean.inputs import InputItem, discover
    from newsclean.progress import ProgressBar, Tally
    from newsclean.worker import CleanJob, clean_input, error_record
    from newsclean.writers import SUFFIX_FORMATS, open_writer

    forced = None if args.input_type == "auto" else args.input_type
    items: list[InputItem] = [
        item
        for item in discover(args.paths, stdin=sys.stdin.buffer, forced=forced, max_bytes=args.max_bytes)
        if not _same_file(item.label, args.output)  # a rerun must not clean its own earlier output
    ]
    for item in items:
        if item.problem:
            _warn(f"{item.label!r}: {item.problem}")
    if not any(item.problem is None for item in items):
        return _usage_error("no input to clean: " + ", ".join(repr(p) for p in args.paths))
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
    jobs = (CleanJob(item, options, url=args.url) for item in items)
    workers = min(args.workers or default_workers(), len(items))
    pool = OrderedPool(
        clean_input,
        lambda job, message: error_record(job.item.label, message, job.url),
        workers=workers,
        limits=limits(args.timeout, args.memory_limit),
    )
    fmt = args.format or SUFFIX_FORMATS.get(os.path.splitext(args.output or "")[1].lower(), "jsonl")

    try:
        stream = _open_output(args.output)
    except OSError as exc:
        return _usage_error(f"cannot write {args.output!r}: {exc.strerror or exc}")
    tally = Tally()
    progress = ProgressBar(len(items), sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    stopped: BaseException | None = None
    try:
        writer = open_writer(fmt, stream, include_removed=args.include_removed)
        for record in pool.map(jobs):
            writer.write(record)
            tally.add(record["status"])
            progress.advance(record["status"])
    except BrokenPipeError:  # `newsclean clean ... | head`: the reader has all it wants
        _silence_stdout()
    except (KeyboardInterrupt, Interrupted) as exc:  # the pool has killed its workers; say what was done
        stopped = exc
    finally:
        progress.close()
        if stream is not sys.stdout:
            stream.close()
    if stopped is not None:
        print(f"{tally.summary()}; interrupted, {len(items) - tally.total} not cleaned", file=sys.stderr)
        raise stopped
    if not args.quiet:
        print(tally.summary(), file=sys.stderr)
    return EXIT_OK if tally.counts["ok"] else EXIT_NOTHING


def _open_output(path: str | None) -> TextIO:
    if not path or path == "-":
        return sys.stdout
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    return open(path, "w", encoding="utf-8", newline="")  # closed by run()


def _same_file(label: str, output: str | None) -> bool:
    if not output or output == "-" or label == "-":
        return False
    try:
        return os.path.samefile(label, output)
    except OSError:
        return False


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _warn(message: str) -> None:
    print(f"newsclean clean: warning: {message}", file=sys.stderr)


def _usage_error(message: str) -> int:
    print(f"newsclean clean: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {number}")
    return number


def _size(value: str) -> int:
    """Bytes from '20000', '500K', '64M', '1G' (powers of 1024)."""
    match = _SIZE.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (try 500K, 64M)")
    number, unit = float(match.group(1)), match.group(2).lower()
    size = int(number * 1024 ** " kmg".index(unit or " "))
    if size < 1:
        raise argparse.ArgumentTypeError("must be at least 1 byte")
    return size
