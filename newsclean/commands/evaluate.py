"""Score newsclean against hand-made gold bodies, side by side with bare trafilatura.

DIR holds saved pages (PAGE.html or PAGE.html.gz) with their gold body PAGE.body.txt and, optionally,
the boilerplate strings PAGE.leaks.txt that must not survive. Precision, recall and F1 are the shingle
metric of the public article-extraction benchmark (cleaners/evaluation.py). --snippets scores a snippet
set (evaldata.json with pages/ beside it) by pooled must/must-not snippet counts. --min-f1 and
--max-leaks turn the run into a quality gate (exit status 1 when it fails).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from newsclean.options import finite_float, non_negative_int

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

LABELS = {"newsclean": "newsclean", "trafilatura": "trafilatura", "trafilatura_precision": "traf. precision"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir", nargs="?", type=Path, metavar="DIR", help="directory of PAGE.html + PAGE.body.txt"
    )
    parser.add_argument(
        "--snippets",
        type=Path,
        metavar="EVALDATA.json",
        help="also score a snippet set (pages/ beside the file)",
    )
    parser.add_argument("--json", action="store_true", help="write the report as JSON instead of tables")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the report to FILE, not stdout"
    )
    parser.add_argument(
        "--url-from",
        choices=("manifest", "page"),
        default="manifest",
        help="page URLs from DIR/manifest.tsv (default; outlet rules apply) or only from the page itself "
        "(<link rel=canonical>/og:url), as for pages saved without provenance",
    )
    parser.add_argument(
        "--min-f1", type=finite_float, metavar="X", help="exit 1 when newsclean's overall F1 is below X"
    )
    parser.add_argument(
        "--max-leaks",
        type=non_negative_int,
        metavar="N",
        help="exit 1 when newsclean leaks more than N strings",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        dest="details",
        action="store_true",
        help="list the strings newsclean leaked, per page",
    )


def run(args: argparse.Namespace) -> int:
    from cleaners.evaluation import load_gold_dir, load_snippet_set
    from newsclean.extractors import EVAL_SYSTEMS, quiet_trafilatura
    from newsclean.output import OutputError, prepare_output_path, write_report
    from newsclean.scoring import score_gold_pages, score_snippet_set

    quiet_trafilatura(getattr(args, "verbose", 0))

    if args.dir is None and args.snippets is None:
        print("newsclean eval: give a DIR of gold pages and/or --snippets EVALDATA.json", file=sys.stderr)
        return EXIT_USAGE
    if args.output:
        try:  # before the work, not after it: -o naming a directory or a path under a file
            prepare_output_path(str(args.output))
        except OutputError as exc:
            print(f"newsclean eval: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    report: dict[str, Any] = {"systems": list(EVAL_SYSTEMS)}
    try:
        if args.dir is not None:
            if not args.dir.is_dir():
                raise ValueError(f"{args.dir}: not a directory")
            pages = load_gold_dir(args.dir, manifest_urls=args.url_from == "manifest")
            if not pages:
                raise ValueError(f"{args.dir}: no PAGE.html with a PAGE.body.txt beside it")
            report["gold"] = {
                "dir": str(args.dir),
                "url_from": args.url_from,
                **score_gold_pages(pages, EVAL_SYSTEMS),
            }
        if args.snippets is not None:
            snippet_pages = load_snippet_set(args.snippets)
            report["snippets"] = {
                "file": str(args.snippets),
                **score_snippet_set(snippet_pages, EVAL_SYSTEMS),
            }
    except OSError as exc:  # an unreadable directory or file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"newsclean eval: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"newsclean eval: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report["gate"] = gate(report, args.min_f1, args.max_leaks)

    text = json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report, args.details)
    write_report(str(args.output) if args.output else None, text + "\n")  # failures: newsclean.cli
    for failure in report["gate"]["failures"]:
        print(f"quality gate failed: {failure}", file=sys.stderr)
    return EXIT_OK if report["gate"]["passed"] else EXIT_FAILED


def gate(report: dict[str, Any], min_f1: float | None, max_leaks: int | None) -> dict[str, Any]:
    """Check newsclean's overall figures against the thresholds; unreadable pages always fail the run."""
    failures = []
    for section in ("gold", "snippets"):
        if section not in report:
            continue
        ours = report[section]["overall"]["newsclean"]
        if min_f1 is not None and ours["f1"] < min_f1:
            failures.append(f"{section}: F1 {ours['f1']:.4f} < {min_f1}")
        failures.extend(f"{section}: {error['error']}" for error in report[section]["errors"])
    if max_leaks is not None and "gold" in report:
        leaks = report["gold"]["overall"]["newsclean"]["leaks"]
        if leaks > max_leaks:
            failures.append(f"gold: {leaks} leaks > {max_leaks}")
    return {"min_f1": min_f1, "max_leaks": max_leaks, "passed": not failures, "failures": failures}


def render(report: dict[str, Any], details: bool) -> str:
    from newsclean.reports import format_table

    systems = report["systems"]
    groups = [("", 1)] + [(LABELS.get(name, name), 4) for name in systems]
    blocks = []
    if "gold" in report:
        gold = report["gold"]
        headers = ["page"] + ["P", "R", "F1", "leaks"] * len(systems)
        rows: list[list[Any]] = []
        for page in gold["pages"]:
            figures = [page["systems"][name] for name in systems]
            rows.append([page["page"], *_flat(figures, ("precision", "recall", "f1", "leaks"))])
        totals = [gold["overall"][name] for name in systems]
        rows.append(
            [f"overall ({totals[0]['pages']} pages)", *_flat(totals, ("precision", "recall", "f1", "leaks"))]
        )
        blocks.append(f"Gold pages in {gold['dir']} (URLs from {gold['url_from']})")
        blocks.append(format_table(headers, rows, groups=groups))
        blocks.append(
            "leaks: "
            + "; ".join(
                f"{LABELS.get(name, name)} {t['leaks']} on {t['pages_with_leaks']} pages"
                for name, t in zip(systems, totals, strict=True)
            )
        )
        if details:
            leaked = [
                f"  {page['page']}: {text!r}"
                for page in gold["pages"]
                for text in page["systems"]["newsclean"]["leaked"]
            ]
            blocks.append("newsclean leaked:\n" + ("\n".join(leaked) if leaked else "  nothing"))
        blocks.extend(f"error: {error['page']}: {error['error']}" for error in gold["errors"])
    if "snippets" in report:
        snippets = report["snippets"]
        totals = [snippets["overall"][name] for name in systems]
        headers = ["snippet set"] + ["P", "R", "F1", "unwanted"] * len(systems)
        row = [f"{totals[0]['pages']} pages", *_flat(totals, ("precision", "recall", "f1", "without_found"))]
        blocks.append(f"\nSnippets of {snippets['file']} (pooled counts)")
        blocks.append(format_table(headers, [row], groups=groups))
        blocks.extend(f"error: {error['page']}: {error['error']}" for error in snippets["errors"])
    result = report["gate"]
    if result["min_f1"] is not None or result["max_leaks"] is not None:
        blocks.append("\nquality gate: " + ("passed" if result["passed"] else "FAILED"))
    return "\n".join(blocks)


def _flat(figures: list[dict[str, Any]], keys: tuple[str, ...]) -> list[Any]:
    return [entry[key] for entry in figures for key in keys]
