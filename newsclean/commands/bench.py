"""Measure cleaning speed: newsclean vs bare trafilatura.extract, and `clean --workers 1` vs `--workers 2`.

Both extractors run in this process on the same pages of DIR, alternating page by page over several rounds
(median and mean reported, plus the ratio ours/bare). Then the real `newsclean clean` command runs over the
pages copied --repeat times, with 1 and with 2 worker processes, and the throughput ratio is reported.
A benchmark prints figures; it passes or fails nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from newsclean.options import positive_int

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
WORKERS = (1, 2)
#: Pages per `clean` run when --repeat is not given: start-up (about 0.5 s) stays under ~7% of a run.
TARGET_CLEAN_PAGES = 500


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir", type=Path, metavar="DIR", help="directory of saved pages (.html, .htm, .html.gz)"
    )
    parser.add_argument(
        "--rounds", type=positive_int, default=5, help="timed rounds over the pages (default: 5)"
    )
    parser.add_argument("--limit", type=positive_int, metavar="N", help="use only the first N pages")
    parser.add_argument(
        "--repeat",
        type=positive_int,
        metavar="N",
        help=f"copies of the page set per `clean` run (default: about {TARGET_CLEAN_PAGES} pages)",
    )
    parser.add_argument(
        "--worker-rounds",
        type=positive_int,
        default=3,
        metavar="N",
        help="runs of each `clean --workers` (default: 3)",
    )
    parser.add_argument("--no-workers", action="store_true", help="skip the `clean --workers` comparison")
    parser.add_argument("--json", action="store_true", help="write the figures as JSON")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the report to FILE, not stdout"
    )


def run(args: argparse.Namespace) -> int:
    from newsclean.benchmark import (
        clean_command_available,
        collect_pages,
        extraction_benchmark,
        workers_benchmark,
    )
    from newsclean.extractors import BENCH_SYSTEMS, quiet_trafilatura
    from newsclean.output import OutputError, prepare_output_path, write_report

    quiet_trafilatura(getattr(args, "verbose", 0))
    if not args.dir.is_dir():
        print(f"newsclean bench: {args.dir}: not a directory", file=sys.stderr)
        return EXIT_USAGE
    if args.output:
        try:  # before minutes of timing, not after
            prepare_output_path(str(args.output))
        except OutputError as exc:
            print(f"newsclean bench: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        pages = collect_pages(args.dir, args.limit)
    except OSError as exc:  # an unreadable directory or manifest
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"newsclean bench: cannot read {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # a malformed manifest.tsv
        print(f"newsclean bench: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not pages:
        print(f"newsclean bench: {args.dir}: no saved pages (.html, .htm, .html.gz)", file=sys.stderr)
        return EXIT_USAGE

    report: dict[str, Any] = {"dir": str(args.dir), "cpus": _cpus(), "load_before": _load()}
    report["extraction"] = extraction_benchmark(pages, BENCH_SYSTEMS, args.rounds)
    if args.no_workers:
        report["clean_workers"] = {"skipped": "--no-workers"}
    elif not clean_command_available():
        report["clean_workers"] = {"skipped": "`newsclean clean` is not installed"}
    else:
        repeat = args.repeat or max(1, math.ceil(TARGET_CLEAN_PAGES / len(pages)))
        try:
            report["clean_workers"] = workers_benchmark(pages, WORKERS, repeat, args.worker_rounds)
        except (RuntimeError, OSError) as exc:  # a failed `clean` run; no room for the page copies
            print(f"newsclean bench: {exc}", file=sys.stderr)
            return EXIT_FAILED

    report["load_after"] = _load()
    text = json.dumps(report, indent=2) if args.json else render(report)
    write_report(str(args.output) if args.output else None, text + "\n")  # failures: newsclean.cli
    return EXIT_OK


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _load() -> float | None:
    """The 1-minute load average: other work on the machine skews every figure, worker scaling most."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # not available on this platform
        return None


def render(report: dict[str, Any]) -> str:
    from newsclean.reports import format_table

    extraction = report["extraction"]
    headers = ["system", "ms/page median", "ms/page mean", "pages/s median", "pages/s mean"]
    keys = ("ms_per_page_median", "ms_per_page_mean", "pages_per_s_median", "pages_per_s_mean")
    rows = [[name, *(figures[key] for key in keys)] for name, figures in extraction["systems"].items()]
    ratio = extraction["ratio"]
    lines = [
        f"Extraction on {extraction['pages']} pages of {report['dir']}, {extraction['rounds']} rounds, "
        "alternating page by page",
        format_table(headers, rows, digits=2),
        f"ratio {ratio['of']}: {ratio['ms_per_page_median']:.3f} (median ms/page), "
        f"{ratio['ms_per_page_mean']:.3f} (mean)",
        "",
    ]
    workers = report["clean_workers"]
    if "skipped" in workers:
        lines.append(f"newsclean clean --workers: skipped ({workers['skipped']})")
        return "\n".join(lines)
    lines.append(
        f"newsclean clean on {workers['pages']} pages ({workers['repeat']} copies), "
        f"{workers['rounds']} runs each, {report['cpus']} CPUs available"
    )
    rows = [
        [f"--workers {n}", f["seconds_median"], f["pages_per_s_median"]]
        for n, f in workers["workers"].items()
    ]
    lines.append(format_table(["command", "seconds median", "pages/s"], rows, digits=2))
    scaling = workers["scaling"]
    lines.append(f"scaling {scaling['of']} workers: {scaling['throughput_ratio']:.2f}x throughput")
    before = report["load_before"]
    if before is not None and before > 0.5:  # measured before our own runs added to it
        lines.append(
            f"note: load average {before} on {report['cpus']} CPUs before the benchmark: other work was "
            "running, so the worker scaling is understated"
        )
    return "\n".join(lines)
