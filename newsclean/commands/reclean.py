"""Re-run cleaning over the raw HTML kept in a crawl database, offline, and update the rows.

Use it after a rules change (or for rows stored with CLEANER_ENABLED=False): no page is downloaded again.
Prints how many rows changed and how statuses moved. Cleaning runs in the same bounded pool as the crawl
(time and memory limits per article); an article over a limit keeps its row as it was and is reported.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsclean.bounds import add_limit_arguments
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
    add_limit_arguments(parser, from_settings=True)


def run(args: argparse.Namespace) -> int:
    from cleaners import CleanOptions
    from cleaners.result import outcome_counters
    from newsclean.bounds import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, limits
    from newsclean.cli import Interrupted
    from scraper.outcome import body_source_lines, body_sources
    from scraper.storage import DEFAULT_DB, RESULT_FIELDS, ArticleStore, StorageError

    db_path = Path(args.db or DEFAULT_DB)
    try:
        store = ArticleStore.open_existing(db_path)
    except StorageError as exc:
        print(f"newsclean reclean: {exc}", file=sys.stderr)
        return EXIT_FAILED

    settings = _project_settings()
    options = CleanOptions.from_mapping(settings.getdict("CLEANER_OPTIONS"))
    timeout = (
        args.timeout if args.timeout is not None else settings.getfloat("CLEANER_TIMEOUT", DEFAULT_TIMEOUT)
    )
    memory = (
        args.memory_limit
        if args.memory_limit is not None
        else settings.getint("CLEANER_MEMORY_MB", DEFAULT_MEMORY_MB)
    )
    bounds = limits(  # the messages name where each limit was set
        timeout,
        memory,
        timeout_name="--timeout" if args.timeout is not None else "CLEANER_TIMEOUT",
        memory_name="--memory-limit" if args.memory_limit is not None else "CLEANER_MEMORY_MB",
    )
    changed, text_changed, total = 0, 0, 0
    failed: list[tuple[str, str]] = []
    moves: Counter[tuple[str, str]] = Counter()
    sources: Counter[str] = Counter()
    stopped: BaseException | None = None
    with store:
        urls = store.urls(args.status)
        try:
            for url, result in _clean_all(store, urls, options, args.workers or os.cpu_count() or 1, bounds):
                total += 1
                old = store.record(url)
                if isinstance(result, str) or old is None:
                    if isinstance(result, str):
                        failed.append((url, result))
                    continue
                result["outlet"] = result.get("outlet") or old.get("outlet")
                sources.update(outcome_counters(result))
                differs = [n for n in RESULT_FIELDS if _normal(old.get(n)) != _normal(result.get(n))]
                if not differs:
                    continue
                changed += 1
                text_changed += "text" in differs
                moves[(old["status"], result["status"])] += 1
                if not args.dry_run:
                    store.update_result(url, result)
        except (KeyboardInterrupt, Interrupted) as exc:  # every row written so far is committed
            stopped = exc
    if not args.quiet or stopped is not None:
        verb = "would change" if args.dry_run else "changed"
        print(f"recleaned {total} articles in {db_path}: {verb} {changed} ({text_changed} with a new body)")
        for (before, after), count in sorted(moves.items()):
            if before != after:
                print(f"  {before} -> {after}: {count}")
        for line in body_source_lines(*body_sources({f"newsclean/{k}": n for k, n in sources.items()})):
            print(f"  {line}")
    for url, reason in failed:
        print(f"newsclean reclean: {url}: {reason} (row left as it was)", file=sys.stderr)
    if failed:
        print(f"newsclean reclean: {len(failed)} articles could not be cleaned again", file=sys.stderr)
    if stopped is not None:
        print(f"newsclean reclean: interrupted, {len(urls) - total} articles not cleaned", file=sys.stderr)
        raise stopped
    return EXIT_FAILED if failed and len(failed) == total else EXIT_OK


def _clean_all(
    store: Any, urls: list[str], options: Any, workers: int, bounds: Any
) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """Yield (url, result) in order, keeping only a few articles' raw pages in memory at once.

    The result is the reason, a string, when the article could not be cleaned (over a limit, a worker
    that died on it twice).
    """
    from newsclean.batch import OrderedPool
    from scraper.cleaning import ArticleJob, clean_article

    def jobs() -> Iterator[ArticleJob]:
        for url in urls:
            raw = store.raw_pages(url)
            yield ArticleJob(url, raw.pages, raw.bodies, raw.encodings, options)

    pool: OrderedPool[ArticleJob, dict[str, Any] | str] = OrderedPool(
        clean_article,
        lambda job, message: message,
        workers=workers,
        limits=bounds,
        timeout_of=lambda job: job.time_limit(bounds.timeout),
    )
    yield from zip(urls, pool.map(jobs()), strict=False)


def _project_settings() -> Any:
    """The crawl's settings, so reclean cleans with the same CLEANER_OPTIONS as the pipeline."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scraper.settings")
    from scrapy.utils.project import get_project_settings

    return get_project_settings()


def _normal(value: Any) -> Any:
    """Compare stored and fresh values alike (None and empty lists/strings are the same absence)."""
    return value if value not in (None, "", []) else None
