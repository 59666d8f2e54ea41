"""Scoring against gold: the shingle F1 of the public article-extraction benchmark, leaks, snippets.

Metric (../shared/corpus/README.md): tokens are `\\w+` runs; 4-gram shingles of gold and output; per page
TP/FP/FN over shingle multisets, normalised to sum to 1; precision and recall are means over pages, F1 their
harmonic mean. A leak is a boilerplate string found (whitespace-folded, case-insensitive) in the output.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(zip(*(tokens[i:] for i in range(size)), strict=False))  # the 4-grams, built in C


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

    def add(self, output: str, with_: Sequence[str], without: Sequence[str]) -> None:
        found, unwanted = count_snippets(output, with_, without)
        self.with_total += len(with_)
        self.with_found += found
        self.without_found += unwanted

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


def count_snippets(output: str, with_: Iterable[str], without: Iterable[str]) -> tuple[int, int]:
    """How many wanted and how many unwanted snippets the output contains (whitespace folded, case kept)."""
    folded = " ".join(output.split())
    found = sum(" ".join(snippet.split()) in folded for snippet in with_)
    unwanted = sum(" ".join(snippet.split()) in folded for snippet in without)
    return found, unwanted


# --- Loading gold data -------------------------------------------------------------------------------------

#: Saved-page suffixes a gold directory may use, longest first so `x.html.gz` is not read as `x.html` + `.gz`.
PAGE_SUFFIXES = (".html.gz", ".htm.gz", ".html", ".htm")


def page_name(path: Path) -> str | None:
    """`PAGE` for `PAGE.html` / `PAGE.html.gz` (names may hold dots: `money.kompas.com-x.html`), else None."""
    name = path.name
    for suffix in PAGE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


def read_page(path: Path) -> bytes:
    """The page's bytes, gunzipped when the name ends in `.gz` (the encoding is left to the cleaner)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.lower().endswith(".gz") else data


def read_manifest_urls(directory: Path) -> dict[str, str]:
    """Page name -> URL from `manifest.tsv` (columns `file` and `url`), or {} when there is none."""
    manifest = directory / "manifest.tsv"
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        if not rows.fieldnames or not {"file", "url"} <= set(rows.fieldnames):
            raise ValueError(f"{manifest}: needs the columns 'file' and 'url'")
        urls = {}
        for row in rows:
            name = page_name(Path(row["file"] or ""))
            if name and row["url"]:
                urls[name] = row["url"].strip()
        return urls


@dataclass(frozen=True, slots=True)
class GoldPage:
    """One saved page with its hand-made gold body and the boilerplate strings that must not survive."""

    name: str
    path: Path
    gold: str
    leaks: tuple[str, ...]
    url: str | None = None


def load_gold_dir(directory: Path, *, manifest_urls: bool = True) -> list[GoldPage]:
    """Every `PAGE.html` (or `.htm`, `.html.gz`) in `directory` that has `PAGE.body.txt` beside it.

    `PAGE.leaks.txt` is optional (one string a line). With `manifest_urls`, the page's URL comes from
    `manifest.tsv` so outlet rules apply; otherwise it is None and the cleaner finds it in the page.
    """
    urls = read_manifest_urls(directory) if manifest_urls else {}
    pages = []
    for path in sorted(directory.iterdir()):
        name = page_name(path)
        gold = directory / f"{name}.body.txt"
        if name is None or not path.is_file() or not gold.is_file():
            continue
        leaks_file = directory / f"{name}.leaks.txt"
        leaks = leaks_file.read_text(encoding="utf-8").splitlines() if leaks_file.is_file() else []
        pages.append(
            GoldPage(
                name=name,
                path=path,
                gold=gold.read_text(encoding="utf-8"),
                leaks=tuple(line.strip() for line in leaks if line.strip()),
                url=urls.get(name),
            )
        )
    return pages


@dataclass(frozen=True, slots=True)
class SnippetPage:
    """One page of a snippet set: strings its main text must (`with_`) and must not (`without`) contain."""

    url: str
    path: Path
    with_: tuple[str, ...]
    without: tuple[str, ...]


def load_snippet_set(evaldata: Path) -> list[SnippetPage]:
    """The pages of an `evaldata.json` (URL -> {file, with, without}); files live in `pages/` beside it."""
    entries = json.loads(evaldata.read_text(encoding="utf-8"))
    if not isinstance(entries, dict):
        raise ValueError(f"{evaldata}: expected a JSON object mapping URL -> {{file, with, without}}")
    pages_dir = evaldata.parent / "pages"
    pages = []
    for url, entry in entries.items():
        try:
            with_, without = tuple(entry.get("with", ())), tuple(entry.get("without", ()))
            pages.append(SnippetPage(url, pages_dir / entry["file"], with_, without))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{evaldata}: entry {url!r} needs a 'file' and snippet lists") from exc
    return sorted(pages, key=lambda page: page.path.name)
