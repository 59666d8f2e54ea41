"""The site-root cascade: robots.txt sitemaps; if they list nothing, the homepage's feeds; if none, its links.

A stage is over when every discovery request it started has finished (successfully or not); the next stage
starts only when the finished one found no entries at all, so a site with sitemaps is never link-crawled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy.http import Request

from scraper import meta

if TYPE_CHECKING:
    from .news import NewsSpider

logger = logging.getLogger(__name__)


@dataclass
class Cascade:
    """Progress of one site root: its stage, discovery requests still pending, entries found so far."""

    root: str
    stage: str = "sitemaps"
    pending: int = 0
    entries: int = 0


class CascadeMixin:
    """Starts a cascade per site root and moves it on as its discovery requests finish."""

    _cascades: dict[str, Cascade]

    def _start_cascade(self: NewsSpider, root: str) -> Request | None:
        self._cascades[root] = Cascade(root)
        return self._discovery(urljoin(root, "/robots.txt"), self.parse_robots, cascade=root)

    def _done(self: NewsSpider, request_meta: dict[str, Any], entries: int = 0) -> Iterator[Request]:
        """One discovery request of a cascade finished; move to the next stage when a stage found nothing."""
        cascade = self._cascades.get(request_meta.get(meta.CASCADE) or "")
        if cascade is None:
            return
        cascade.pending -= 1
        cascade.entries += entries
        if cascade.pending > 0 or cascade.entries > 0:
            return
        if cascade.stage == "sitemaps":
            cascade.stage = "feeds"
            logger.info("No sitemap entries for %s: looking for feeds on its homepage", cascade.root)
            request = self._discovery(
                urljoin(cascade.root, "/"), self.parse_homepage, cascade=cascade.root, **{meta.DEPTH: 0}
            )
            if request is not None:
                yield request
        elif cascade.stage == "feeds":
            cascade.stage = "links"
            logger.info("No feed entries for %s: following its links", cascade.root)
            yield self._start_links(cascade.root, dont_filter=True)
