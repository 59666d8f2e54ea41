"""The record's `language`: the page's declaration, corrected by the body for Indonesian and English."""

from __future__ import annotations

import pytest

from cleaners import clean_html, clean_text
from cleaners.language import body_language, resolve_language
from tests.conftest import FIXTURES, SEEDS, corpus_pages

SNIPPET_PAGES = FIXTURES / "multilang-snippets" / "pages"


@pytest.mark.parametrize("page", corpus_pages(), ids=lambda p: p.stem)
def test_indonesian_pages_are_id_even_when_the_template_says_en(page) -> None:
    """Several corpus templates declare lang="en" or nothing; their articles are Indonesian."""
    assert clean_html(page.read_bytes()).language == "id"


def test_an_undeclared_english_page_is_en() -> None:
    assert clean_html((SNIPPET_PAGES / "blog.python.org.html").read_bytes()).language == "en"


def test_another_declared_language_is_trusted() -> None:
    assert clean_html((SNIPPET_PAGES / "SW1.News-Heimat.html").read_bytes()).language == "de"
    assert resolve_language("ms", "yang dan di ini itu " * 20) == "ms"


def test_short_or_mixed_text_keeps_the_declaration() -> None:
    assert body_language("Baca juga berita ini") is None
    assert resolve_language("en", "short text") == "en"


def test_clean_text_guesses_from_the_body() -> None:
    text = (SEEDS / "seed-003-extracted.txt").read_text(encoding="utf-8")
    assert clean_text(text).language == "id"
