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
from typing import Any

import trafilatura

from cleaners import CleanResult, clean_html
from cleaners.evaluation import GoldPage, PageScore, find_leaks, overall, read_page, score_page
from cleaners.rules import RuleRegistry, default_registry

from .mutations import MUTATIONS, Mutation, mutate, unmutated
from .scoring import Output, body_sources
from .variants import MODES, registry_for

logger = logging.getLogger(__name__)

DIGITS = 4
#: A mutated page must keep at least this share of its unmutated F1.
MUTATION_KEEPS = 0.9


@dataclass(frozen=True, slots=True)
class _Scored:
    score: PageScore
    leaks: list[str]
    status: str = "ok"
    source: str | None = None
    rejected: tuple[str, ...] = ()

    def figures(self) -> dict[str, Any]:
        return {
            "f1": round(self.score.f1, DIGITS),
            "precision": round(self.score.precision, DIGITS),
            "recall": round(self.score.recall, DIGITS),
            "leaks": len(self.leaks),
            "leaked": self.leaks,
            "status": self.status,
            "body_source": self.source,
        }


def _bare(html: bytes, url: str | None, *, precision: bool = False) -> str:
    try:
        return trafilatura.extract(html, url=url, include_comments=False, favor_precision=precision) or ""
    except Exception as exc:  # a failing extractor scores as an empty output, never aborts the run
        logger.warning("trafilatura failed on %s: %s", url, exc)
        return ""


def _score(text: str, page: GoldPage, leaks: Sequence[str], result: CleanResult | None = None) -> _Scored:
    return _Scored(
        score_page(text, page.gold),
        find_leaks(text, leaks),
        result.status if result else "ok",
        result.body_source if result else None,
        tuple(result.rejected_rules()) if result else (),
    )


def _totals(rows: list[_Scored]) -> dict[str, Any]:
    total = overall([row.score for row in rows])
    sources = {}
    if any(row.source for row in rows):
        sources = body_sources([Output("", None, row.source, row.rejected) for row in rows])
    return {
        **sources,
        "pages": total.pages,
        "f1": round(total.f1, DIGITS),
        "precision": round(total.precision, DIGITS),
        "recall": round(total.recall, DIGITS),
        "leaks": sum(len(row.leaks) for row in rows),
        "pages_with_leaks": sum(1 for row in rows if row.leaks),
        "not_ok": sum(1 for row in rows if row.status != "ok"),
    }


def score_modes(
    pages: Sequence[GoldPage],
    modes: Sequence[str] = MODES,
    *,
    registry: RuleRegistry | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """newsclean per mode (MODES) and bare trafilatura (default and favor_precision) on the same pages."""
    registry = registry or default_registry()
    rows: dict[str, list[_Scored]] = {name: [] for name in (*modes, "trafilatura", "trafilatura_precision")}
    per_page = []
    for page in pages:
        if progress:
            progress(page.name)
        html = read_page(page.path)
        entry: dict[str, Any] = {"page": page.name}
        for mode in modes:
            result = clean_html(html, page.url, registry=registry_for(mode, registry, html, page.url))
            scored = _score(result.text, page, page.leaks, result)
            rows[mode].append(scored)
            entry[mode] = scored.figures()
        for name, precision in (("trafilatura", False), ("trafilatura_precision", True)):
            scored = _score(_bare(html, page.url, precision=precision), page, page.leaks)
            rows[name].append(scored)
            entry[name] = scored.figures()
        per_page.append(entry)
    return {"pages": per_page, "overall": {name: _totals(scored) for name, scored in rows.items()}}


def score_mutations(
    pages: Sequence[GoldPage],
    mutations: Sequence[Mutation] = MUTATIONS,
    *,
    registry: RuleRegistry | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """newsclean and bare trafilatura on every mutated page, with the per-page target checked."""
    registry = registry or default_registry()
    report: dict[str, Any] = {}
    references: dict[str, _Scored] = {}
    for mutation in mutations:
        ours: list[_Scored] = []
        bare: list[_Scored] = []
        per_page = []
        skipped = []
        for page in pages:
            if progress:
                progress(f"{mutation.name}: {page.name}")
            html = read_page(page.path)
            mutated = mutate(html, page.gold, mutation)
            if mutated is None:
                skipped.append(page.name)
                continue
            if page.name not in references:
                plain = unmutated(html) or html
                result = clean_html(plain, page.url, registry=registry)
                references[page.name] = _score(result.text, page, page.leaks, result)
            reference = references[page.name]
            leaks = (*page.leaks, *mutation.leaks)
            result = clean_html(mutated, page.url, registry=registry)
            mine = _score(result.text, page, leaks, result)
            theirs = _score(_bare(mutated, page.url), page, leaks)
            ours.append(mine)
            bare.append(theirs)
            failures = _mutation_failures(mine, theirs, reference)
            per_page.append(
                {
                    "page": page.name,
                    "newsclean": mine.figures(),
                    "trafilatura": theirs.figures(),
                    "unmutated_f1": round(reference.score.f1, DIGITS),
                    "failures": failures,
                }
            )
        report[mutation.name] = {
            "description": mutation.description,
            "pages": per_page,
            "skipped": skipped,
            "overall": {
                "newsclean": _totals(ours),
                "trafilatura": _totals(bare),
                "failing_pages": sum(1 for row in per_page if row["failures"]),
            },
        }
    return report


def _mutation_failures(mine: _Scored, theirs: _Scored, reference: _Scored) -> list[str]:
    failures = []
    if mine.status != "ok":
        failures.append(f"status {mine.status}")
    floor = max(theirs.score.f1, MUTATION_KEEPS * reference.score.f1)
    if mine.score.f1 < floor - 1e-9:
        failures.append(f"F1 {mine.score.f1:.3f} < {floor:.3f}")
    if len(mine.leaks) > len(theirs.leaks):
        failures.append(f"{len(mine.leaks)} leaks > trafilatura's {len(theirs.leaks)}")
    return failures
