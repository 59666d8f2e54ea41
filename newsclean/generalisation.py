"""Generalisation figures for `eval`: rules off, leave-one-template-out, mutated pages, beside trafilatura.

A cleaner tuned on a corpus can be perfect there and worse than the extractor it wraps on next month's pages.
These figures measure what a user gets on pages the rules were not written for:

- `rules-off`: generic rules only, as for a site without a rule file;
- `leave-one-template-out`: each page with the `[body]` selectors that serve it removed;
- mutations (newsclean.mutations): each page with its template changed on purpose, scored against bare
  trafilatura on the same mutated page and against newsclean on the unmutated one.

Per mutated page the target is: status `ok`, F1 >= max(bare trafilatura, 0.9 x unmutated F1), no more leaks
than bare trafilatura. The report keeps plain dicts, ready for JSON and for the baseline (newsclean.baseline).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from cleaners import CleanResult, clean_html
from cleaners.evaluation import GoldPage, PageScore, find_leaks, overall, score_page
from cleaners.rules import RuleRegistry, default_registry

from .extractors import Extractor, trafilatura_precision_text, trafilatura_text
from .mutations import MUTATIONS, Mutation, mutate, unmutated
from .scoring import DIGITS, Output, body_sources, read_scored_page, run_systems, score_figures
from .variants import MODES, registry_for

logger = logging.getLogger(__name__)

#: A mutated page must keep at least this share of its unmutated F1.
MUTATION_KEEPS = 0.9
#: Bare trafilatura beside the modes, as `eval` names it.
BARE_SYSTEMS: dict[str, Extractor] = {
    "trafilatura": trafilatura_text,
    "trafilatura_precision": trafilatura_precision_text,
}


@dataclass(frozen=True, slots=True)
class _Scored:
    score: PageScore
    leaks: list[str]
    output: Output

    def figures(self) -> dict[str, Any]:
        return {
            **score_figures(self.score),
            "leaks": len(self.leaks),
            "leaked": self.leaks,
            "status": self.output.status,
            "body_source": self.output.body_source,
        }


def _score(output: Output, page: GoldPage, leaks: Sequence[str]) -> _Scored:
    return _Scored(score_page(output.text, page.gold), find_leaks(output.text, leaks), output)


def _totals(rows: list[_Scored]) -> dict[str, Any]:
    total = overall([row.score for row in rows])
    outputs = [row.output for row in rows]
    return {
        **(body_sources(outputs) if any(o.body_source for o in outputs) else {}),
        "pages": total.pages,
        **score_figures(total),
        "leaks": sum(len(row.leaks) for row in rows),
        "pages_with_leaks": sum(1 for row in rows if row.leaks),
        "not_ok": sum(1 for o in outputs if o.status != "ok"),
    }


def _clean_in_mode(mode: str, registry: RuleRegistry, html: bytes, url: str | None) -> CleanResult:
    return clean_html(html, url, registry=registry_for(mode, registry, html, url))


def score_modes(
    pages: Sequence[GoldPage],
    modes: Sequence[str] = MODES,
    *,
    registry: RuleRegistry | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """newsclean per mode (MODES) and bare trafilatura (default and favor_precision) on the same pages."""
    registry = registry or default_registry()
    systems: dict[str, Extractor] = {mode: partial(_clean_in_mode, mode, registry) for mode in modes}
    systems.update(BARE_SYSTEMS)
    rows: dict[str, list[_Scored]] = {name: [] for name in systems}
    per_page = []
    errors: list[dict[str, str]] = []
    for page in pages:
        if progress:
            progress(page.name)
        html = read_scored_page(page.name, page.path, errors)
        if html is None:
            continue
        entry: dict[str, Any] = {"page": page.name}
        for name, output in run_systems(html, page.url, systems, page.name).items():
            scored = _score(output, page, page.leaks)
            rows[name].append(scored)
            entry[name] = scored.figures()
        per_page.append(entry)
    overall_ = {name: _totals(scored) for name, scored in rows.items()}
    return {"pages": per_page, "overall": overall_, "errors": errors}


def score_mutations(
    pages: Sequence[GoldPage],
    mutations: Sequence[Mutation] = MUTATIONS,
    *,
    registry: RuleRegistry | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """newsclean and bare trafilatura on every mutated page, with the per-page target checked.

    Each page is read and cleaned unmutated once; every mutation of it is then scored against that.
    """
    registry = registry or default_registry()
    systems: dict[str, Extractor] = {
        "newsclean": partial(_clean_in_mode, "rules", registry),
        "trafilatura": trafilatura_text,
    }
    ours: dict[str, list[_Scored]] = {m.name: [] for m in mutations}
    bare: dict[str, list[_Scored]] = {m.name: [] for m in mutations}
    per_page: dict[str, list[dict[str, Any]]] = {m.name: [] for m in mutations}
    skipped: dict[str, list[str]] = {m.name: [] for m in mutations}
    errors: list[dict[str, str]] = []
    for page in pages:
        html = read_scored_page(page.name, page.path, errors)
        if html is None:
            continue
        reference: _Scored | None = None
        for mutation in mutations:
            if progress:
                progress(f"{mutation.name}: {page.name}")
            mutated = mutate(html, page.gold, mutation)
            if mutated is None:
                skipped[mutation.name].append(page.name)
                continue
            if reference is None:
                plain = unmutated(html) or html
                reference = _score(
                    run_systems(plain, page.url, systems, page.name)["newsclean"], page, page.leaks
                )
            leaks = (*page.leaks, *mutation.leaks)
            outputs = run_systems(mutated, page.url, systems, f"{mutation.name}: {page.name}")
            mine, theirs = (
                _score(outputs["newsclean"], page, leaks),
                _score(outputs["trafilatura"], page, leaks),
            )
            ours[mutation.name].append(mine)
            bare[mutation.name].append(theirs)
            per_page[mutation.name].append(
                {
                    "page": page.name,
                    "newsclean": mine.figures(),
                    "trafilatura": theirs.figures(),
                    "unmutated_f1": round(reference.score.f1, DIGITS),
                    "failures": _mutation_failures(mine, theirs, reference),
                }
            )
    return {
        mutation.name: {
            "description": mutation.description,
            "pages": per_page[mutation.name],
            "skipped": skipped[mutation.name],
            "errors": errors,
            "overall": {
                "newsclean": _totals(ours[mutation.name]),
                "trafilatura": _totals(bare[mutation.name]),
                "failing_pages": sum(1 for row in per_page[mutation.name] if row["failures"]),
            },
        }
        for mutation in mutations
    }


def _mutation_failures(mine: _Scored, theirs: _Scored, reference: _Scored) -> list[str]:
    failures = []
    if mine.output.status != "ok":
        failures.append(f"status {mine.output.status}")
    floor = max(theirs.score.f1, MUTATION_KEEPS * reference.score.f1)
    if mine.score.f1 < floor - 1e-9:
        failures.append(f"F1 {mine.score.f1:.3f} < {floor:.3f}")
    if len(mine.leaks) > len(theirs.leaks):
        failures.append(f"{len(mine.leaks)} leaks > trafilatura's {len(theirs.leaks)}")
    return failures
