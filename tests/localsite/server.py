"""The local news site on 127.0.0.1 with an ephemeral port (tests/localsite/recording.py records requests).

Every request path is recorded, so tests can assert what a crawl did and did not fetch: robots obeyed, date
window applied before requesting, no re-fetches on a second run; and the peak of requests in flight.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from . import pages
from .content import (
    ABOUT_PATH,
    ARTICLES,
    PDF_PATH,
    REDIRECT_PATH,
    REDIRECT_TARGET,
    SECTION_PATHS,
    SLOW_DELAY,
    Article,
)
from .recording import Meter, RecordingHandler, RecordingServer

_HTML = "text/html; charset=utf-8"
_XML = "application/xml; charset=utf-8"


class _Handler(RecordingHandler):
    def respond(self, seen: int) -> None:
        site: LocalNewsSite = self.server.owner  # type: ignore[assignment]
        base = site.base_url
        split = urlsplit(self.path)
        path, query = split.path, parse_qs(split.query)
        article = site.articles_by_path.get(path)
        if article is not None:
            self._article(article, base, query, seen)
        elif path == "/":
            self.send(200, _HTML, pages.homepage(base, site.announce_feeds))
        elif path == "/robots.txt":
            self.send(200, "text/plain; charset=utf-8", pages.robots_txt(base, site.announce_sitemaps))
        elif path == "/sitemap.xml":
            self.send(200, _XML, pages.sitemap_index(base))
        elif path == "/sitemap-news.xml":
            self.send(200, _XML, pages.news_sitemap(base))
        elif path == "/sitemap-arsip.xml.gz":
            self.send(200, "application/x-gzip", pages.archive_sitemap_gz(base))
        elif path == "/sitemap-rusak.xml":
            self.send(200, _XML, pages.broken_sitemap(base))
        elif path == "/rss":
            self.send(200, "application/rss+xml; charset=utf-8", pages.rss_feed(base))
        elif path == "/atom.xml":
            self.send(200, "application/atom+xml; charset=utf-8", pages.atom_feed(base))
        elif path == "/feed/rusak.xml":
            self.send(200, "application/rss+xml", pages.BROKEN_FEED)
        elif path == REDIRECT_PATH:
            self.send(301, _HTML, "", location=base + REDIRECT_TARGET.path)
        elif path == PDF_PATH:
            self.send(200, "application/pdf", pages.PDF_BYTES)
        elif path == ABOUT_PATH:
            self.send(200, _HTML, pages.about_page(base))
        elif path in site.sections_by_path:
            self.send(200, _HTML, pages.section_page(base, site.sections_by_path[path]))
        else:
            self.send(404, _HTML, "<html><body><h1>Halaman tidak ditemukan</h1></body></html>")

    def _article(self, article: Article, base: str, query: dict[str, list[str]], seen: int) -> None:
        if article.kind == "missing":
            self.send(404, _HTML, "<html><body><h1>Halaman tidak ditemukan</h1></body></html>")
        elif article.kind == "retry" and seen % 2 == 1:
            self.send(500, _HTML, "<html><body><h1>500 Internal Server Error</h1></body></html>")
        elif article.kind == "oversized":
            self.send(200, _HTML, pages.oversized_page(article, base))
        elif article.kind == "multipage":
            page_arg = query.get("page", ["1"])[0]
            if page_arg == "all":
                self.send(200, _HTML, pages.article_page(article, base))
            elif page_arg.isdigit() and 1 <= int(page_arg) <= len(article.parts()):
                self.send(200, _HTML, pages.article_page(article, base, int(page_arg)))
            else:
                self.send(404, _HTML, "<html><body><h1>Halaman tidak ditemukan</h1></body></html>")
        else:
            if article.kind == "slow":
                time.sleep(self.server.owner.slow_delay)  # type: ignore[attr-defined]
            self.send(200, _HTML, pages.article_page(article, base))


class LocalNewsSite(RecordingServer):
    """The local news site as a context manager: `with LocalNewsSite() as site: site.url("/rss")`.

    `announce_sitemaps=False` drops the Sitemap: line from robots.txt and `announce_feeds=False` the feed
    links from the homepage, to exercise the site-root cascade (sitemaps, then feeds, then links).
    `latency` (seconds) delays every answer, so that requests sent together overlap at the server;
    `slow_delay` is how long the slow article takes (SLOW_DELAY by default).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        announce_sitemaps: bool = True,
        announce_feeds: bool = True,
        latency: float = 0.0,
        slow_delay: float = SLOW_DELAY,
        meter: Meter | None = None,
    ) -> None:
        super().__init__(_Handler, host, port, latency, meter)
        self.announce_sitemaps = announce_sitemaps
        self.announce_feeds = announce_feeds
        self.slow_delay = slow_delay
        self.articles_by_path = {a.path: a for a in ARTICLES}
        self.sections_by_path = {p: name for name, p in SECTION_PATHS.items()}
