"""The news spiders: discover article URLs (sitemaps, feeds, links), fetch articles, stitch multi-page ones.

Four thin spiders over one base class, each usable as `scrapy crawl NAME -a ...`:

- `sitemap`  -a url=SITEMAP[,SITEMAP...]   sitemap, sitemap index, .xml.gz, Google News sitemap, or robots.txt
- `feed`     -a url=FEED[,FEED...]         RSS 2.0 / Atom
- `site`     -a url=ROOT[,ROOT...]         robots.txt sitemaps, else feeds autodiscovered on the homepage,
                                           else links (`-a sources=sitemaps,feeds,links` uses the listed ones)
- `outlet`   -a outlet=NAME                the outlet's crawl profile (spiders/profiles/NAME.toml)

Common arguments: since, until (ISO dates; applied before article pages are requested whenever a sitemap, feed
or URL gives a date), max_articles, max_depth and max_pages (link crawl), outlet (profile name, or
profile=PATH.toml), sources. Spiders never clean: each article is one `RawArticle` with every page's raw body.

Article requests carry meta `newsclean_article=True` and `newsclean_url` (the URL as discovered), so stored
articles can be skipped before scheduling; next-page requests carry `newsclean_continuation=True`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from scraper.items import RawArticle

from .dates import DateWindow, iso, parse_date, url_date
from .detection import article_shaped, fetchable, is_article, page_signals
from .discovery import Entry, Listing, parse_feed, parse_sitemap
from .pagination import MAX_PAGES, is_continuation, next_page, with_query, without_query
from .profiles import Profile, get_profile, profile_for_url

logger = logging.getLogger(__name__)

SOURCES = ("sitemaps", "feeds", "links")
DISCOVERY_PRIORITY = 100
CONTINUATION_PRIORITY = 50
LISTING_PRIORITY = 10
_UNDATED_PRIORITY = -1_000_000
_MAX_SITEMAP_NESTING = 5
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)


def _split(value: str | Iterable[str] | None) -> list[str]:
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def _positive(value: Any, name: str, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return number


def _charset(response: Response) -> str | None:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None


def _site_domain(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


@dataclass
class _Cascade:
    """Progress of one site root through sitemaps, then feeds, then links (next stage only if none found)."""

    root: str
    stage: str = "sitemaps"
    pending: int = 0
    entries: int = 0


class NewsSpider(scrapy.Spider):
    """Shared discovery, article detection, date window, limits and multi-page stitching."""

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
        self.targets = _split(url)
        self.window = DateWindow.from_args(since, until)
        self.max_articles = _positive(max_articles, "max_articles", None) or None
        self.max_depth = _positive(max_depth, "max_depth", 2)
        self.max_pages = _positive(max_pages, "max_pages", 500)
        chosen = profile or outlet
        self.profile: Profile | None = get_profile(chosen) if chosen else None
        if self.profile is None and self.targets:
            self.profile = profile_for_url(self.targets[0])
        self.outlet = outlet or (self.profile.name if self.profile else None)
        self.sources = self._parse_sources(sources)
        domains = {d for d in map(_site_domain, self.targets) if d}
        if self.profile:
            domains.update(self.profile.domains)
        self.allowed_domains = sorted(domains)
        self._scheduled: set[str] = set()
        self._discovered: set[str] = set()
        self._cascades: dict[str, _Cascade] = {}
        self._articles = 0
        self._link_requests = 0

    def _parse_sources(self, sources: str | list[str] | None) -> tuple[str, ...]:
        chosen = tuple(_split(sources)) or self.default_sources
        unknown = [s for s in chosen if s not in (*SOURCES, "auto")]
        if unknown:
            raise ValueError(f"sources: unknown {unknown}; use 'auto' or some of {', '.join(SOURCES)}")
        return chosen

    # --- bookkeeping ----------------------------------------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        crawler = getattr(self, "crawler", None)  # absent when the spider is built outside a crawl
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(f"newsclean/{key}", count)

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

    # --- requests -------------------------------------------------------------------------------------------

    def _discovery(self, url: str, callback: Any, cascade: str | None = None, **meta: Any) -> Request | None:
        """A sitemap/feed/robots/homepage request, once per URL; None if that URL was already requested.

        Discovery URLs are chosen by the user, a profile or robots.txt, so they may sit on another domain.
        """
        if url in self._discovered:
            return None
        self._discovered.add(url)
        if cascade:
            self._cascades[cascade].pending += 1
            meta["newsclean_cascade"] = cascade
        return Request(
            url,
            callback=callback,
            errback=self._discovery_failed,
            priority=DISCOVERY_PRIORITY,
            meta={"newsclean_discovery": callback.__name__, "allow_offsite": True, **meta},
        )

    def _article_request(
        self,
        url: str,
        source: str,
        published: datetime | date | None = None,
        title: str | None = None,
        depth: int | None = None,
    ) -> Request | None:
        """A request for one discovered article URL, or None (continuation, out of window, seen, full)."""
        url = urlunsplit(urlsplit(url)._replace(fragment=""))
        if self._full() or url in self._scheduled or not fetchable(url, self._excludes):
            return None
        if is_continuation(url):
            self._inc("continuation_skipped")
            logger.debug("Not an article of its own (a later page of another): %s", url)
            return None
        when = published or url_date(url)
        if not self.window.contains(when):
            self._inc("out_of_window")
            return None
        self._scheduled.add(url)
        single = self.profile.single_page if self.profile else None
        meta = {
            "newsclean_article": True,
            "newsclean_url": url,
            "newsclean_source": source,
            "newsclean_published": iso(published),
            "newsclean_title": title,
            "newsclean_single_page": single,
        }
        if depth is not None:
            meta["newsclean_depth"] = depth
        return Request(
            with_query(url, single) if single else url,
            callback=self.parse_page,
            errback=self._article_failed,
            priority=self._priority(when),
            meta=meta,
        )

    @staticmethod
    def _priority(when: datetime | date | None) -> int:
        """Newest first: priority falls by one per hour of age; undated articles come last."""
        if when is None:
            return _UNDATED_PRIORITY
        moment = when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        hours = int((datetime.now(UTC) - moment).total_seconds() // 3600)
        return max(_UNDATED_PRIORITY + 1, min(0, -hours))

    def _schedule(self, entries: Iterable[Entry], source: str) -> Iterator[Request]:
        """Article requests for sitemap/feed entries, newest first (undated last)."""
        dated = sorted(
            entries,
            key=lambda e: (e.published is not None, e.published and e.published.timestamp()),
            reverse=True,
        )
        for entry in dated:
            request = self._article_request(entry.url, source, entry.published, entry.title)
            if request is not None:
                yield request

    # --- start ----------------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_list():
            yield request

    def start_requests_list(self) -> list[Request]:
        raise NotImplementedError

    def _start_sitemap(self, url: str) -> Request | None:
        if urlsplit(url).path.endswith("/robots.txt"):
            return self._discovery(url, self.parse_robots)
        return self._discovery(url, self.parse_sitemap, newsclean_nesting=0)

    def _start_links(self, url: str, dont_filter: bool = False) -> Request:
        """A start page of the link crawl; it counts against max_pages like every page the crawl follows."""
        self._link_requests += 1
        self._scheduled.add(url)
        return Request(
            url,
            callback=self.parse_page,
            priority=LISTING_PRIORITY,
            meta={"newsclean_depth": 0},
            dont_filter=dont_filter,
        )

    def _start_cascade(self, root: str) -> Request | None:
        """Site root: sitemaps from robots.txt; if they announce nothing, homepage feeds; else links."""
        self._cascades[root] = _Cascade(root)
        return self._discovery(urljoin(root, "/robots.txt"), self.parse_robots, cascade=root)

    def _done(self, meta: dict[str, Any], entries: int = 0) -> Iterator[Request]:
        """One discovery request of a cascade finished; move to the next stage when a stage found nothing."""
        cascade = self._cascades.get(meta.get("newsclean_cascade") or "")
        if cascade is None:
            return
        cascade.pending -= 1
        cascade.entries += entries
        if cascade.pending > 0 or cascade.entries > 0:
            return
        if cascade.stage == "sitemaps":
            cascade.stage = "feeds"
            logger.info("No sitemap entries for %s: looking for feeds on its homepage", cascade.root)
            request = self._discovery(
                urljoin(cascade.root, "/"), self.parse_homepage, cascade=cascade.root, newsclean_depth=0
            )
            if request is not None:
                yield request
        elif cascade.stage == "feeds":
            cascade.stage = "links"
            logger.info("No feed entries for %s: following its links", cascade.root)
            yield self._start_links(cascade.root, dont_filter=True)

    # --- discovery callbacks --------------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        logger.info("robots.txt of %s lists %d sitemap(s)", response.url, len(sitemaps))
        cascade = response.meta.get("newsclean_cascade")
        for url in sitemaps:
            request = self._discovery(url, self.parse_sitemap, cascade=cascade, newsclean_nesting=0)
            if request is not None:
                yield request
        yield from self._done(response.meta)

    def parse_homepage(self, response: Response) -> Iterator[Any]:
        """Feeds announced by the homepage (<link rel=alternate>); without any, in a cascade, its links."""
        feeds = []
        if isinstance(response, HtmlResponse):
            for link in response.css('link[rel~="alternate"][href]'):
                if (link.attrib.get("type") or "").split(";")[0].strip().lower() in _FEED_TYPES:
                    feeds.append(urljoin(response.url, link.attrib["href"]))
        logger.info("Homepage %s announces %d feed(s)", response.url, len(feeds))
        cascade = response.meta.get("newsclean_cascade")
        requests = [self._discovery(url, self.parse_feed, cascade=cascade) for url in dict.fromkeys(feeds)]
        yield from (r for r in requests if r is not None)
        if cascade and not feeds:
            self._cascades[cascade].stage = "links"
            yield from self.parse_page(response)
        yield from self._done(response.meta)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
        listing = parse_sitemap(response.body, response.url, max_size=max_size)
        if not listing.kind and (feed := parse_feed(response.body, response.url)).kind:
            logger.info("%s is a feed, not a sitemap", response.url)
            yield from self._listed(feed, response, "feed")
            return
        self._report(listing, response.url, "sitemap")
        nesting = response.meta.get("newsclean_nesting", 0)
        if listing.kind == "sitemapindex" and nesting >= _MAX_SITEMAP_NESTING:
            logger.warning("Sitemap index %s nested too deep; not followed", response.url)
        elif listing.kind == "sitemapindex":
            for entry in listing.entries:
                if not self.window.may_contain_since(entry.published):
                    self._inc("sitemaps_out_of_window")
                    continue
                request = self._discovery(
                    entry.url,
                    self.parse_sitemap,
                    cascade=response.meta.get("newsclean_cascade"),
                    newsclean_nesting=nesting + 1,
                )
                if request is not None:
                    yield request
        elif listing.kind == "urlset":
            yield from self._schedule(listing.entries, "sitemap")
        articles = len(listing.entries) if listing.kind == "urlset" else 0
        yield from self._done(response.meta, articles)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        listing = parse_feed(response.body, response.url)
        if not listing.kind and parse_sitemap(response.body, response.url).kind:
            logger.info("%s is a sitemap, not a feed", response.url)
            yield from self.parse_sitemap(response)
            return
        yield from self._listed(listing, response, "feed")

    def _listed(self, listing: Listing, response: Response, what: str) -> Iterator[Request]:
        self._report(listing, response.url, what)
        yield from self._schedule(listing.entries, what)
        yield from self._done(response.meta, len(listing.entries))

    def _report(self, listing: Listing, url: str, what: str) -> None:
        if listing.error:
            self._inc(f"{what}_errors")
            logger.warning(
                "Malformed %s %s: %s (%d entries kept)", what, url, listing.error, len(listing.entries)
            )
        logger.info("%s %s: %s with %d entries", what.title(), url, listing.kind or "?", len(listing.entries))
        self._inc(f"{what}_entries", len(listing.entries))

    def _discovery_failed(self, failure: Failure) -> Iterator[Request]:
        request = failure.request
        what = {"parse_feed": "feed", "parse_homepage": "homepage", "parse_robots": "robots"}.get(
            request.meta.get("newsclean_discovery", ""), "sitemap"
        )
        if what == "robots" or (failure.check(IgnoreRequest) and not failure.check(HttpError)):
            logger.info("%s %s not fetched: %s", what.title(), request.url, failure.getErrorMessage())
        else:
            self._inc(f"{what}_errors")
            logger.warning("%s %s failed: %s", what.title(), request.url, failure.getErrorMessage())
        yield from self._done(request.meta)

    # --- pages and articles ---------------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        """An article candidate or a listing page: yield the article (after its other pages), follow links."""
        meta = response.meta
        if not isinstance(response, HtmlResponse):
            self._inc("not_html")
            logger.info(
                "Not HTML (%s): %s", response.headers.get(b"Content-Type", b"?").decode(), response.url
            )
            return
        depth = meta.get("newsclean_depth")
        if depth is not None:
            yield from self._follow_links(response, depth)
        signals = page_signals(response.selector)
        discovered = meta.get("newsclean_url", response.url)
        shaped = article_shaped(response.url, self._patterns, self._excludes) or article_shaped(
            discovered, self._patterns, self._excludes
        )
        announced = bool(meta.get("newsclean_title") or meta.get("newsclean_published"))
        if not is_article(signals, shaped, announced):
            self._inc("not_article")
            logger.debug("Not an article: %s", response.url)
            return
        if is_continuation(response.url):
            self._inc("continuation_skipped")
            return
        if not meta.get("newsclean_published") and not self.window.contains(parse_date(signals.published)):
            self._inc("out_of_window")
            return
        article = {
            "first": response.url,
            "pages": [response.url],
            "bodies": [response.body],
            "encodings": [_charset(response)],
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "requested_url": discovered,
            "source": meta.get("newsclean_source", "links" if depth is not None else "start"),
            "published": meta.get("newsclean_published"),
            "title": meta.get("newsclean_title"),
            "single_page": meta.get("newsclean_single_page"),
        }
        yield from self._continue(response, article)

    def parse_continuation(self, response: Response, article: dict[str, Any]) -> Iterator[Any]:
        if not isinstance(response, HtmlResponse):
            self._inc("pagination_incomplete")
            logger.warning("Page %s of %s is not HTML; article kept with %d page(s)",
                           response.url, article["first"], len(article["pages"]))  # fmt: skip
            yield from self._finish(article)
            return
        article["pages"].append(response.url)
        article["bodies"].append(response.body)
        article["encodings"].append(_charset(response))
        yield from self._continue(response, article)

    def _continue(self, response: HtmlResponse, article: dict[str, Any]) -> Iterator[Any]:
        """Request the next page of the article if there is one (bounded), else emit the article."""
        nxt = None
        if not article["single_page"] and len(article["pages"]) < MAX_PAGES:
            nxt = next_page(response.selector, response.url, {*article["pages"], article["first"]})
        if nxt is None:
            yield from self._finish(article)
            return
        yield Request(
            nxt,
            callback=self.parse_continuation,
            errback=self._continuation_failed,
            cb_kwargs={"article": article},
            priority=CONTINUATION_PRIORITY,
            # a continuation also listed in a sitemap must still be fetched for this article
            dont_filter=True,
            meta={"newsclean_continuation": True},
        )

    def _continuation_failed(self, failure: Failure) -> Iterator[Any]:
        article = failure.request.cb_kwargs["article"]
        self._inc("pagination_incomplete")
        logger.warning("Page %s of %s failed (%s); article kept with %d page(s)", failure.request.url,
                       article["first"], failure.getErrorMessage(), len(article["pages"]))  # fmt: skip
        yield from self._finish(article)

    def _finish(self, article: dict[str, Any]) -> Iterator[Any]:
        if self._full():
            self._inc("over_max_articles")
            return
        first = article["first"]
        if article["single_page"]:
            first = without_query(first, article["single_page"])
        self._articles += 1
        self._inc("articles")
        if len(article["pages"]) > 1:
            self._inc("multipage_articles")
        yield RawArticle(
            url=first,
            bodies=article["bodies"],
            pages=article["pages"],
            fetched_at=article["fetched_at"],
            encodings=article["encodings"],
            requested_url=article["requested_url"],
            source=article["source"],
            outlet=self.outlet,
            published_hint=article["published"],
            title_hint=article["title"],
        )
        if self._full():
            raise CloseSpider("max_articles")

    def _article_failed(self, failure: Failure) -> None:
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            logger.debug("Article not fetched: %s (%s)", request.url, failure.getErrorMessage())
            return
        self._inc("fetch_errors")
        logger.warning("Article %s failed: %s", request.url, failure.getErrorMessage())

    def _follow_links(self, response: HtmlResponse, depth: int) -> Iterator[Request]:
        """Same-site links one level deeper; article-shaped ones first, so a page budget goes to articles."""
        if self.max_depth is None or depth >= self.max_depth:
            return
        urls = [
            urlunsplit(urlsplit(link.url)._replace(fragment=""))
            for link in LinkExtractor().extract_links(response)
        ]
        shaped = {url: article_shaped(url, self._patterns, self._excludes) for url in urls}
        for url in sorted(shaped, key=lambda u: not shaped[u]):
            if is_continuation(url) or url in self._scheduled or not self._on_site(url):
                continue
            if self.max_pages is not None and self._link_requests >= self.max_pages:
                self._inc("max_pages_reached")
                return
            if shaped[url]:
                request = self._article_request(url, "links", depth=depth + 1)
            elif fetchable(url, self._excludes):
                self._scheduled.add(url)
                request = Request(
                    url,
                    callback=self.parse_page,
                    priority=LISTING_PRIORITY,
                    meta={"newsclean_depth": depth + 1},
                )
            else:
                request = None
            if request is not None:
                self._link_requests += 1
                yield request


class SitemapNewsSpider(NewsSpider):
    """Articles listed by sitemaps: `-a url=https://site/sitemap.xml` (index, .gz, News, robots.txt)."""

    name = "sitemap"

    def start_requests_list(self) -> list[Request]:
        if not self.targets:
            raise ValueError("sitemap spider: give -a url=SITEMAP_URL")
        return [r for r in map(self._start_sitemap, self.targets) if r is not None]


class FeedNewsSpider(NewsSpider):
    """Articles listed by RSS 2.0 / Atom feeds: `-a url=https://site/rss`."""

    name = "feed"

    def start_requests_list(self) -> list[Request]:
        if not self.targets:
            raise ValueError("feed spider: give -a url=FEED_URL")
        return [r for url in self.targets if (r := self._discovery(url, self.parse_feed)) is not None]


class SiteNewsSpider(NewsSpider):
    """A whole site from its root: robots.txt sitemaps, else homepage feeds, else links (`-a sources=`).

    With `sources` including links, the link crawl starts at the given URL itself (a section page works).
    """

    name = "site"
    default_sources = ("auto",)

    def start_requests_list(self) -> list[Request]:
        if not self.targets:
            raise ValueError("site spider: give -a url=https://site/")
        requests: list[Request | None] = []
        for root in self.targets:
            if "auto" in self.sources:
                requests.append(self._start_cascade(root))
                continue
            if "sitemaps" in self.sources:
                requests.append(self._discovery(urljoin(root, "/robots.txt"), self.parse_robots))
            if "feeds" in self.sources:
                requests.append(self._discovery(urljoin(root, "/"), self.parse_homepage_feeds))
            if "links" in self.sources:
                requests.append(self._start_links(root))
        return [r for r in requests if r is not None]

    def parse_homepage_feeds(self, response: Response) -> Iterator[Request]:
        for request in self.parse_homepage(response):
            if request.callback == self.parse_feed:
                yield request


class OutletNewsSpider(NewsSpider):
    """A known outlet from its crawl profile: `-a outlet=kompas` (sitemaps, feeds and index pages)."""

    name = "outlet"
    default_sources = SOURCES

    def start_requests_list(self) -> list[Request]:
        if self.profile is None:
            raise ValueError("outlet spider: give -a outlet=NAME (or -a profile=PATH.toml)")
        requests: list[Request | None] = []
        if "sitemaps" in self.sources:
            requests += [self._start_sitemap(url) for url in self.profile.sitemaps]
        if "feeds" in self.sources:
            requests += [self._discovery(url, self.parse_feed) for url in self.profile.feeds]
        if "links" in self.sources:
            requests += [self._start_links(url) for url in self.profile.index_pages]
        return [r for r in requests if r is not None]
