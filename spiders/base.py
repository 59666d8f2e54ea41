"""What every news spider shares: its arguments, its limits (typed settings), its stats and its site.

Spider-side stats are counted under `newsclean/spider/<event>` (`newsclean/spider/not_article_page`,
`newsclean/spider/fetch_errors/http_404`...), so they never collide with the pipeline's `newsclean/<event>`
counters of stored rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request

from .dates import DateWindow
from .outlets import get_outlet, outlet_for_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from cleaners.crawl_profile import CrawlProfile
    from cleaners.rules import SiteRules

#: Discovery sources a spider may use ("auto" is the site cascade: sitemaps, else feeds, else links).
SOURCES = ("sitemaps", "feeds", "links")
#: Prefix of every counter a spider keeps.
STATS_PREFIX = "newsclean/spider/"


@dataclass(frozen=True)
class Limits:
    """Size and count limits of a crawl, from typed settings (defaults as in scraper/settings.py)."""

    #: Bytes a sitemap or feed may have, downloaded or decompressed (the sitemap protocol allows 50 MB).
    listing_maxsize: int = 50 * 1024 * 1024
    #: Pages stitched into one article at most; a longer pagination is cut with a notice.
    article_max_pages: int = 20
    #: Log a progress line every this many entries of one sitemap or feed.
    listing_progress_every: int = 10_000

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Limits:
        return cls(
            listing_maxsize=settings.getint("NEWSCLEAN_LISTING_MAXSIZE", cls.listing_maxsize),
            article_max_pages=max(1, settings.getint("NEWSCLEAN_ARTICLE_MAX_PAGES", cls.article_max_pages)),
            listing_progress_every=max(
                1, settings.getint("NEWSCLEAN_LISTING_PROGRESS_EVERY", cls.listing_progress_every)
            ),
        )


def split_arg(value: str | Iterable[str] | None) -> list[str]:
    """A comma-separated spider argument (or a list of values) as a list of non-empty items."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def count_arg(value: Any, name: str, default: int | None) -> int | None:
    """A whole-number spider argument (not negative); `default` when not given."""
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return number


def site_domain(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


class SpiderBase(scrapy.Spider):
    """Arguments, limits, bookkeeping and `start()`; the jobs live in the mixins of spiders/news.py."""

    #: Which discovery sources this spider uses by default; "auto" is the site cascade.
    default_sources: tuple[str, ...] = ()

    def __init__(
        self,
        url: str | list[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        max_articles: int | str | None = None,
        max_depth: int | str | None = None,
        max_pages: int | str | None = None,
        outlet: str | None = None,
        profile: str | None = None,
        sources: str | list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.targets = split_arg(url)
        self.window = DateWindow.from_args(since, until)
        self.max_articles = count_arg(max_articles, "max_articles", None) or None
        self.max_depth = count_arg(max_depth, "max_depth", 2)
        self.max_pages = count_arg(max_pages, "max_pages", 500)
        chosen = profile or outlet
        #: The outlet's file (cleaners/rules/NAME.toml or the user's own): named, else the first target's.
        self.site: SiteRules | None = get_outlet(chosen) if chosen else None
        if self.site is None and self.targets:
            self.site = outlet_for_url(self.targets[0])
        #: The outlet's [crawl] table: its sources and article URL patterns.
        self.profile: CrawlProfile | None = self.site.crawl if self.site else None
        self.outlet = outlet or (self.site.name if self.site else None)
        self.sources = self._parse_sources(sources)
        domains = {d for d in map(site_domain, self.targets) if d}
        if self.site:
            domains.update(self.site.domains)
        self.allowed_domains = sorted(domains)
        self.limits = Limits()
        #: Article and listing URLs requested (the spider's own duplicate check, before the scheduler's).
        self._scheduled: set[str] = set()
        #: Discovery URLs (sitemaps, feeds, robots.txt, homepages) requested, once each.
        self._discovered: set[str] = set()
        self._articles = 0
        self._link_requests = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.limits = Limits.from_settings(crawler.settings)
        return spider

    def _parse_sources(self, sources: str | list[str] | None) -> tuple[str, ...]:
        chosen = tuple(split_arg(sources)) or self.default_sources
        unknown = [s for s in chosen if s not in (*SOURCES, "auto")]
        if unknown:
            raise ValueError(f"sources: unknown {unknown}; use 'auto' or some of {', '.join(SOURCES)}")
        return chosen

    # --- bookkeeping ----------------------------------------------------------------------------------------

    def _inc(self, event: str, count: int = 1) -> None:
        """Count a spider-side event as `newsclean/spider/<event>`."""
        crawler = getattr(self, "crawler", None)  # absent when the spider is built outside a crawl
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(STATS_PREFIX + event, count)

    def _on_site(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def _full(self) -> bool:
        return self.max_articles is not None and self._articles >= self.max_articles

    @property
    def _patterns(self) -> tuple[Any, ...]:
        return self.profile.article_patterns if self.profile else ()

    @property
    def _excludes(self) -> tuple[Any, ...]:
        return self.profile.exclude_patterns if self.profile else ()

    # --- start ----------------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_list():
            yield request

    def start_requests_list(self) -> list[Request]:
        """The first requests of the crawl (built eagerly, so bad arguments fail before any download)."""
        raise NotImplementedError
