"""Score newsclean against hand-made gold bodies, side by side with bare trafilatura.

DIR holds saved pages (PAGE.html or PAGE.html.gz) with their gold body PAGE.body.txt and, optionally,
the boilerplate strings PAGE.leaks.txt that must not survive. Precision, recall and F1 are the shingle
metric of the public article-extraction benchmark (cleaners/evaluation.py). --snippets scores a snippet
set (evaldata.json with pages/ beside it) by pooled must/must-not snippet counts. --min-f1 and
--max-leaks turn the run into a quality gate (exit status 1 when it fails).

Generalisation (what users get on pages the rules were not written for): --rules off cleans with the
generic rules alone, --leave-one-template-out removes from each page the [body] selectors that serve it,
--mutate cleans copies of the pages with their template changed (newsclean.mutations), each side by side
with bare trafilatura; --generalisation runs them all. --baseline FILE compares the figures with the
checked-in floors (exit 1 on a regression); --update-baseline writes them, and a worse figure needs
--allow-regression.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from newsclean.mutations import MUTATION_NAMES
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
    group = parser.add_argument_group("generalisation (DIR only)")
    group.add_argument(
        "--rules",
        choices=("on", "off"),
        default="on",
        help="off: clean with the generic rules alone, as for a site without a rule file (default: on)",
    )
    group.add_argument(
        "--leave-one-template-out",
        action="store_true",
        help="also clean each page without the [body] selectors that serve it",
    )
    group.add_argument(
        "--mutate",
        nargs="?",
        const="all",
        metavar="NAMES",
        help=f"also clean mutated copies of the pages: all, or some of {','.join(MUTATION_NAMES)}",
    )
    group.add_argument(
        "--generalisation",
        action="store_true",
        help="rules on and off, leave-one-template-out and every mutation, side by side",
    )
    group.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="compare with the floors in FILE; exit 1 on a regression",
    )
    group.add_argument(
        "--update-baseline", action="store_true", help="write the measured figures to --baseline FILE"
    )
    group.add_argument(
        "--allow-regression",
        action="store_true",
        help="let --update-baseline lower a floor (or raise a ceiling)",
    )


def run(args: argparse.Namespace) -> int:
    from cleaners.evaluation import load_gold_dir, load_snippet_set
    from newsclean.baseline import BaselineError, fingerprint
    from newsclean.extractors import EVAL_SYSTEMS, quiet_trafilatura
    from newsclean.generalisation import score_modes, score_mutations
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
    corpus = None
    try:
        modes, mutations = _generalisation(args)
        if (args.update_baseline or args.allow_regression) and args.baseline is None:
            raise ValueError("--update-baseline and --allow-regression need --baseline FILE")
        if args.dir is not None:
            if not args.dir.is_dir():
                raise ValueError(f"{args.dir}: not a directory")
            pages = load_gold_dir(args.dir, manifest_urls=args.url_from == "manifest")
            if not pages:
                raise ValueError(f"{args.dir}: no PAGE.html with a PAGE.body.txt beside it")
            corpus = fingerprint(pages) if args.baseline is not None else None
            if modes:
                report["modes"] = {
                    "dir": str(args.dir),
                    "url_from": args.url_from,
                    **score_modes(pages, modes),
                }
            else:
                report["gold"] = {
                    "dir": str(args.dir),
                    "url_from": args.url_from,
                    **score_gold_pages(pages, EVAL_SYSTEMS),
                }
            if mutations:
                report["mutations"] = score_mutations(pages, mutations)
        elif modes or mutations:
            raise ValueError("--rules off, --leave-one-template-out and --mutate need a DIR of gold pages")
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
    if args.baseline is not None:
        try:
            _baseline(args, report, corpus)
        except BaselineError as exc:
            print(f"newsclean eval: {exc}", file=sys.stderr)
            return EXIT_FAILED if args.update_baseline else EXIT_USAGE

    text = json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report, args.details)
    write_report(str(args.output) if args.output else None, text + "\n")  # failures: newsclean.cli
    for failure in report["gate"]["failures"]:
        print(f"quality gate failed: {failure}", file=sys.stderr)
    return EXIT_OK if report["gate"]["passed"] else EXIT_FAILED


def _generalisation(args: argparse.Namespace) -> tuple[list[str], list[Any]]:
    """The modes and mutations the flags ask for (none: the plain gold table)."""
    from newsclean.mutations import MUTATIONS

    if args.generalisation:
        return ["rules", "rules-off", "leave-one-template-out"], list(MUTATIONS)
    modes = []
    if args.rules == "off" or args.leave_one_template_out:
        modes.append("rules" if args.rules == "on" else "rules-off")
    if args.leave_one_template_out:
        modes.append("leave-one-template-out")
    mutations = []
    if args.mutate:
        wanted = MUTATION_NAMES if args.mutate == "all" else tuple(n.strip() for n in args.mutate.split(","))
        unknown = [name for name in wanted if name not in MUTATION_NAMES]
        if unknown:
            raise ValueError(
                f"--mutate: unknown mutation {unknown[0]!r}; choose from {', '.join(MUTATION_NAMES)}"
            )
        mutations = [m for m in MUTATIONS if m.name in wanted]
    return modes, mutations


def _baseline(args: argparse.Namespace, report: dict[str, Any], corpus: str | None) -> None:
    """Compare with (or write) the baseline; the outcome goes into the report's gate."""
    from newsclean.baseline import BaselineError, compare, load, updated
    from newsclean.output import write_report

    previous = load(args.baseline) if args.baseline.exists() else None
    if args.update_baseline:
        data = updated(previous, report, corpus, allow_regression=args.allow_regression)
        write_report(str(args.baseline), json.dumps(data, indent=2) + "\n")
        report["gate"]["baseline"] = {"file": str(args.baseline), "written": True}
        return
    if previous is None:
        raise BaselineError(f"{args.baseline}: no such baseline (write one with --update-baseline)")
    regressions = [str(r) for r in compare(previous, report, corpus)]
    report["gate"]["baseline"] = {"file": str(args.baseline), "regressions": regressions}
    if regressions:
        report["gate"]["passed"] = False
        report["gate"]["failures"].extend(f"baseline: {r}" for r in regressions)


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
    if "modes" in report:
        failures.extend(f"modes: {error['error']}" for error in report["modes"]["errors"])
    if "mutations" in report:
        first = next(iter(report["mutations"].values()), None)  # every mutation shares the page errors
        failures.extend(f"mutations: {error['error']}" for error in (first or {}).get("errors", []))
    if "modes" in report:
        mode = next(m for m in report["modes"]["overall"] if not m.startswith("trafilatura"))
        ours = report["modes"]["overall"][mode]
        if min_f1 is not None and ours["f1"] < min_f1:
            failures.append(f"{mode}: F1 {ours['f1']:.4f} < {min_f1}")
        if max_leaks is not None and ours["leaks"] > max_leaks:
            failures.append(f"{mode}: {ours['leaks']} leaks > {max_leaks}")
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
        blocks.extend(
            f"{LABELS.get(name, name)} bodies: {_sources(t)}"
            for name, t in zip(systems, totals, strict=True)
            if "bodies" in t
        )
        if details:
            leaked = [
                f"  {page['page']}: {text!r}"
                for page in gold["pages"]
                for text in page["systems"]["newsclean"]["leaked"]
            ]
            blocks.append("newsclean leaked:\n" + ("\n".join(leaked) if leaked else "  nothing"))
        blocks.extend(f"error: {error['page']}: {error['error']}" for error in gold["errors"])
    if "modes" in report:
        blocks.extend(render_modes(report["modes"], details))
    if "mutations" in report:
        blocks.extend(render_mutations(report["mutations"], details))
    if "snippets" in report:
        snippets = report["snippets"]
        totals = [snippets["overall"][name] for name in systems]
        headers = ["snippet set"] + ["P", "R", "F1", "unwanted"] * len(systems)
        row = [f"{totals[0]['pages']} pages", *_flat(totals, ("precision", "recall", "f1", "without_found"))]
        blocks.append(f"\nSnippets of {snippets['file']} (pooled counts)")
        blocks.append(format_table(headers, [row], groups=groups))
        blocks.extend(f"error: {error['page']}: {error['error']}" for error in snippets["errors"])
    result = report["gate"]
    baseline = result.get("baseline")
    if baseline is not None:
        if baseline.get("written"):
            blocks.append(f"\nbaseline written to {baseline['file']}")
        else:
            found = baseline["regressions"]
            blocks.append(
                f"\nbaseline {baseline['file']}: " + ("no regression" if not found else "REGRESSIONS")
            )
            blocks.extend(f"  {r}" for r in found)
    if result["min_f1"] is not None or result["max_leaks"] is not None or baseline is not None:
        blocks.append("\nquality gate: " + ("passed" if result["passed"] else "FAILED"))
    return "\n".join(blocks)


MODE_LABELS = {
    "rules": "newsclean",
    "rules-off": "rules off",
    "leave-one-template-out": "leave-1-template-out",
    "trafilatura": "trafilatura",
    "trafilatura_precision": "traf. precision",
}


def render_modes(section: dict[str, Any], details: bool) -> list[str]:
    """Per page and overall: F1 and leaks of each mode beside bare trafilatura."""
    from newsclean.reports import format_table

    systems = list(section["overall"])
    groups = [("", 1)] + [(MODE_LABELS.get(name, name), 2) for name in systems]
    rows: list[list[Any]] = []
    for page in section["pages"]:
        rows.append([page["page"], *(v for name in systems for v in (page[name]["f1"], page[name]["leaks"]))])
    totals = section["overall"]
    rows.append(
        [
            f"overall ({totals[systems[0]]['pages']} pages)",
            *(v for n in systems for v in (totals[n]["f1"], totals[n]["leaks"])),
        ]
    )
    blocks = [f"Gold pages in {section['dir']} (URLs from {section['url_from']}), by mode"]
    blocks.append(format_table(["page"] + ["F1", "leaks"] * len(systems), rows, groups=groups))
    blocks.extend(f"error: {error['page']}: {error['error']}" for error in section["errors"])
    blocks.append(
        "overall: "
        + "; ".join(
            f"{MODE_LABELS.get(n, n)} P {t['precision']:.3f} R {t['recall']:.3f}, {t['leaks']} leaks on "
            f"{t['pages_with_leaks']} pages, {t['not_ok']} not ok"
            for n, t in totals.items()
        )
    )
    for name, totals_of in totals.items():
        if "bodies" in totals_of:
            blocks.append(f"{MODE_LABELS.get(name, name)} bodies: {_sources(totals_of)}")
    if details:
        for name in systems:
            if name.startswith("trafilatura"):
                continue
            leaked = [
                f"  {page['page']}: {text!r}" for page in section["pages"] for text in page[name]["leaked"]
            ]
            blocks.append(
                f"{MODE_LABELS.get(name, name)} leaked:\n" + ("\n".join(leaked) if leaked else "  nothing")
            )
    return blocks


def _sources(totals: dict[str, Any]) -> str:
    """`outlet 20, whole-page 10, generic 3; containers rejected: detik 2`."""
    text = ", ".join(f"{kind} {n}" for kind, n in totals["bodies"].items())
    rejected = totals.get("container_rejected") or {}
    if rejected:
        text += "; containers rejected: " + ", ".join(f"{name} {n}" for name, n in rejected.items())
    return text


def render_mutations(section: dict[str, Any], details: bool) -> list[str]:
    """A row per mutation: newsclean and bare trafilatura on the mutated pages, and pages off target."""
    from newsclean.reports import format_table

    headers = ["mutation", "pages", "F1", "leaks", "not ok", "failing", "F1", "leaks"]
    groups = [("", 2), ("newsclean", 4), ("trafilatura", 2)]
    rows = []
    for name, mutation in section.items():
        ours, bare = mutation["overall"]["newsclean"], mutation["overall"]["trafilatura"]
        rows.append(
            [
                name,
                ours["pages"],
                ours["f1"],
                ours["leaks"],
                ours["not_ok"],
                mutation["overall"]["failing_pages"],
                bare["f1"],
                bare["leaks"],
            ]
        )
    blocks = [
        "\nMutated pages (target per page: status ok, F1 >= max(trafilatura, 0.9 x unmutated), "
        "leaks <= trafilatura's)"
    ]
    blocks.append(format_table(headers, rows, groups=groups))
    first = next(iter(section.values()), None)
    blocks.extend(f"error: {error['page']}: {error['error']}" for error in (first or {}).get("errors", []))
    if details:
        for name, mutation in section.items():
            for page in mutation["pages"]:
                if page["failures"]:
                    blocks.append(f"  {name}: {page['page']}: {'; '.join(page['failures'])}")
    return blocks


def _flat(figures: list[dict[str, Any]], keys: tuple[str, ...]) -> list[Any]:
    return [entry[key] for entry in figures for key in keys]
