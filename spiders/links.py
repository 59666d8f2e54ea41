"""The link crawl: from start pages, same-site links to a depth limit, article-shaped links first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import HtmlResponse, Request
from scrapy.linkextractors import LinkExtractor

from scraper import meta

from .detection import article_shaped, fetchable
from .pagination import is_continuation

if TYPE_CHECKING:
    from .news import NewsSpider

LISTING_PRIORITY = 10


class LinksMixin:
    """Start pages and followed links; each counts against `max_pages`."""

    def _start_links(self: NewsSpider, url: str, dont_filter: bool = False) -> Request:
        """A start page of the link crawl; it counts against max_pages like every page the crawl follows."""
        self._link_requests += 1
        self._scheduled.add(url)
        return Request(
            url,
            callback=self.parse_page,
            priority=LISTING_PRIORITY,
            meta={meta.DEPTH: 0},
            dont_filter=dont_filter,
        )

    def _follow_links(self: NewsSpider, response: HtmlResponse, depth: int) -> Iterator[Request]:
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
                    meta={meta.DEPTH: depth + 1},
                )
            else:
                request = None
            if request is not None:
                self._link_requests += 1
                yield request
