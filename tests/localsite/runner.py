"""Run one spider crawl in this process and write what it yielded and its stats as JSON (for tests).

    python -m tests.localsite.runner OUT_DIR SPIDER [-a NAME=VALUE ...] [-s NAME=VALUE ...]

Run from the repository root, one crawl per process (Twisted reactors do not restart). Writes
OUT_DIR/items.jsonl (one line per RawArticle: url, pages, bodies, hints) and OUT_DIR/stats.json.
The project's item pipelines, article-database middleware and extensions are switched off: these crawls test
discovery (robots.txt is obeyed as in a real crawl).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

TEST_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_MAXSIZE": 1024 * 1024,
    "DOWNLOAD_TIMEOUT": 10,
    "ITEM_PIPELINES": {},
    # robots.txt as the crawl obeys it, without the article database
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "scraper.robots.RobotsPolicyMiddleware": 100,
    },
    "EXTENSIONS": {},
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": False,
}


def _pairs(values: list[str]) -> dict[str, str]:
    return dict(v.split("=", 1) for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("spider")
    parser.add_argument("-a", dest="args", action="append", default=[])
    parser.add_argument("-s", dest="settings", action="append", default=[])
    ns = parser.parse_args(argv)
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    settings.update(TEST_SETTINGS, priority="cmdline")
    settings.update(_pairs(ns.settings), priority="cmdline")
    ns.out.mkdir(parents=True, exist_ok=True)
    items_file = (ns.out / "items.jsonl").open("w", encoding="utf-8")

    def scraped(item: Any) -> None:
        record = {
            "url": item.url,
            "pages": item.pages,
            "requested_url": item.requested_url,
            "source": item.source,
            "outlet": item.outlet,
            "published_hint": item.published_hint,
            "title_hint": item.title_hint,
            "fetched_at": item.fetched_at,
            "encodings": item.encodings,
            "body_sizes": [len(b) for b in item.bodies],
            "body_sha1": [hashlib.sha1(b).hexdigest() for b in item.bodies],
            "bodies": [b.decode("utf-8", "replace") for b in item.bodies],
        }
        items_file.write(json.dumps(record, ensure_ascii=False) + "\n")
        items_file.flush()

    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(ns.spider)
    crawler.signals.connect(scraped, signal=signals.item_scraped)
    process.crawl(crawler, **_pairs(ns.args))
    process.start()
    items_file.close()
    stats = json.dumps(crawler.stats.get_stats(), indent=1, sort_keys=True, default=str)
    (ns.out / "stats.json").write_text(stats, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
