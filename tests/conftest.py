"""Shared fixtures: paths to the saved pages and seeds copied from ../shared (see the manifests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from localsite import LocalNewsSite

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "id-news"
SEEDS = FIXTURES / "seeds"


def corpus_pages() -> list[Path]:
    """Every saved page that has a gold body beside it."""
    return sorted(p for p in CORPUS.glob("*.html") if p.with_suffix(".body.txt").exists())


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def localsite() -> Iterator[LocalNewsSite]:
    """The local news site (tests/localsite/README.md) on 127.0.0.1 with a fresh request log."""
    with LocalNewsSite() as site:
        yield site
