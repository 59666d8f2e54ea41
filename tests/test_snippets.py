"""Other languages: on the multilingual snippet set newsclean must beat bare trafilatura, not just tie.

Both run side by side here on the same 138 pages (tests/fixtures/multilang-snippets, pooled snippet counts),
trafilatura with include_comments=False: the generic Indonesian rules must not hurt other languages, and the
validated body choice should help them. The floor of the figure is in tests/baseline.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cleaners.evaluation import load_snippet_set
from newsclean.baseline import load
from newsclean.extractors import OURS, newsclean_text, trafilatura_text
from newsclean.scoring import score_snippet_set

EVALDATA = Path(__file__).parent / "fixtures" / "multilang-snippets" / "evaldata.json"
BASELINE = Path(__file__).with_name("baseline.json")


@pytest.fixture(scope="module")
def snippet_report() -> dict[str, Any]:
    pages = load_snippet_set(EVALDATA)
    return score_snippet_set(pages, {OURS: newsclean_text, "trafilatura": trafilatura_text})


def test_every_page_of_the_set_is_scored(snippet_report: dict[str, Any]) -> None:
    assert snippet_report["errors"] == []
    assert len(snippet_report["pages"]) == 138
    assert snippet_report["overall"]["trafilatura"]["with_total"] > 300


def test_newsclean_f1_above_bare_trafilatura(snippet_report: dict[str, Any]) -> None:
    ours, bare = snippet_report["overall"][OURS], snippet_report["overall"]["trafilatura"]
    assert ours["f1"] >= bare["f1"] + 0.005, f"newsclean {ours} vs bare trafilatura {bare}"
    assert ours["without_found"] < bare["without_found"]


def test_newsclean_f1_not_below_its_floor(snippet_report: dict[str, Any]) -> None:
    floor = load(BASELINE)["floors"]["snippets"]["f1_min"]
    assert snippet_report["overall"][OURS]["f1"] >= floor
