"""An outlet's crawl profile: the `[crawl]` table of its file in `cleaners/rules/`, parsed and validated.

It lives beside the cleaning rules because an outlet is one file and one registry entry, matched by one
domain function (`RuleRegistry.for_url`) for cleaning and crawling alike; it is plain data, so the registry
loads it without Scrapy and the cleaning stage stays free of crawl code. The spiders read it.

    [crawl]
    sitemaps = ["https://..."]          # sitemap or sitemap index URLs
    feeds = ["https://..."]             # RSS/Atom feed URLs
    index_pages = ["https://..."]       # listing pages the link crawl starts from (depth-limited)
    article_patterns = ['^/read/\\d+'] # regexes on path+query; articles match one (default: generic shapes)
    exclude_patterns = ['^/tag/']       # regexes on path+query, never requested

Every URL is http(s) and on the outlet's `domains`; at least one source is given. Errors are `ValueError`s
without the file name: `cleaners/rules.py` adds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

_URL_KEYS = ("sitemaps", "feeds", "index_pages")
_PATTERN_KEYS = ("article_patterns", "exclude_patterns")
CRAWL_KEYS = (*_URL_KEYS, *_PATTERN_KEYS)


@dataclass(frozen=True, slots=True)
class CrawlProfile:
    """Where an outlet announces its articles and what its article URLs look like."""

    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    index_pages: tuple[str, ...] = ()
    article_patterns: tuple[re.Pattern[str], ...] = ()
    exclude_patterns: tuple[re.Pattern[str], ...] = ()


def on_domains(host: str | None, domains: Iterable[str]) -> bool:
    """`host` is one of `domains` or a subdomain of one."""
    host = (host or "").lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def parse_crawl(table: object, domains: tuple[str, ...]) -> CrawlProfile:
    """Validate the `[crawl]` table of an outlet on `domains`; ValueError saying what is wrong."""
    if not isinstance(table, dict):
        raise ValueError("[crawl] must be a table")
    unknown = set(table) - set(CRAWL_KEYS)
    if unknown:
        raise ValueError(f"[crawl] has unknown keys {sorted(unknown)} (allowed: {sorted(CRAWL_KEYS)})")
    if not domains:
        raise ValueError("[crawl] needs the outlet's 'domains': the crawl stays on them")
    urls = {key: _urls(table, key, domains) for key in _URL_KEYS}
    if not any(urls.values()):
        raise ValueError(f"[crawl] needs at least one of {', '.join(repr(k) for k in _URL_KEYS)}")
    return CrawlProfile(**urls, **{key: _patterns(table, key) for key in _PATTERN_KEYS})


def _str_list(table: dict, key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"[crawl] '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _urls(table: dict, key: str, domains: tuple[str, ...]) -> tuple[str, ...]:
    urls = _str_list(table, key)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"[crawl] '{key}' has {url!r}, not an http(s) URL")
        if not on_domains(parts.hostname, domains):
            raise ValueError(f"[crawl] '{key}' has {url!r}, outside the outlet's domains {list(domains)}")
    return urls


def _patterns(table: dict, key: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for text in _str_list(table, key):
        try:
            compiled.append(re.compile(text))
        except re.error as exc:
            raise ValueError(f"[crawl] '{key}' has a bad regex {text!r}: {exc}") from None
    return tuple(compiled)
