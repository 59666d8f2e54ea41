"""Store each article in the article database and hand its export record on (to feeds).

Every article reaching this stage is stored, even when cleaning failed (status `error`, raw HTML kept),
so nothing fetched is lost. Each article is its own transaction (see scraper/storage.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cleaners.result import outcome_counters
from scraper.items import RawArticle
from scraper.storage import EXPORT_FIELDS, STATUS_RAW, crawler_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Stats counter per outcome of a stored article: `newsclean/<event>`.
STAT_PREFIX = "newsclean/"


class StorePipeline:
    """RawArticle in, export record out: a plain dict in EXPORT_FIELDS order, no raw bytes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = crawler_store(self.crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawArticle):
            return item
        record = export_record(item)
        new = self.store.save(
            record,
            item.bodies,
            encodings=item.encodings,
            requested_url=item.requested_url,
            source=item.source,
            published_hint=item.published_hint,
            title_hint=item.title_hint,
        )
        self.count(record, new)
        return record

    def count(self, record: dict[str, Any], new: bool) -> None:
        """The per-record stats, all of them here: stored or updated, and the cleaning outcome."""
        self.stats.inc_value(STAT_PREFIX + ("stored" if new else "updated"))
        for key in outcome_counters(record):  # body/<source>, container_rejected/<outlet>
            self.stats.inc_value(STAT_PREFIX + key)
        status = record["status"]
        if status == "not_article":
            self.stats.inc_value(STAT_PREFIX + "not_article")
        elif status in ("error", "empty"):
            self.stats.inc_value(STAT_PREFIX + "clean_error")
            logger.warning("stored %s with cleaning status %s: %s", record["url"], status, record["error"])


def export_record(item: RawArticle) -> dict[str, Any]:
    """The record of an article: what it was fetched as, and its cleaning result (empty when raw)."""
    result = item.result or {"status": STATUS_RAW}
    record = {name: result.get(name) for name in EXPORT_FIELDS}
    record.update(url=item.url, fetched_at=item.fetched_at, pages=list(item.pages))
    record["outlet"] = record["outlet"] or item.outlet
    record["status"] = record["status"] or STATUS_RAW
    for name in ("authors", "tags", "removed"):
        record[name] = record[name] or []
    record["text"] = record["text"] or ""
    record["word_count"] = record["word_count"] or 0
    return record
