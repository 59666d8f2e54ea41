"""A small threaded HTTP server for the local news site, on 127.0.0.1 with an ephemeral port.

Every request path is recorded (thread-safe), so tests can assert what a crawl did and did not fetch: robots
obeyed, date window applied before requesting, no re-fetches on a second run. The server also counts requests
in flight (from the request line read to the last byte of the response written, or the client hanging up) and
keeps the peak, so politeness is measured where it matters: at the server.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
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

_HTML = "text/html; charset=utf-8"
_XML = "application/xml; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read site.requests instead
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        site = self.server.site
        site.begin(self.headers.get("User-Agent", ""))
        try:
            if site.latency:
                time.sleep(site.latency)
            self._get()
        finally:
            site.end()

    def _get(self) -> None:
        seen = self.server.site.record(self.path)
        base = self.server.site.base_url
        split = urlsplit(self.path)
        path, query = split.path, parse_qs(split.query)
        article = self.server.site.articles_by_path.get(path)
        if article is not None:
            self._article(article, base, query, seen)
        elif path == "/":
            self._send(200, _HTML, pages.homepage(base, self.server.site.announce_feeds))
        elif path == "/robots.txt":
            self._send(
                200, "text/plain; charset=utf-8", pages.robots_txt(base, self.server.site.announce_sitemaps)
            )
        elif path == "/sitemap.xml":
            self._send(200, _XML, pages.sitemap_index(base))
        elif path == "/sitemap-news.xml":
            self._send(200, _XML, pages.news_sitemap(base))
        elif path == "/sitemap-arsip.xml.gz":
            self._send(200, "application/x-gzip", pages.archive_sitemap_gz(base))
        elif path == "/sitemap-rusak.xml":
            self._send(200, _XML, pages.broken_sitemap(base))
        elif path == "/rss":
            self._send(200, "application/rss+xml; charset=utf-8", pages.rss_feed(base))
        elif path == "/atom.xml":
            self._send(200, "application/atom+xml; charset=utf-8", pages.atom_feed(base))
        elif path == "/feed/rusak.xml":
            self._send(200, "application/rss+xml", pages.BROKEN_FEED)
        elif path == REDIRECT_PATH:
            self._send(301, _HTML, "", location=base + REDIRECT_TARGET.path)
        elif path == PDF_PATH:
            self._send(200, "application/pdf", pages.PDF_BYTES)
        elif path == ABOUT_PATH:
            self._send(200, _HTML, pages.about_page(base))
        elif path in self.server.site.sections_by_path:
            self._send(200, _HTML, pages.section_page(base, self.server.site.sections_by_path[path]))
        else:
            self._send(404, _HTML, "<html><body><h1>Halaman tidak ditemukan</h1></body></html>")

    def _article(self, article: Article, base: str, query: dict[str, list[str]], seen: int) -> None:
        if article.kind == "missing":
            self._send(404, _HTML, "<html><body><h1>Halaman tidak ditemukan</h1></body></html>")
        elif article.kind == "retry" and seen % 2 == 1:
            self._send(500, _HTML, "<html><body><h1>500 Internal Server Error</h1></body></html>")
        elif article.kind == "oversized":
            self._send(200, _HTML, pages.oversized_page(article, base))
        elif article.kind == "multipage":
            page_arg = query.get("page", ["1"])[0]
            if page_arg == "all":
                self._send(200, _HTML, pages.article_page(article, base))
            elif page_arg.isdigit() and 1 <= int(page_arg) <= len(article.parts()):
                self._send(200, _HTML, pages.article_page(article, base, int(page_arg)))
            else:
                self._send(404, _HTML, "<html><body><h1>Halaman tidak ditemukan</h1></body></html>")
        else:
            if article.kind == "slow":
                time.sleep(self.server.site.slow_delay)
            self._send(200, _HTML, pages.article_page(article, base))

    def _send(self, status: int, content_type: str, body: str | bytes, location: str | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if self.command != "HEAD":
            # The client may give up mid-body (download size limit): expected, not an error.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    site: LocalNewsSite

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (size limit, killed crawl) is expected: no traceback on stderr."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalNewsSite:
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
    ) -> None:
        self.announce_sitemaps = announce_sitemaps
        self.announce_feeds = announce_feeds
        self.latency = latency
        self.slow_delay = slow_delay
        self._server = _SiteServer((host, port), _Handler)
        self._server.site = self
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._requests: list[str] = []
        self._counts: Counter[str] = Counter()
        self._in_flight = 0
        self._peak = 0
        self._agents: Counter[str] = Counter()
        self.articles_by_path = {a.path: a for a in ARTICLES}
        self.sections_by_path = {p: name for name, p in SECTION_PATHS.items()}
        bound_host, bound_port = self._server.server_address[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def record(self, path: str) -> int:
        """Log one request; return how often its path (query ignored) was requested, this one included."""
        with self._lock:
            self._requests.append(path)
            key = urlsplit(path).path
            self._counts[key] += 1
            return self._counts[key]

    def begin(self, user_agent: str) -> None:
        """A request arrived: one more in flight."""
        with self._lock:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
            self._agents[user_agent] += 1

    def end(self) -> None:
        """A response was written (or the client went away): one fewer in flight."""
        with self._lock:
            self._in_flight -= 1

    @property
    def peak_in_flight(self) -> int:
        """The most requests this server was handling at one moment since start (or `clear_log`)."""
        with self._lock:
            return self._peak

    @property
    def user_agents(self) -> Counter[str]:
        """User-Agent header values seen, with how many requests sent each."""
        with self._lock:
            return Counter(self._agents)

    @property
    def requests(self) -> list[str]:
        """Every requested path (with query string), in arrival order."""
        with self._lock:
            return list(self._requests)

    def count(self, path: str) -> int:
        """How many times exactly this path (with query string, if given) was requested."""
        return self.requests.count(path)

    def clear_log(self) -> None:
        """Forget recorded requests, per-path counters (the 500 route fails again on its next request), the
        peak of requests in flight and the User-Agents seen."""
        with self._lock:
            self._requests.clear()
            self._counts.clear()
            self._peak = self._in_flight
            self._agents.clear()

    def start(self) -> LocalNewsSite:
        self._thread = threading.Thread(target=self._server.serve_forever, name="localsite", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalNewsSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
