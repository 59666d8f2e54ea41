"""The cleaning stage of newsclean: one pure function, no Scrapy, shared by the CLI and the crawler.

>>> from cleaners import clean_html
>>> result = clean_html(page_bytes, url="https://www.kompas.com/read/...")
>>> result.status, result.text
"""

from __future__ import annotations

from .options import CleanOptions
from .pipeline import clean_html, clean_text
from .result import RECORD_FIELDS, CleanResult, Removed
from .rules import RuleRegistry, RulesError, default_registry

__all__ = [
    "RECORD_FIELDS",
    "CleanOptions",
    "CleanResult",
    "Removed",
    "RuleRegistry",
    "RulesError",
    "clean_html",
    "clean_text",
    "default_registry",
]
