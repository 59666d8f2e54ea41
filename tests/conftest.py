"""Shared fixtures: paths to the saved pages and seeds copied from ../shared (see the manifests)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "id-news"
SEEDS = FIXTURES / "seeds"


def corpus_pages() -> list[Path]:
    """Every saved page that has a gold body beside it."""
    return sorted(p for p in CORPUS.glob("*.html") if p.with_suffix(".body.txt").exists())


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS
