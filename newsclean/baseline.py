"""The checked-in floors of the quality gate: what `eval` compares against, and how they move.

A baseline file (JSON) holds, per figure, a floor for F1 and ceilings for leaks, pages not `ok` and (for
mutations) failing pages, plus a fingerprint of the gold directory so that a changed corpus is noticed
instead of compared with figures of another one. Floors sit a little under the measured F1, so that they
pin a level, not the corpus's exact output. `--update-baseline` writes the current figures; a figure worse
than the file's needs `--allow-regression` to be written (trafilatura's eval gate works the same way).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaners.evaluation import GoldPage

#: A floor sits this far under the measured F1 (rounded down to three decimals).
F1_MARGIN = 0.002
BASELINE_VERSION = 1


class BaselineError(ValueError):
    """The baseline file is unreadable, or belongs to another corpus."""


@dataclass(frozen=True, slots=True)
class Regression:
    figure: str
    message: str

    def __str__(self) -> str:
        return f"{self.figure}: {self.message}"


def fingerprint(pages: list[GoldPage]) -> str:
    """SHA-256 over the gold pages' names, bytes, gold bodies and leak lists."""
    digest = hashlib.sha256()
    for page in sorted(pages, key=lambda p: p.name):
        digest.update(page.name.encode())
        digest.update(page.path.read_bytes())
        digest.update(page.gold.encode())
        digest.update("\n".join(page.leaks).encode())
    return digest.hexdigest()


def figures(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The gated figures of an `eval` report: newsclean's per mode, per mutation, and on the snippet set."""
    found: dict[str, dict[str, float]] = {}
    modes = report.get("modes", {}).get("overall", {})
    if not modes and "gold" in report:  # a plain run measures the full rules: the `rules` figure
        modes = {"rules": report["gold"]["overall"]["newsclean"]}
    for mode, totals in modes.items():
        if mode.startswith("trafilatura"):
            continue
        found[mode] = {"f1": totals["f1"], "leaks": totals["leaks"], "not_ok": totals["not_ok"]}
    for name, mutation in report.get("mutations", {}).items():
        totals = mutation["overall"]["newsclean"]
        found[f"mutation:{name}"] = {
            "f1": totals["f1"],
            "leaks": totals["leaks"],
            "not_ok": totals["not_ok"],
            "failing_pages": mutation["overall"]["failing_pages"],
        }
    if "snippets" in report:
        found["snippets"] = {"f1": report["snippets"]["overall"]["newsclean"]["f1"]}
    return found


def floors_from(measured: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Floors and ceilings for the measured figures."""
    floors: dict[str, dict[str, float]] = {}
    for name, values in measured.items():
        entry: dict[str, float] = {}
        for key, value in values.items():
            if key == "f1":
                entry["f1_min"] = math.floor((value - F1_MARGIN) * 1000) / 1000
            else:
                entry[f"{key}_max"] = value
        floors[name] = entry
    return floors


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("floors"), dict):
        raise BaselineError(f"{path}: not a newsclean baseline (no 'floors' table)")
    return data


def compare(baseline: dict[str, Any], report: dict[str, Any], corpus: str | None) -> list[Regression]:
    """Every figure of `report` that is worse than the baseline's floor or ceiling."""
    regressions = []
    expected = baseline.get("corpus_sha256")
    if corpus is not None and expected and expected != corpus:
        regressions.append(
            Regression(
                "corpus", "the gold pages changed since the baseline was written; run --update-baseline"
            )
        )
    measured = figures(report)
    for name, floor in baseline["floors"].items():
        values = measured.get(name)
        if values is None:
            continue  # not measured in this run (e.g. no --mutate)
        for key, limit in floor.items():
            figure, _, kind = key.rpartition("_")
            value = values.get(figure)
            if value is None:
                continue
            if kind == "min" and value < limit:
                regressions.append(Regression(name, f"{figure} {value:.4f} < floor {limit:.3f}"))
            elif kind == "max" and value > limit:
                regressions.append(Regression(name, f"{figure} {value:g} > ceiling {limit:g}"))
    return regressions


def updated(
    previous: dict[str, Any] | None, report: dict[str, Any], corpus: str | None, *, allow_regression: bool
) -> dict[str, Any]:
    """The baseline to write for `report`; BaselineError listing the regressions unless they are allowed."""
    if previous is not None and not allow_regression:
        same_corpus = not corpus or previous.get("corpus_sha256") in (None, corpus)
        regressions = (
            [r for r in compare(previous, report, corpus) if r.figure != "corpus"] if same_corpus else []
        )
        if regressions:
            listed = "; ".join(str(r) for r in regressions)
            raise BaselineError(
                f"the new figures are worse than the baseline ({listed}); add --allow-regression"
            )
    floors = dict(previous["floors"]) if previous else {}
    floors.update(floors_from(figures(report)))
    return {"version": BASELINE_VERSION, "corpus_sha256": corpus, "floors": dict(sorted(floors.items()))}
