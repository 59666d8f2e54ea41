"""Crawl news sites into the article database: new articles since the last run, cleaned, stored once.

TARGET is a site root (sitemaps via robots.txt, then feeds, then links), a sitemap URL, a feed URL, an
outlet name (e.g. `kompas`: the [crawl] table of cleaners/rules/kompas.toml) or an outlet file of your own
(PATH.toml); `spider:NAME` runs a project spider by name (arguments with -a).
Articles already in the database are not requested again, so the same command can run from cron, and a run
that was killed is finished by running it again. The first SIGINT/SIGTERM stops the crawl gracefully within
NEWSCLEAN_SHUTDOWN_TIMEOUT seconds (summary printed, exit status 128 + the signal), a second one at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
#: Logger of the crawl's periodic progress lines (scraper/extensions.py), shown unless -q.
PROGRESS_LOGGER = "scraper.extensions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets",
        nargs="+",
        metavar="TARGET",
        help="site root, sitemap URL, feed URL, outlet name or outlet file (.toml)",
    )
    parser.add_argument("--db", help="article database (default: NEWSCLEAN_DB, output/newsclean.sqlite)")
    parser.add_argument(
        "--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)"
    )
    parser.add_argument("--until", metavar="DATE", help="only articles published on or before DATE")
    parser.add_argument("--max-articles", type=int, metavar="N", help="stop each target after N articles")
    parser.add_argument("--max-depth", type=int, metavar="N", help="link depth of a recursive site crawl")
    parser.add_argument("--max-pages", type=int, metavar="N", help="pages a recursive site crawl may visit")
    parser.add_argument(
        "--refetch-after",
        type=float,
        metavar="DAYS",
        help="request stored articles again when they were fetched more than DAYS ago",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="also write the records as a Scrapy feed (format from extension)",
    )
    parser.add_argument(
        "-a",
        dest="spider_args",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="spider argument, as `scrapy crawl -a` (repeatable)",
    )
    parser.add_argument(
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy or newsclean setting, as `scrapy crawl -s` does (repeatable); "
        "any -s LOG_* (e.g. LOG_LEVEL=DEBUG) hands logging to Scrapy",
    )


def run(args: argparse.Namespace) -> int:
    try:
        spider_kwargs = _spider_kwargs(args)
        overrides = _setting_overrides(args)
    except ValueError as exc:
        print(f"newsclean crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE

    jobs: list[tuple[str, str, dict[str, Any]]] = []
    for target in args.targets:
        try:
            name, kwargs = _resolve(target)
        except (ValueError, LookupError) as exc:
            message = str(exc) if str(exc).startswith(target) else f"{target}: {exc}"  # it may name the file
            print(f"newsclean crawl: {message}", file=sys.stderr)
            continue
        jobs.append((target, name, {**kwargs, **spider_kwargs}))
    if not jobs:
        return EXIT_USAGE
    return _crawl(jobs, overrides, args)


def _resolve(target: str) -> tuple[str, dict[str, Any]]:
    """Spider name and arguments for a target; `spider:NAME` bypasses target detection."""
    if target.startswith("spider:"):
        return target.removeprefix("spider:"), {}
    from spiders.targets import resolve

    return resolve(target)


def _spider_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    kwargs: dict[str, Any] = dict(_pairs(args.spider_args, "-a"))
    for name in ("since", "until"):
        value = getattr(args, name)
        if value is not None:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"--{name} {value!r} is not a date (YYYY-MM-DD)") from None
            kwargs[name] = value
    for name in ("max_articles", "max_depth", "max_pages"):
        value = getattr(args, name)
        if value is not None:
            if value < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
            kwargs[name] = value
    return kwargs


def _setting_overrides(args: argparse.Namespace) -> dict[str, str | float]:
    overrides: dict[str, str | float] = dict(_pairs(args.settings, "-s"))
    if args.db:
        overrides["NEWSCLEAN_DB"] = args.db
    if args.refetch_after is not None:
        if args.refetch_after < 0:
            raise ValueError("--refetch-after must not be negative")
        overrides["NEWSCLEAN_REFETCH_AFTER_DAYS"] = args.refetch_after
    return overrides


def _site_key(target: str, kwargs: dict[str, Any]) -> str:
    """Targets on one site share a key: they run one after the other, so the per-domain limits hold and an
    article listed by both (sitemap and feed) is fetched once; different sites run in parallel."""
    url = str(kwargs.get("url") or "").split(",")[0]
    host = urlsplit(url).hostname if url else None
    return host or str(kwargs.get("outlet") or kwargs.get("profile") or target)


def _run_in_turn(process: Any, group: list[tuple[Any, dict[str, Any]]], shutdown: Any) -> None:
    """Start the first crawl of `group` now and each next one when the previous ends (unless stopping)."""
    if not group or shutdown.requested:
        return
    (crawler, kwargs), rest = group[0], group[1:]
    logger.info("crawling with spider %s %s", crawler.spidercls.name, kwargs)
    running = process.crawl(crawler, **kwargs)
    if hasattr(running, "add_done_callback"):  # asyncio.Task (AsyncCrawlerProcess)
        running.add_done_callback(lambda _task: _run_in_turn(process, rest, shutdown))
    else:  # Deferred (CrawlerProcess on another reactor)
        running.addBoth(lambda result: (_run_in_turn(process, rest, shutdown), result)[1])


def _pairs(pairs: list[str], option: str) -> Iterator[tuple[str, str]]:
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{option} expects NAME=VALUE, got {pair!r}")
        yield name.strip(), value


class _CliLevel(logging.Filter):
    """Records at the CLI's level or above, plus the crawl's periodic progress lines (INFO) unless -q."""

    def __init__(self, level: int, quiet: bool) -> None:
        super().__init__()
        self.level, self.quiet = level, quiet

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level or (not self.quiet and record.name == PROGRESS_LOGGER)


def _route_logging(settings: Any, overrides: dict[str, Any], quiet: bool) -> None:
    """Who logs: with any `-s LOG_*` (LOG_LEVEL, LOG_FILE, LOG_FORMAT...) Scrapy's own logging, configured by
    those settings as `scrapy crawl -s` would; otherwise the CLI's (-v/-q), which keeps the progress line
    readable. Scrapy sets its loggers to DEBUG, so the CLI's handlers filter to the CLI's level."""
    root = logging.getLogger()
    if any(name.startswith("LOG_") for name in overrides):
        for handler in list(root.handlers):
            root.removeHandler(handler)
        return
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    logging.getLogger(PROGRESS_LOGGER).setLevel(logging.INFO)
    for handler in root.handlers:
        handler.addFilter(_CliLevel(max(handler.level, root.level), quiet))


def _crawl(
    jobs: list[tuple[str, str, dict[str, Any]]], overrides: dict[str, Any], args: argparse.Namespace
) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scraper.settings")
    from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess
    from scrapy.utils.conf import feed_process_params_from_cli
    from scrapy.utils.project import get_project_settings

    from newsclean.pool import close_all
    from newsclean.shutdown import GracefulShutdown
    from scraper.outcome import body_source_lines, body_sources, crawl_ran, summary
    from scraper.storage import DEFAULT_DB, ArticleStore, StorageError

    settings = get_project_settings()
    settings.setdict(overrides, priority="cmdline")
    if args.output:
        settings.set("FEEDS", feed_process_params_from_cli(settings, [args.output]), priority="cmdline")
    db_path = settings.get("NEWSCLEAN_DB") or DEFAULT_DB
    try:
        ArticleStore(db_path).close()  # fail early, before any request, on an unusable database
    except StorageError as exc:
        print(f"newsclean crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE

    asyncio_reactor = settings.get("TWISTED_REACTOR", "").endswith("AsyncioSelectorReactor")
    process_cls = AsyncCrawlerProcess if asyncio_reactor else CrawlerProcess
    _route_logging(settings, overrides, args.quiet)
    process = process_cls(settings)
    crawlers = []
    groups: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    started = time.monotonic()
    for target, name, kwargs in jobs:
        try:
            crawler = process.create_crawler(name)
        except KeyError:
            print(f"newsclean crawl: {target}: no spider named {name!r}", file=sys.stderr)
            continue
        groups.setdefault(_site_key(target, kwargs), []).append((crawler, kwargs))
        crawlers.append((target, crawler))
    if not crawlers:
        return EXIT_USAGE
    shutdown = GracefulShutdown(process, settings.getfloat("NEWSCLEAN_SHUTDOWN_TIMEOUT", 20.0))
    for group in groups.values():
        _run_in_turn(process, group, shutdown)
    shutdown.install()  # instead of Scrapy's handlers: bounded, and no queued target starts once stopping
    try:
        process.start(install_signal_handlers=False)
    finally:
        close_all()  # after a forced stop the pipelines never closed their cleaning pool
    elapsed = time.monotonic() - started

    totals: dict[str, int] = {}
    bodies: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    ran = False
    for _target, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        ran = ran or crawl_ran(stats)
        for label, count in summary(stats).items():
            totals[label] = totals.get(label, 0) + count
        kinds, refused = body_sources(stats)
        bodies.update(kinds)
        rejected.update(refused)
    with ArticleStore(db_path) as store:
        stored_total = len(store)
    if not args.quiet or shutdown.requested:
        how = "finished in"
        if shutdown.requested:
            how = f"stopped {'at once ' if shutdown.forced else ''}by {shutdown.signal_name} after"
        print(f"crawl of {', '.join(t for t, _ in crawlers)} {how} {elapsed:.2f} s")
        width = max(len(label) for label in totals)
        for label, count in totals.items():
            if count or label not in ("over a cleaning limit", "left for the next run"):
                print(f"  {label:<{width}}  {count:>7}")
        for line in body_source_lines(bodies, rejected):
            print(f"  {line}")
        print(f"  database: {db_path} ({stored_total} articles)")
    if shutdown.requested:
        return 128 + (shutdown.signum or 0)
    if not ran:
        print("newsclean crawl: nothing could be crawled (no page was fetched)", file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_OK
