"""Run extraction systems over gold data and build the `eval` report (plain dicts, ready for JSON).

Kept apart from the command so tests and notebooks can score without going through argparse or stdout.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cleaners import CleanResult
from cleaners.evaluation import (
    GoldPage,
    PageScore,
    SnippetPage,
    SnippetTally,
    count_snippets,
    find_leaks,
    overall,
    read_page,
    score_page,
)

from .extractors import Extractor

logger = logging.getLogger(__name__)

DIGITS = 4


@dataclass(frozen=True, slots=True)
class Output:
    """A system's body text on one page; for newsclean also how the body was chosen."""

    text: str
    error: str | None = None
    body_source: str | None = None
    rejected: tuple[str, ...] = ()
    #: newsclean's record status (`ok`, `not_article`, ...); `error` when the system raised.
    status: str = "ok"


def _run(extract: Extractor, html: bytes, url: str | None, system: str, where: str) -> Output:
    """The system's output, or "" and the reason when it raised (scored as an empty output, not skipped)."""
    try:
        found = extract(html, url)
    except Exception as exc:  # one failing extractor must not abort the evaluation
        logger.warning("%s failed on %s: %s", system, where, exc)
        return Output("", f"{type(exc).__name__}: {exc}", status="error")
    if isinstance(found, CleanResult):
        return Output(found.text, None, found.body_source, tuple(found.rejected_rules()), found.status)
    return Output(found)


def body_sources(outputs: Sequence[Output]) -> dict[str, Any]:
    """How many bodies came from each kind of source (outlet, profile, generic, whole-page, jsonld), and
    which rule files had their containers rejected, how often: a template change shows up here."""
    kinds = Counter((o.body_source or "none").partition(":")[0] for o in outputs)
    rejected = Counter(name for o in outputs for name in o.rejected)
    return {"bodies": dict(kinds.most_common()), "container_rejected": dict(rejected.most_common())}


def read_scored_page(label: str, path: Path, errors: list[dict[str, str]]) -> bytes | None:
    """The page's bytes, or None (and an entry in `errors`) when the file cannot be read."""
    try:
        return read_page(path)
    except (OSError, EOFError, ValueError) as exc:  # missing file, corrupt .gz
        errors.append({"page": label, "error": f"cannot read {path}: {exc}"})
        return None


def run_systems(
    html: bytes, url: str | None, systems: Mapping[str, Extractor], label: str
) -> dict[str, Output]:
    """Every system's output on one page (a system that raises scores as an empty output)."""
    return {name: _run(extract, html, url, name, label) for name, extract in systems.items()}


def _outputs(
    label: str, path: Path, url: str | None, systems: Mapping[str, Extractor], errors: list[dict[str, str]]
) -> dict[str, Output] | None:
    """Every system's output on one page, or None (and an entry in `errors`) when the file cannot be read."""
    html = read_scored_page(label, path, errors)
    return run_systems(html, url, systems, label) if html is not None else None


class Scored(Protocol):
    @property
    def precision(self) -> float: ...
    @property
    def recall(self) -> float: ...
    @property
    def f1(self) -> float: ...


def score_figures(score: Scored) -> dict[str, float]:
    return {
        "precision": round(score.precision, DIGITS),
        "recall": round(score.recall, DIGITS),
        "f1": round(score.f1, DIGITS),
    }


def score_gold_pages(pages: Sequence[GoldPage], systems: Mapping[str, Extractor]) -> dict[str, Any]:
    """Per-page and overall precision/recall/F1 and leaks of every system on the same pages."""
    scores: dict[str, list[PageScore]] = {name: [] for name in systems}
    leaks: dict[str, list[int]] = {name: [] for name in systems}
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    produced: dict[str, list[Output]] = {name: [] for name in systems}
    for page in pages:
        outputs = _outputs(page.name, page.path, page.url, systems, errors)
        if outputs is None:
            continue
        row: dict[str, Any] = {"page": page.name, "file": page.path.name, "url": page.url, "systems": {}}
        for name, output in outputs.items():
            produced[name].append(output)
            score = score_page(output.text, page.gold)
            leaked = find_leaks(output.text, page.leaks)
            scores[name].append(score)
            leaks[name].append(len(leaked))
            figures: dict[str, Any] = {**score_figures(score), "leaks": len(leaked), "leaked": leaked}
            if output.error:
                figures["error"] = output.error
            if output.body_source:
                figures["body_source"] = output.body_source
            row["systems"][name] = figures
        rows.append(row)
    totals = {
        name: {
            "pages": len(scores[name]),
            **score_figures(overall(scores[name])),
            "leaks": sum(leaks[name]),
            "pages_with_leaks": sum(1 for n in leaks[name] if n),
            "not_ok": sum(1 for o in produced[name] if o.status != "ok"),
        }
        for name in systems
    }
    for name, outputs in produced.items():
        if any(o.body_source for o in outputs):
            totals[name].update(body_sources(outputs))
    return {"pages": rows, "overall": totals, "errors": errors}


def score_snippet_set(pages: Sequence[SnippetPage], systems: Mapping[str, Extractor]) -> dict[str, Any]:
    """Pooled snippet precision/recall/F1 of every system (counts pooled over pages, not averaged)."""
    tallies = {name: SnippetTally() for name in systems}
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for page in pages:
        outputs = _outputs(page.path.name, page.path, page.url, systems, errors)
        if outputs is None:
            continue
        row: dict[str, Any] = {"page": page.path.name, "url": page.url, "systems": {}}
        for name, output in outputs.items():
            text, error = output.text, output.error
            tallies[name].add(text, page.with_, page.without)
            found, unwanted = count_snippets(text, page.with_, page.without)
            figures: dict[str, Any] = {
                "with_found": found,
                "with_total": len(page.with_),
                "without_found": unwanted,
                "without_total": len(page.without),
            }
            if error:
                figures["error"] = error
            row["systems"][name] = figures
        rows.append(row)
    totals = {
        name: {
            "pages": len(rows),
            **score_figures(tally),
            "with_found": tally.with_found,
            "with_total": tally.with_total,
            "without_found": tally.without_found,
        }
        for name, tally in tallies.items()
    }
    return {"pages": rows, "overall": totals, "errors": errors}
