"""Drop a second copy of an article: the same URL in this run, or the same canonical URL and title.

A canonical URL counts only when it is on the page's own site (registrable domain, scraper/sites.py): an
article's identity is the URL it was fetched at, and a copy on another site pointing its canonical at the
genuine article is a different row, not a duplicate of it. A duplicate is dropped with a reason, and the
URLs it came from are remembered as aliases of the stored article, so that the next run does not request
them again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from scraper.items import RawArticle
from scraper.sites import same_site
from scraper.storage import crawler_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class DedupPipeline:
    """RawArticle in, the same RawArticle out, or DropItem for a duplicate (`newsclean/duplicate`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self._seen_urls: set[str] = set()
        #: canonical URL -> (URL, title) of the first article seen with it in this run.
        self._seen_canonical: dict[str, tuple[str, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = crawler_store(self.crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawArticle):
            return item
        if item.url in self._seen_urls:
            self._duplicate(item, item.url, "its URL was already stored in this run")
        self._seen_urls.add(item.url)
        owner = self._canonical_owner(item.url, item.result or {})
        if owner is not None:
            self._duplicate(item, owner, f"same canonical URL and title as {owner}")
        return item

    def _canonical_owner(self, url: str, result: dict[str, Any]) -> str | None:
        """The other article this one duplicates: same canonical URL (this run or stored) and same title.

        The title must match too: some sites point every page's canonical at the homepage.
        """
        canonical, title = result.get("canonical_url"), result.get("title")
        if not canonical or not title or not same_site(url, canonical):
            return None
        owner = self._seen_canonical.get(canonical)
        if owner is None:
            found = self.store.find(canonical)
            if found is not None and found[0] != url:
                stored = self.store.record(found[0])
                owner = (found[0], stored["title"] if stored else None)
        if owner is not None and owner[0] != url and owner[1] == title:
            return owner[0]
        self._seen_canonical.setdefault(canonical, (url, title))
        return None

    def _duplicate(self, item: RawArticle, stored_url: str, reason: str) -> None:
        """Drop a second copy, remembering the URL it came from so the next run does not fetch it."""
        self.store.add_aliases(stored_url, [item.requested_url, item.url])
        self.stats.inc_value("newsclean/duplicate")
        raise DropItem(f"duplicate article {item.url}: {reason}", log_level="INFO")
