"""A minimal feed spider that follows the spider contract (scraper/items.py), for the crawl-infra tests.

It lets the storage/pipeline/CLI tests run a real Scrapy crawl without depending on how the production
spiders discover articles: RSS/Atom links → article requests (`scraper.meta.ARTICLE`), `rel=next` pages →
continuations (`scraper.meta.CONTINUATION`), one RawArticle per article with every page. Run as
`newsclean crawl spider:stubfeed ...` with `-s SPIDER_MODULES=stubspiders` and tests/ on PYTHONPATH.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from scraper import meta
from scraper.items import RawArticle


class StubFeedSpider(scrapy.Spider):
    name = "stubfeed"

    def __init__(self, url: str = "", max_articles: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = url.rstrip("/")
        self.allowed_domains = [urlsplit(self.base).hostname or ""]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for path in ("/rss", "/atom.xml"):
            yield scrapy.Request(self.base + path, callback=self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        response.selector.remove_namespaces()
        links = response.xpath("//item/link/text()").getall() + response.xpath("//entry/link/@href").getall()
        for link in links:
            url = response.urljoin(link.strip())
            yield scrapy.Request(url, callback=self.parse_article, meta={meta.ARTICLE: True, meta.URL: url})

    def parse_article(self, response: Response) -> Iterator[Any]:
        if response.xpath("//meta[@property='og:type']/@content").get() != "article":
            return
        pages = [*response.meta.get("stub_pages", []), (response.url, response.body)]
        next_page = response.xpath("//link[@rel='next']/@href").get()
        if next_page:
            follow = {
                meta.ARTICLE: True,
                meta.URL: response.meta[meta.URL],
                meta.CONTINUATION: True,
                "stub_pages": pages,
            }
            yield response.follow(next_page, callback=self.parse_article, meta=follow, dont_filter=True)
            return
        yield RawArticle(
            url=pages[0][0],
            bodies=[body for _, body in pages],
            pages=[url for url, _ in pages],
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            encodings=[None] * len(pages),
            requested_url=response.meta[meta.URL],
            source="feed",
        )
