"""The item pipelines of a crawl, in order: clean, dedup, store (ITEM_PIPELINES in scraper/settings.py).

A `RawArticle` from a spider goes through all three: `CleanPipeline` attaches the cleaning result (it is
off with CLEANER_ENABLED=False, and the article is stored raw), `DedupPipeline` drops a second copy of an
article, `StorePipeline` writes it to the article database and returns the export record (a plain dict,
for feeds). Dedup comes after cleaning because a duplicate is recognised by the canonical URL and title
that cleaning reads. Other items pass through untouched.
"""

from __future__ import annotations

from .clean import CleanPipeline
from .dedup import DedupPipeline
from .store import StorePipeline

__all__ = ["CleanPipeline", "DedupPipeline", "StorePipeline"]
