"""The local news site the crawl tests serve on 127.0.0.1 (see README.md in this folder for every route).

Use it as a context manager (`with LocalNewsSite() as site: ...`) or through the `localsite` pytest fixture in
tests/conftest.py. Expected results are data here, so tests assert exact sets of article URLs.
"""

from __future__ import annotations

from .content import (
    ABOUT_PATH,
    ARTICLES,
    BY_KEY,
    CONTINUATION_PATHS,
    DISALLOWED_PATHS,
    EXPECTED_ARTICLES,
    EXPECTED_FEED_ARTICLES,
    FAILING_PATHS,
    MULTIPAGE,
    NEWS_SITEMAP_ARTICLES,
    OVERSIZED_BYTES,
    PDF_PATH,
    REDIRECT_PATH,
    REDIRECT_TARGET,
    SECTION_PATHS,
    SLOW_DELAY,
    Article,
)
from .server import LocalNewsSite

__all__ = [
    "ABOUT_PATH",
    "ARTICLES",
    "BY_KEY",
    "CONTINUATION_PATHS",
    "DISALLOWED_PATHS",
    "EXPECTED_ARTICLES",
    "EXPECTED_FEED_ARTICLES",
    "FAILING_PATHS",
    "MULTIPAGE",
    "NEWS_SITEMAP_ARTICLES",
    "OVERSIZED_BYTES",
    "PDF_PATH",
    "REDIRECT_PATH",
    "REDIRECT_TARGET",
    "SECTION_PATHS",
    "SLOW_DELAY",
    "Article",
    "LocalNewsSite",
]
