"""Multi-page articles in a crawl: request the next page of an article, stitch every page into one item.

Pages are followed only while spiders/pagination.py recognises a continuation of the same article, and at most
`NEWSCLEAN_ARTICLE_MAX_PAGES` (20) of them: a longer chain (a pagination trap) is cut there with a warning and
the `newsclean/spider/pagination_capped` counter, and the article is kept with the pages fetched so far.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from scrapy.http import HtmlResponse, Request, Response
from twisted.python.failure import Failure

from scraper import meta
from scraper.failures import describe

from .articles import charset
from .content import as_html
from .pagination import next_page

if TYPE_CHECKING:
    from .news import NewsSpider

logger = logging.getLogger(__name__)

CONTINUATION_PRIORITY = 50


class StitchingMixin:
    """Next-page requests and their callbacks; the article goes on as one dict until its last page."""

    def _continue(self: NewsSpider, response: HtmlResponse, article: dict[str, Any]) -> Iterator[Any]:
        """Request the next page of the article if there is one (bounded), else emit the article."""
        nxt = None
        if not article["single_page"]:
            nxt = next_page(response.selector, response.url, {*article["pages"], article["first"]})
        if nxt is not None and len(article["pages"]) >= self.limits.article_max_pages:
            self._inc("pagination_capped")
            logger.warning(
                "Article %s goes on past %d pages (next: %s): stopped there, article kept with %d pages",
                article["first"], self.limits.article_max_pages, nxt, len(article["pages"]),
            )  # fmt: skip
            nxt = None
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
            meta={meta.CONTINUATION: True},
        )

    def parse_continuation(self: NewsSpider, response: Response, article: dict[str, Any]) -> Iterator[Any]:
        page, kind = as_html(response)
        if page is None:
            self._inc("pagination_incomplete")
            logger.warning("Page %s of %s is not HTML (%s body); article kept with %d page(s)",
                           response.url, article["first"], kind, len(article["pages"]))  # fmt: skip
            yield from self._finish(article)
            return
        article["pages"].append(page.url)
        article["bodies"].append(page.body)
        article["encodings"].append(charset(page))
        yield from self._continue(page, article)

    def _continuation_failed(self: NewsSpider, failure: Failure) -> Iterator[Any]:
        article = failure.request.cb_kwargs["article"]
        self._inc("pagination_incomplete")
        logger.warning("Page %s of %s failed (%s); article kept with %d page(s)", failure.request.url,
                       article["first"], describe(failure), len(article["pages"]))  # fmt: skip
        yield from self._finish(article)
