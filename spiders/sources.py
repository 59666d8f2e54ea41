"""Discovery sources: robots.txt, sitemaps (indexes, .gz, Google News), feeds and homepages.

Each source is one request whose callback turns the document into article requests (or more discovery
requests), as the document is read: a 100,000-URL sitemap yields its first article request after its first
entry, not after all of them, and logs its progress. Sitemaps and feeds may be up to
`NEWSCLEAN_LISTING_MAXSIZE` (50 MB, the sitemap protocol's limit, also once decompressed); every other
response keeps `DOWNLOAD_MAXSIZE`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from scraper import meta
from scraper.failures import describe

from .content import as_html
from .discovery import Entry, Reader, read_feed, read_sitemap

if TYPE_CHECKING:
    from .news import NewsSpider

logger = logging.getLogger(__name__)

DISCOVERY_PRIORITY = 100
#: Sitemap indexes nested deeper than this are not followed (a loop of indexes ends here).
MAX_SITEMAP_NESTING = 5
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
#: Discovery callbacks whose documents are listings (sitemaps, feeds): they get the listing size limit.
_LISTINGS = ("parse_sitemap", "parse_feed")
_WHAT = {"parse_feed": "feed", "parse_homepage": "homepage", "parse_robots": "robots"}


class SourcesMixin:
    """Requests for discovery documents and the callbacks that read them."""

    def _discovery(
        self: NewsSpider, url: str, callback: Any, cascade: str | None = None, **extra: Any
    ) -> Request | None:
        """A sitemap/feed/robots/homepage request, once per URL; None if that URL was already requested.

        Discovery URLs are chosen by the user, a profile or robots.txt, so they may sit on another host
        (`allow_offsite`); every request is still checked against its own host's robots.txt.
        """
        if url in self._discovered:
            return None
        self._discovered.add(url)
        request_meta: dict[str, Any] = {meta.DISCOVERY: callback.__name__, "allow_offsite": True, **extra}
        if cascade:
            self._cascades[cascade].pending += 1
            request_meta[meta.CASCADE] = cascade
        if callback.__name__ in _LISTINGS:
            request_meta["download_maxsize"] = self.limits.listing_maxsize
            request_meta["download_warnsize"] = 0  # big sitemaps are normal: no warning below the limit
        return Request(
            url,
            callback=callback,
            errback=self._discovery_failed,
            priority=DISCOVERY_PRIORITY,
            meta=request_meta,
        )

    def _start_sitemap(self: NewsSpider, url: str) -> Request | None:
        if url.split("?")[0].endswith("/robots.txt"):
            return self._discovery(url, self.parse_robots)
        return self._discovery(url, self.parse_sitemap, **{meta.NESTING: 0})

    # --- callbacks ------------------------------------------------------------------------------------------

    def parse_robots(self: NewsSpider, response: Response) -> Iterator[Request]:
        sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        logger.info("robots.txt of %s lists %d sitemap(s)", response.url, len(sitemaps))
        cascade = response.meta.get(meta.CASCADE)
        for url in sitemaps:
            request = self._discovery(url, self.parse_sitemap, cascade=cascade, **{meta.NESTING: 0})
            if request is not None:
                yield request
        yield from self._done(response.meta)

    def parse_homepage(self: NewsSpider, response: Response) -> Iterator[Any]:
        """Feeds announced by the homepage (<link rel=alternate>); its links too when the link crawl starts
        here (`sources` with links, or a cascade that found no feeds)."""
        page, kind = as_html(response)
        feeds = []
        if page is not None:
            for link in page.css('link[rel~="alternate"][href]'):
                if (link.attrib.get("type") or "").split(";")[0].strip().lower() in _FEED_TYPES:
                    feeds.append(urljoin(page.url, link.attrib["href"]))
        else:
            self._inc("homepage_errors")
            logger.warning("Homepage %s is not HTML (%s body)", response.url, kind)
        logger.info("Homepage %s announces %d feed(s)", response.url, len(feeds))
        cascade = response.meta.get(meta.CASCADE)
        if "feeds" in self.sources or cascade:
            for url in dict.fromkeys(feeds):
                if (request := self._discovery(url, self.parse_feed, cascade=cascade)) is not None:
                    yield request
        if page is not None and ("links" in self.sources or (cascade and not feeds)):
            if cascade:
                self._cascades[cascade].stage = "links"
            yield from self.parse_page(page)
        yield from self._done(response.meta)

    def parse_sitemap(self: NewsSpider, response: Response) -> Iterator[Request]:
        reader = read_sitemap(response.body, response.url, max_size=self.limits.listing_maxsize)
        if not reader.kind:
            feed = read_feed(response.body, response.url)
            if feed.kind:
                logger.info("%s is a feed, not a sitemap", response.url)
                yield from self._listed(feed, response, "feed")
                return
        nesting = response.meta.get(meta.NESTING, 0)
        articles = 0
        if reader.kind == "sitemapindex" and nesting >= MAX_SITEMAP_NESTING:
            logger.warning("Sitemap index %s nested too deep; not followed", response.url)
        elif reader.kind == "sitemapindex":
            for entry in reader:
                if not self.window.may_contain_since(entry.published):
                    self._inc("sitemaps_out_of_window")
                    continue
                request = self._discovery(
                    entry.url,
                    self.parse_sitemap,
                    cascade=response.meta.get(meta.CASCADE),
                    **{meta.NESTING: nesting + 1},
                )
                if request is not None:
                    yield request
        elif reader.kind == "urlset":
            yield from self._schedule(self._counted(reader, response.url, "sitemap"), "sitemap")
            articles = reader.count
        self._report(reader, response.url, "sitemap")
        yield from self._done(response.meta, articles)

    def parse_feed(self: NewsSpider, response: Response) -> Iterator[Request]:
        reader = read_feed(response.body, response.url)
        if not reader.kind and read_sitemap(response.body, response.url, self.limits.listing_maxsize).kind:
            logger.info("%s is a sitemap, not a feed", response.url)
            yield from self.parse_sitemap(response)
            return
        yield from self._listed(reader, response, "feed")

    # --- reading listings -----------------------------------------------------------------------------------

    def _listed(self: NewsSpider, reader: Reader, response: Response, what: str) -> Iterator[Request]:
        yield from self._schedule(self._counted(reader, response.url, what), what)
        self._report(reader, response.url, what)
        yield from self._done(response.meta, reader.count)

    def _counted(self: NewsSpider, entries: Iterable[Entry], url: str, what: str) -> Iterator[Entry]:
        """The entries, counted as they go by, with a progress line every `listing_progress_every`."""
        every = self.limits.listing_progress_every
        step = min(every, 100)  # counted in steps: a stats update per entry was a measurable cost
        n = 0
        try:
            for n, entry in enumerate(entries, start=1):
                if n % step == 0:
                    self._inc(f"{what}_entries", step)
                if n % every == 0:
                    logger.info("%s %s: %d entries read so far", what.title(), url, n)
                yield entry
        finally:
            self._inc(f"{what}_entries", n % step)

    def _report(self: NewsSpider, reader: Reader, url: str, what: str) -> None:
        if reader.error:
            self._inc(f"{what}_errors")
            logger.warning("Malformed %s %s: %s (%d entries kept)", what, url, reader.error, reader.count)
        logger.info("%s %s: %s with %d entries", what.title(), url, reader.kind or "?", reader.count)

    def _discovery_failed(self: NewsSpider, failure: Failure) -> Iterator[Request]:
        request = failure.request
        what = _WHAT.get(request.meta.get(meta.DISCOVERY, ""), "sitemap")
        reason = describe(failure)
        if what == "robots" or (failure.check(IgnoreRequest) and not failure.check(HttpError)):
            self._inc(f"{what}_not_fetched")
            logger.info("%s %s not fetched: %s", what.title(), request.url, reason)
        else:
            self._inc(f"{what}_errors")
            self._inc(f"{what}_errors/{reason.kind}")
            logger.warning("%s %s failed: %s", what.title(), request.url, reason)
        yield from self._done(request.meta)
