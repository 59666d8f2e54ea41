"""Main-content extraction: trafilatura on our already-pruned tree, structure kept."""

from __future__ import annotations

import logging

import trafilatura
from lxml import etree

from .options import CleanOptions

logger = logging.getLogger(__name__)


def extract_body(
    tree: etree._Element, url: str | None, options: CleanOptions, *, isolated: bool = False
) -> etree._Element | None:
    """The extracted body as trafilatura's XML element (`p`, `head`, `list`, `quote`, `table`, `ref`…).

    Links are kept so the fragment stage can tell a "label: link" promo from prose; formatting is not needed.
    Deduplication is off: trafilatura's cache is process-wide and would make results depend on batch order.
    Trafilatura's fallback extractors run when `options.fallback` is set, or when no rule found the article
    container (`isolated` is False): on an unknown layout they recover paragraphs fast mode misses.
    """
    document = trafilatura.bare_extraction(
        tree,
        # no URL: trafilatura would resolve every link against it (about 1 ms a page) and we never read
        # link targets, only which text sits in links
        url=None,
        fast=isolated and not options.fallback,
        favor_precision=options.favor_precision,
        include_comments=False,
        include_tables=options.include_tables,
        include_formatting=False,
        include_links=True,
        deduplicate=False,
        with_metadata=False,
    )
    if document is None:
        return None
    return document.body
