"""The corpus (tests/fixtures/id-news) and what holds page by page: outlets found from the page, datelines.

Quality figures and their floors (rules on and off, leave-one-template-out, mutations) are in
tests/test_generalisation.py against tests/baseline.json: no exact pins of the corpus here.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from cleaners import CleanOptions, CleanResult, clean_html, default_registry
from cleaners.evaluation import overall, score_page
from cleaners.lines import apply_line_rules
from tests.conftest import CORPUS, corpus_pages

PAGES = corpus_pages()


@cache
def _clean(path: Path, url: str | None = None) -> CleanResult:
    return clean_html(path.read_bytes(), url=url)


def _gold(path: Path) -> str:
    return path.with_suffix(".body.txt").read_text(encoding="utf-8")


@cache
def _manifest() -> dict[str, dict[str, str]]:
    with (CORPUS / "manifest.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def test_every_page_has_its_gold_files_and_provenance() -> None:
    assert len(PAGES) >= 30
    for page in PAGES:
        for suffix in (".body.txt", ".leaks.txt", ".notes.txt"):
            assert page.with_suffix(suffix).read_text(encoding="utf-8").strip(), (page.name, suffix)
        row = _manifest()[page.name]
        assert row["repo"] and row["commit"] and row["outlet"], page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_outlet_found_from_the_page_itself(page: Path) -> None:
    """Saved pages carry no URL: the canonical link must still select the outlet's rules, if it has any."""
    expected = default_registry().for_domain(_manifest()[page.name]["outlet"])
    result = _clean(page)
    # merdeka and fimela have no rule file; the 2015/16 antaranews pages no canonical link or og:url
    if expected is None or page.name.startswith("anpandu_antara"):
        assert result.outlet is None
    else:
        assert result.outlet == expected.name


def test_saved_pages_without_their_url_score_like_crawled_ones() -> None:
    """A saved file (no URL: the outlet from the canonical link) loses next to nothing against the crawl."""
    saved = overall([score_page(_clean(page).text, _gold(page)) for page in PAGES])
    crawled = overall(
        [score_page(_clean(page, _manifest()[page.name]["url"] or None).text, _gold(page)) for page in PAGES]
    )
    assert saved.f1 >= crawled.f1 - 0.01


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_dateline_stays_in_the_first_paragraph(page: Path) -> None:
    """Gold keeps the dateline in paragraph 1; the result also reports it in `dateline`."""
    result = _clean(page)
    first_gold = _gold(page).splitlines()[0]
    if result.dateline:
        assert result.text.startswith(result.dateline)
        assert first_gold.startswith(result.dateline)


@pytest.mark.parametrize(
    ("paragraphs", "first"),
    [
        (["Jakarta -", "Polisi masih mendalami kasus itu."], "Jakarta - Polisi masih mendalami kasus itu."),
        (
            ["Doha –", "Maroko vs Portugal akan bermain malam ini."],
            "Doha – Maroko vs Portugal akan bermain malam ini.",
        ),
        (["Pendahuluan", "Jakarta - Polisi masih mendalami kasus itu."], "Pendahuluan"),
    ],
)
def test_a_bare_dateline_block_joins_the_first_paragraph(paragraphs: list[str], first: str) -> None:
    """detik prints "<strong>Jakarta</strong> -" as its own block; a heading above the text is not one."""
    outcome = apply_line_rules(list(paragraphs), default_registry().ruleset(None), CleanOptions(), [])
    assert outcome.paragraphs[0] == first
