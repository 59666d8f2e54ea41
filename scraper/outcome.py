"""What a crawl achieved, read from its stats: the closing summary, the progress line, the exit status.

Only the crawl's own counters are used: those the pipelines keep (`newsclean/<event>`), the skip-stored
middleware's, the spiders' (`newsclean/spider/<event>`) and Scrapy's core downloader and robots.txt
stats; no display component counts anything, so removing the progress line changes no outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: (label, stats key) of the closing summary, in order.
SUMMARY_COUNTERS: tuple[tuple[str, str], ...] = (
    ("stored", "newsclean/stored"),
    ("updated", "newsclean/updated"),
    ("skipped as already stored", "newsclean/skipped_stored"),
    ("not articles", "newsclean/not_article"),
    ("duplicates", "newsclean/duplicate"),
    ("cleaning errors", "newsclean/clean_error"),
)
#: Of the cleaning errors, those over a limit (the time limit, the memory limit).
OVER_LIMIT = ("newsclean/clean_timeout", "newsclean/clean_over_memory")
#: Articles fetched but not stored because the crawl was stopped before they were cleaned.
INTERRUPTED = "newsclean/clean_interrupted"
#: Articles that reached the pipelines, or were found already stored: the crawl did crawl something.
ARTICLE_EVENTS = ("stored", "updated", "not_article", "duplicate", "clean_error", "skipped_stored")
#: Pages the spiders refused before any pipeline saw them: text that is not HTML is not an article; a binary
#: body (an image or PDF where a page should be) is a fetch error (spiders/content.py).
SPIDER_NOT_ARTICLES = ("newsclean/spider/not_html",)
SPIDER_FETCH_ERRORS = ("newsclean/spider/binary_body",)
_STATUS = "downloader/response_status_count/"
_ROBOTS_STATUS = "robotstxt/response_status_count/"
_IGNORED = "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest"


def summary(stats: Mapping[str, Any]) -> dict[str, int]:
    """The outcome counters of a crawl by label (SUMMARY_COUNTERS order), then fetch errors and requests."""
    counts = {label: _int(stats, key) for label, key in SUMMARY_COUNTERS}
    counts["not articles"] += sum(_int(stats, key) for key in SPIDER_NOT_ARTICLES)
    counts["over a cleaning limit"] = sum(_int(stats, key) for key in OVER_LIMIT)
    counts["left for the next run"] = _int(stats, INTERRUPTED)
    counts["fetch errors"] = fetch_errors(stats)
    counts["requests"] = _int(stats, "downloader/request_count")
    return counts


BODY_PREFIX = "newsclean/body/"
REJECTED_PREFIX = "newsclean/container_rejected/"


def body_sources(stats: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """(bodies by kind of source: outlet, profile, generic, whole-page, jsonld; rejected containers by
    outlet). A rule file whose containers keep being rejected has met a new template of its site."""
    kinds: dict[str, int] = {}
    rejected: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith(BODY_PREFIX):
            kind = key[len(BODY_PREFIX) :].partition(":")[0]
            kinds[kind] = kinds.get(kind, 0) + int(value)
        elif key.startswith(REJECTED_PREFIX):
            rejected[key[len(REJECTED_PREFIX) :]] = int(value)
    return dict(_by_count(kinds)), dict(_by_count(rejected))


def body_source_lines(kinds: Mapping[str, int], rejected: Mapping[str, int]) -> list[str]:
    """The summary lines of `body_sources` (crawl and reclean print the same), most frequent first."""
    lines = []
    if kinds:
        lines.append("bodies: " + ", ".join(f"{kind} {n}" for kind, n in _by_count(kinds)))
    lines.extend(
        f"containers rejected: {outlet} on {n} articles (a new template? check its rule file)"
        for outlet, n in _by_count(rejected)
    )
    return lines


def _by_count(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: -kv[1])


def fetch_errors(stats: Mapping[str, Any]) -> int:
    """Requests that finally failed: an error status (4xx/5xx) or a download exception, after retries.

    Every retry used up exactly one failed attempt, and robots.txt is not a page; skips (IgnoreRequest)
    are not failures.
    """
    failed_responses = _by_status(stats, _STATUS, 400) - _by_status(stats, _ROBOTS_STATUS, 400)
    exceptions = _int(stats, "downloader/exception_count") - _int(stats, _IGNORED)
    refused = sum(_int(stats, key) for key in SPIDER_FETCH_ERRORS)
    return max(0, failed_responses + exceptions - _int(stats, "retry/count")) + refused


def pages_fetched(stats: Mapping[str, Any]) -> int:
    """Responses below 400 for anything but robots.txt: the site answered."""
    return max(0, _by_status(stats, _STATUS, 0, 400) - _by_status(stats, _ROBOTS_STATUS, 0, 400))


def crawl_ran(stats: Mapping[str, Any]) -> bool:
    """Something was crawled: an article was handled (or found already stored), or a page answered.

    A crawl that finds nothing new (every article stored, or none in its date window) ran; one that could
    fetch nothing at all (the site down, every target failing) did not.
    """
    return any(_int(stats, f"newsclean/{event}") for event in ARTICLE_EVENTS) or pages_fetched(stats) > 0


def _by_status(stats: Mapping[str, Any], prefix: str, low: int, high: int = 1000) -> int:
    total = 0
    for key, value in stats.items():
        if key.startswith(prefix) and key[len(prefix) :].isdigit() and low <= int(key[len(prefix) :]) < high:
            total += int(value)
    return total


def _int(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(key, 0) or 0)
