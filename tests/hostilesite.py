"""A news site with pathological pages among normal ones, on 127.0.0.1, for the cleaning-bounds tests.

The normal articles are copies of the local site's plain ones (real Indonesian bodies, tests/localsite),
each at its own path; the pathological ones are the pages that made a crawl hang in issue 7:

- `/read/patologis/paragraf`: 10^6 `<p>` (8 MB), whose cleaning time grows quadratically (hours);
- `/read/patologis/baca-juga`: 50,000 "Baca juga" promo links after a real body (minutes);
- `/read/patologis/lambat` (and `/read/patologis/lambat-lagi`, the same): 6,000 promo links by default, a
  page that is merely slow to clean (seconds) and under the cleaner's cheap pre-checks (element and link
  counts, which turn the two above away at once), used with a small time limit where a test needs a page
  that reliably outlasts it.

All are listed in `/rss` (the feed the stub spider of tests/stubspiders.py reads; `/atom.xml` is empty),
normal ones first. `python tests/hostilesite.py [N]` serves it by hand.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from localsite import ARTICLES, Article
from localsite.pages import article_page

PARAGRAPHS_PATH = "/read/patologis/paragraf"
PROMOS_PATH = "/read/patologis/baca-juga"
SLOW_PATH = "/read/patologis/lambat"
SLOW_PATH_2 = "/read/patologis/lambat-lagi"
#: Promo links on the slow page: about 2 s of cleaning on a 2-core machine, far over a test's 0.5 s limit.
SLOW_PROMOS = 6_000

_HEAD = (
    '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{title}</title>'
    '<meta property="og:type" content="article"><link rel="canonical" href="{canonical}"></head><body>'
)


def paragraphs_page(count: int = 1_000_000, canonical: str = "") -> bytes:
    """An "article" of `count` one-word paragraphs."""
    head = _HEAD.format(title="Seribu ribu paragraf", canonical=canonical)
    return (head + "<article>" + "<p>a</p>" * count + "</article></body></html>").encode()


def promos_page(count: int = 50_000, canonical: str = "") -> bytes:
    """A real body followed by `count` "Baca juga:" promo paragraphs, each with its own link."""
    body = "".join(f"<p>{escape(line)}</p>" for line in ARTICLES[0].body_lines())
    promos = "".join(
        f'<p><strong>Baca juga:</strong> <a href="/read/2026/11/{i % 28 + 1:02d}/{i}/berita-{i}">'
        f"Berita terkait nomor {i} hari ini</a></p>"
        for i in range(count)
    )
    head = _HEAD.format(title="Berita dengan promo tanpa akhir", canonical=canonical)
    return (head + f"<article>{body}{promos}</article></body></html>").encode()


def normal_articles(count: int) -> list[Article]:
    """`count` single-page articles cycling through the local site's plain ones, each at its own path."""
    plain = [a for a in ARTICLES if a.kind == ""]
    return [
        replace(plain[i % len(plain)], key=f"normal{i}", path=f"/read/normal/{i}/{plain[i % len(plain)].key}")
        for i in range(count)
    ]


class HostileSite:
    """`with HostileSite(normal=50, pathological=(PARAGRAPHS_PATH,)) as site: ...` serves the site;
    `slow_promos` is the number of promo links on the slow pages.

    `site.requests` counts the requests per path.
    """

    def __init__(
        self,
        normal: int = 50,
        pathological: Sequence[str] = (PARAGRAPHS_PATH, PROMOS_PATH),
        slow_promos: int = SLOW_PROMOS,
    ) -> None:
        self.normal = normal_articles(normal)
        self.pathological = list(pathological)
        self._pages: dict[str, bytes | Article] = {a.path: a for a in self.normal}

        def slow(canonical: str) -> bytes:
            return promos_page(slow_promos, canonical)

        builders = {
            PARAGRAPHS_PATH: paragraphs_page,
            PROMOS_PATH: promos_page,
            SLOW_PATH: slow,
            SLOW_PATH_2: slow,
        }
        self._builders = {path: builders[path] for path in self.pathological}
        self._lock = threading.Lock()
        self.requests: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site._serve(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None

    @property
    def normal_urls(self) -> set[str]:
        return {self.base_url + a.path for a in self.normal}

    @property
    def pathological_urls(self) -> set[str]:
        return {self.base_url + path for path in self.pathological}

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.requests[path] = self.requests.get(path, 0) + 1
        if path in self._builders:
            body, kind = self._page(path), "text/html; charset=utf-8"
        elif path in self._pages:
            page = self._pages[path]
            assert isinstance(page, Article)
            body, kind = article_page(page, self.base_url).encode(), "text/html; charset=utf-8"
        elif path == "/rss":
            body, kind = self._rss().encode(), "application/rss+xml; charset=utf-8"
        elif path == "/atom.xml":
            body = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>-</title></feed>'
            kind = "application/atom+xml"
        elif path == "/robots.txt":
            body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
        else:
            body, kind = b"not found", "text/plain"
        status = 404 if kind == "text/plain" and path != "/robots.txt" else 200
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a crawl stopped mid-response
            handler.wfile.write(body)

    def _page(self, path: str) -> bytes:
        with self._lock:
            cached = self._pages.get(path)
            if isinstance(cached, bytes):
                return cached
            page = self._builders[path](canonical=self.base_url + path)
            self._pages[path] = page
            return page

    def _rss(self) -> str:
        paths = [a.path for a in self.normal] + self.pathological
        items = "".join(
            f"<item><title>Berita {i}</title><link>{self.base_url}{path}</link></item>\n"
            for i, path in enumerate(paths)
        )
        head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>\n'
        return f"{head}{items}</channel></rss>"

    def start(self) -> HostileSite:
        self._thread = threading.Thread(target=self._server.serve_forever, name="hostilesite", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> HostileSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


if __name__ == "__main__":
    with HostileSite(int(sys.argv[1]) if len(sys.argv) > 1 else 50) as served:
        print(f"serving {served.base_url}/rss (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
