"""The news spiders: discover article URLs (sitemaps, feeds, links), fetch articles, stitch multi-page ones.

Four thin spiders over one base class, each usable as `scrapy crawl NAME -a ...`:

- `sitemap`  -a url=SITEMAP[,SITEMAP...]   sitemap, sitemap index, .xml.gz, Google News sitemap, or robots.txt
- `feed`     -a url=FEED[,FEED...]         RSS 2.0 / Atom
- `site`     -a url=ROOT[,ROOT...]         robots.txt sitemaps, else feeds autodiscovered on the homepage,
                                           else links (`-a sources=sitemaps,feeds,links` uses the listed ones)
- `outlet`   -a outlet=NAME                the outlet's crawl profile ([crawl] of cleaners/rules/NAME.toml)

Common arguments: since, until (ISO dates; applied before article pages are requested whenever a sitemap, feed
or URL gives a date), max_articles, max_depth and max_pages (link crawl), outlet (outlet name, or
profile=PATH.toml: an outlet file of your own), sources. Spiders never clean: each article is one
`RawArticle` with every page's raw body.

The jobs live in one module each: spiders/sources.py (robots.txt, sitemaps, feeds, homepages),
spiders/cascade.py (site root: sitemaps, then feeds, then links), spiders/articles.py (article requests and
pages), spiders/stitching.py (multi-page articles), spiders/links.py (the link crawl), spiders/base.py
(arguments, limits, stats). Request meta keys are in scraper/meta.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.http import Request

from scraper import meta

from .articles import ArticlesMixin
from .base import SOURCES, SpiderBase
from .cascade import Cascade, CascadeMixin
from .links import LinksMixin
from .sources import SourcesMixin
from .stitching import StitchingMixin

__all__ = [
    "SOURCES",
    "FeedNewsSpider",
    "NewsSpider",
    "OutletNewsSpider",
    "SiteNewsSpider",
    "SitemapNewsSpider",
]


class NewsSpider(SourcesMixin, CascadeMixin, ArticlesMixin, StitchingMixin, LinksMixin, SpiderBase):
    """Discovery, the cascade, article detection, the date window, limits and multi-page stitching."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cascades: dict[str, Cascade] = {}


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

    With `sources` including links, the link crawl starts at the given URL itself (a section page works);
    when that URL is the homepage and feeds are wanted too, one homepage request serves both.
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
            home = urljoin(root, "/")
            links_from_home = "links" in self.sources and _same_page(root, home)
            if "sitemaps" in self.sources:
                requests.append(self._discovery(urljoin(root, "/robots.txt"), self.parse_robots))
            if "feeds" in self.sources:
                extra = {meta.DEPTH: 0} if links_from_home else {}
                requests.append(self._discovery(home, self.parse_homepage, **extra))
                if links_from_home:  # the homepage request is the link crawl's start page too
                    self._link_requests += 1
                    self._scheduled.add(home)
            if "links" in self.sources and not ("feeds" in self.sources and links_from_home):
                requests.append(self._start_links(root))
        return [r for r in requests if r is not None]


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


def _same_page(url: str, other: str) -> bool:
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.netloc.lower(), a.path or "/", a.query) == (
        b.scheme, b.netloc.lower(), b.path or "/", b.query,
    )  # fmt: skip
