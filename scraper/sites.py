"""Which site a URL belongs to: its registrable domain ("eTLD+1") from the Public Suffix List.

One notion of "site" serves two jobs: the download slot (one concurrency limit and delay per site, so
nasional.kompas.com and money.kompas.com share kompas.com's limit) and article identity (a canonical URL
counts only when it is on the page's own site). tldextract is already a Scrapy dependency; it is used here
with its bundled snapshot of the list and never fetches it, so a crawl needs no network for this and every run
gives the same answer. Private suffixes count (foo.blogspot.com and bar.blogspot.com are two sites).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=65536)
def site_of_host(host: str) -> str:
    """The registrable domain of a host; the host itself for an IP address, localhost or an unknown suffix."""
    host = host.strip().lower().rstrip(".")
    if not host:
        return ""
    parts = _EXTRACT(host)
    if not parts.suffix or not parts.domain:
        return host
    return f"{parts.domain}.{parts.suffix}"


def site_of(url: str) -> str:
    """The site of a URL ("" when it has no host)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed URL (bad IPv6 literal, bad port) belongs to no site
        return ""
    return site_of_host(host or "")


def same_site(url: str, other: str) -> bool:
    """Both URLs are on one site (and have one)."""
    site = site_of(url)
    return bool(site) and site == site_of(other)
