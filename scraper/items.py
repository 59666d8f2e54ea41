"""Items passed from spiders to pipelines. Spiders never clean: they hand over raw pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawArticle:
    """One article as fetched: every page of it, raw, in reading order.

    `url` is the fetched URL after redirects of the first page; a multi-page article has one RawArticle whose
    `pages`/`bodies` hold all its pages, so the extra pages are never stored as articles of their own.
    """

    url: str
    #: Raw response bodies (bytes) of every page, first page first (left out of the repr: Scrapy logs
    #: dropped items, and a page can be megabytes).
    bodies: list[bytes] = field(repr=False)
    #: URLs of every page after redirects, same order as `bodies`.
    pages: list[str]
    #: ISO 8601 UTC time the first page was fetched.
    fetched_at: str
    #: Charset from the HTTP Content-Type header of each page, when given.
    encodings: list[str | None] = field(default_factory=list)
    #: The URL as discovered (sitemap/feed/link) before redirects; used to skip it on the next run.
    requested_url: str | None = None
    #: How it was discovered: "sitemap", "feed", "links" or "start".
    source: str | None = None
    #: Outlet profile / rules name, when known.
    outlet: str | None = None
    #: Publication date and title announced by the sitemap or feed, when given (ISO 8601).
    published_hint: str | None = None
    title_hint: str | None = None
    #: Set by the clean pipeline: `CleanResult.to_dict()` of the merged pages, or a failure record
    #: (status `error`); None when cleaning is off, and the article is stored raw.
    result: dict[str, Any] | None = field(default=None, repr=False)
