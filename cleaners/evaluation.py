"""Scoring against gold: the shingle F1 of the public article-extraction benchmark, leaks, snippets.

Metric (../shared/corpus/README.md): tokens are `\\w+` runs; 4-gram shingles of gold and output; per page
TP/FP/FN over shingle multisets, normalised to sum to 1; precision and recall are means over pages, F1 their
harmonic mean. A leak is a boilerplate string found (whitespace-folded, case-insensitive) in the output.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """Normalised TP/FP/FN shares of one page (they sum to 1 unless both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return harmonic(self.precision, self.recall)


def harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_page(output: str, gold: str) -> PageScore:
    out, ref = shingles(output), shingles(gold)
    tp = sum((out & ref).values())
    fp = sum((out - ref).values())
    fn = sum((ref - out).values())
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True, slots=True)
class Overall:
    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        return harmonic(self.precision, self.recall)


def overall(scores: Sequence[PageScore]) -> Overall:
    """Mean precision and recall over pages; F1 is their harmonic mean."""
    if not scores:
        return Overall(0.0, 0.0, 0)
    return Overall(
        sum(s.precision for s in scores) / len(scores),
        sum(s.recall for s in scores) / len(scores),
        len(scores),
    )


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_leaks(output: str, leaks: Iterable[str]) -> list[str]:
    folded = fold(output)
    return [leak for leak in leaks if leak.strip() and fold(leak) in folded]


@dataclass(slots=True)
class SnippetTally:
    """Pooled snippet counts, scored the way trafilatura's evaluation does."""

    with_found: int = 0
    with_total: int = 0
    without_found: int = 0

    def add(self, output: str, with_: Iterable[str], without: Iterable[str]) -> None:
        folded = " ".join(output.split())
        for snippet in with_:
            self.with_total += 1
            self.with_found += " ".join(snippet.split()) in folded
        for snippet in without:
            self.without_found += " ".join(snippet.split()) in folded

    @property
    def precision(self) -> float:
        hits = self.with_found + self.without_found
        return self.with_found / hits if hits else 0.0

    @property
    def recall(self) -> float:
        return self.with_found / self.with_total if self.with_total else 0.0

    @property
    def f1(self) -> float:
        return harmonic(self.precision, self.recall)
