"""Broken markup that makes lxml swallow the page is re-parsed with BeautifulSoup's html.parser."""

from __future__ import annotations

import re

import pytest

from cleaners import clean_html
from cleaners.dom import parse_html
from cleaners.evaluation import score_page
from cleaners.repair import needs_repair
from tests.conftest import CORPUS, corpus_pages

PAGE = CORPUS / "htmldate_money.kompas.com-Menhub.html"


def _broken(pattern: str, replacement: str) -> tuple[bytes, str]:
    html = PAGE.read_text(encoding="utf-8")
    if "<!--" in replacement:  # an unclosed comment swallows the page only when no later "-->" closes it
        html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    broken, count = re.subn(pattern, replacement, html, count=1, flags=re.IGNORECASE)
    assert count == 1
    return broken.encode("utf-8"), PAGE.with_suffix(".body.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        pytest.param(r"</title>", "", id="unclosed-title"),
        pytest.param(r"<body([^>]*)>", r"<body\1><!-- ", id="unclosed-comment"),
    ],
)
def test_a_page_swallowed_by_broken_markup_is_recovered(pattern: str, replacement: str) -> None:
    broken, gold = _broken(pattern, replacement)
    assert needs_repair(parse_html(broken.decode("utf-8")), broken.decode("utf-8"))
    result = clean_html(broken)
    assert result.status == "ok"
    assert score_page(result.text, gold).f1 >= 0.95
    assert result.title and "<" not in result.title


@pytest.mark.parametrize("page", corpus_pages(), ids=lambda p: p.stem)
def test_well_formed_pages_are_not_reparsed(page) -> None:
    html = page.read_bytes().decode("utf-8", "replace")
    assert not needs_repair(parse_html(html), html)
