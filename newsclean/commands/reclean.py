"""Re-run cleaning over the raw HTML kept in a crawl database, offline, and update the rows.

Use it after a rules change (or for rows stored with CLEANER_ENABLED=False): no page is downloaded again.
Prints how many rows changed and how statuses moved.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from newsclean.options import STORED_STATUSES, non_negative_int

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, help="article database (default: output/newsclean.sqlite)")
    parser.add_argument(
        "--workers", type=non_negative_int, default=0, help="cleaning processes (default: one per CPU)"
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        choices=STORED_STATUSES,
        metavar="STATUS",
        help=f"only rows with this cleaning status ({', '.join(STORED_STATUSES)}); repeatable; default: all",
    )
    parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")


def run(args: argparse.Namespace) -> int:
    from cleaners import CleanOptions
    from scraper.storage import DEFAULT_DB, RESULT_FIELDS, ArticleStore, StorageError

    db_path = Path(args.db or DEFAULT_DB)
    try:
        store = ArticleStore.open_existing(db_path)
    except StorageError as exc:
        print(f"newsclean reclean: {exc}", file=sys.stderr)
        return EXIT_FAILED

    options = CleanOptions.from_mapping(_project_settings().getdict("CLEANER_OPTIONS"))
    changed, text_changed, total, crashed = 0, 0, 0, 0
    moves: Counter[tuple[str, str]] = Counter()
    with store:
        urls = store.urls(args.status)
        for url, result in _clean_all(store, urls, options, args.workers or os.cpu_count() or 1):
            total += 1
            old = store.record(url)
            if result is None or old is None:
                crashed += result is None
                continue
            result["outlet"] = result.get("outlet") or old.get("outlet")
            differs = [name for name in RESULT_FIELDS if _normal(old.get(name)) != _normal(result.get(name))]
            if not differs:
                continue
            changed += 1
            text_changed += "text" in differs
            moves[(old["status"], result["status"])] += 1
            if not args.dry_run:
                store.update_result(url, result)
    if not args.quiet:
        verb = "would change" if args.dry_run else "changed"
        print(f"recleaned {total} articles in {db_path}: {verb} {changed} ({text_changed} with a new body)")
        for (before, after), count in sorted(moves.items()):
            if before != after:
                print(f"  {before} -> {after}: {count}")
    if crashed:
        print(
            f"newsclean reclean: cleaning crashed for {crashed} articles (rows left as they were)",
            file=sys.stderr,
        )
    return EXIT_FAILED if crashed and crashed == total else EXIT_OK


def _clean_all(
    store: Any, urls: list[str], options: Any, workers: int
) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """Yield (url, result) in order, keeping only a few articles' raw pages in memory at once.

    The result is None when cleaning crashed (a dead worker); clean_pages itself never raises.
    """
    from scraper.cleaning import clean_pages

    if workers == 1:
        for url in urls:
            raw = store.raw_pages(url)
            yield url, clean_pages(raw.bodies, raw.pages, raw.encodings, options)
        return
    pending: dict[Future[dict[str, Any]], str] = {}
    queue = iter(urls)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while True:
            while len(pending) < workers * 4:
                url = next(queue, None)
                if url is None:
                    break
                raw = store.raw_pages(url)
                pending[pool.submit(clean_pages, raw.bodies, raw.pages, raw.encodings, options)] = url
            if not pending:
                return
            future = next(iter(pending))
            url = pending.pop(future)
            try:
                yield url, future.result()
            except Exception as exc:
                logger.error("cleaning crashed for %s: %s: %s", url, type(exc).__name__, exc)
                yield url, None


def _project_settings() -> Any:
    """The crawl's settings, so reclean cleans with the same CLEANER_OPTIONS as the pipeline."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scraper.settings")
    from scrapy.utils.project import get_project_settings

    return get_project_settings()


def _normal(value: Any) -> Any:
    """Compare stored and fresh values alike (None and empty lists/strings are the same absence)."""
    return value if value not in (None, "", []) else None
