"""Article requests and article pages: which discovered URLs are requested, in what order, and which fetched
pages become a `RawArticle` (after their other pages, spiders/stitching.py).

Order: newest first by the date the listing (or the URL) announced, undated last. The scheduler keeps one
queue per priority and scans them all on every push and pop, so priorities are coarse: one per hour for the
first two days, one per day after that, for a year at most (a priority per hour of age cost 108 s in the
queue alone for 20,000 archive URLs).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scraper import meta
from scraper.failures import describe
from scraper.items import RawArticle

from .content import BINARY, as_html, declared
from .dates import iso, parse_date, url_date
from .detection import article_shaped, fetchable, is_article, page_signals
from .discovery import Entry
from .pagination import is_continuation, with_query, without_query

if TYPE_CHECKING:
    from .news import NewsSpider

logger = logging.getLogger(__name__)

UNDATED_PRIORITY = -1000
_HOURLY_FOR = 48
_DAILY_FOR = 365


def priority(when: datetime | date | None, now: datetime | None = None) -> int:
    """Scheduler priority of an article announced for `when`: 0 (newest) down to -413; undated -1000."""
    if when is None:
        return UNDATED_PRIORITY
    moment = when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    hours = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds() // 3600))
    if hours < _HOURLY_FOR:
        return -hours
    return -(_HOURLY_FOR + min(_DAILY_FOR, (hours - _HOURLY_FOR) // 24))


def charset(response: Response) -> str | None:
    """The charset the Content-Type header declares, if any."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None


class ArticlesMixin:
    """Requests for article URLs, the article-page callback and the RawArticle it yields."""

    def _article_request(
        self: NewsSpider,
        url: str,
        source: str,
        published: datetime | date | None = None,
        title: str | None = None,
        depth: int | None = None,
    ) -> Request | None:
        """A request for one discovered article URL, or None (continuation, out of window, seen, full)."""
        if "#" in url:
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
        single = self.site.single_page if self.site else None
        request_meta: dict[str, Any] = {
            meta.ARTICLE: True,
            meta.URL: url,
            meta.SOURCE: source,
            meta.PUBLISHED: iso(published),
            meta.TITLE: title,
            meta.SINGLE_PAGE: single,
        }
        if depth is not None:
            request_meta[meta.DEPTH] = depth
        return Request(
            with_query(url, single) if single else url,
            callback=self.parse_page,
            errback=self._article_failed,
            priority=priority(when),
            meta=request_meta,
        )

    def _schedule(self: NewsSpider, entries: Iterable[Entry], source: str) -> Iterator[Request]:
        """Article requests for sitemap/feed entries, one by one as the entries come."""
        for entry in entries:
            request = self._article_request(entry.url, source, entry.published, entry.title)
            if request is not None:
                yield request

    # --- pages ----------------------------------------------------------------------------------------------

    def parse_page(self: NewsSpider, response: Response) -> Iterator[Any]:
        """An article candidate or a listing page: yield the article (after its other pages), follow links."""
        page = self._html_or_count(response)
        if page is None:
            return
        request_meta = page.meta
        depth = request_meta.get(meta.DEPTH)
        if depth is not None:
            yield from self._follow_links(page, depth)
        signals = page_signals(page.selector)
        discovered = request_meta.get(meta.URL, page.url)
        shaped = article_shaped(page.url, self._patterns, self._excludes) or article_shaped(
            discovered, self._patterns, self._excludes
        )
        announced = bool(request_meta.get(meta.TITLE) or request_meta.get(meta.PUBLISHED))
        if not is_article(signals, shaped, announced):
            self._inc("not_article_page")
            logger.debug("Not an article: %s", page.url)
            return
        if is_continuation(page.url):
            self._inc("continuation_skipped")
            return
        if not request_meta.get(meta.PUBLISHED) and not self.window.contains(parse_date(signals.published)):
            self._inc("out_of_window")
            return
        article = {
            "first": page.url,
            "pages": [page.url],
            "bodies": [page.body],
            "encodings": [charset(page)],
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "requested_url": discovered,
            "source": request_meta.get(meta.SOURCE, "links" if depth is not None else "start"),
            "published": request_meta.get(meta.PUBLISHED),
            "title": request_meta.get(meta.TITLE),
            "single_page": request_meta.get(meta.SINGLE_PAGE),
        }
        yield from self._continue(page, article)

    def _html_or_count(self: NewsSpider, response: Response) -> HtmlResponse | None:
        """The response as HTML by its content (spiders/content.py); otherwise counted, logged and None."""
        page, kind = as_html(response)
        if page is not None:
            return page
        if kind in BINARY:
            self._inc("binary_body")
            self._inc(f"binary_body/{kind}")
            logger.warning("Not a page: %s is a %s body served as %s", response.url, kind, declared(response))
        else:
            self._inc("not_html")
            self._inc(f"not_html/{kind}")
            logger.info("Not HTML: %s is %s served as %s", response.url, kind, declared(response))
        return None

    def _finish(self: NewsSpider, article: dict[str, Any]) -> Iterator[Any]:
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

    def _article_failed(self: NewsSpider, failure: Failure) -> None:
        request = failure.request
        reason = describe(failure)
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt, already stored, offsite: counted by the component that decided it
            logger.debug("Article not fetched: %s (%s)", request.url, reason)
            return
        self._inc("fetch_errors")
        self._inc(f"fetch_errors/{reason.kind}")
        logger.warning("Article %s failed: %s", request.url, reason)
