"""Time from a big sitemap's response to the crawl's first article request, and to the end of a bounded crawl.

Serves one sitemap of N article URLs (default 100,000, about 12 MB, all dated within the last days) on
127.0.0.1, crawls it with the sitemap spider (tests/localsite/runner.py: no database, no cleaning) stopping
after a few articles, and prints, from the server's own clock: when the sitemap was served, when the first
article request arrived, when the last request arrived, and the crawl's wall time. Figures, not a test:

    .venv/bin/python benchmarks/sitemap_first_request.py [--urls 100000] [--code DIR]

`--code DIR` runs the crawl from another checkout (e.g. an exported older commit) for a before/after figure
against the same server in the same run; `-s NAME=VALUE` passes a setting to every crawl.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = b"""<html><head><meta property="og:type" content="article"><title>x</title></head>
<body><article><p>Isi berita.</p></article></body></html>"""


def sitemap(base: str, count: int) -> bytes:
    now = datetime.now(UTC)
    rows = [
        f"<url><loc>{base}/read/{(now - timedelta(minutes=n)):%Y/%m/%d}/{n}/judul-berita-nomor-{n}</loc>"
        f"<lastmod>{(now - timedelta(minutes=n)).isoformat(timespec='seconds')}</lastmod></url>"
        for n in range(count)
    ]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset>' + "\n".join(rows) + "</urlset>").encode()


class Clock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sitemap_served: float | None = None
        self.first_article: float | None = None
        self.last_request: float | None = None
        self.articles = 0


def serve(count: int, clock: Clock) -> tuple[ThreadingHTTPServer, str]:
    body: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            now = time.monotonic()
            with clock.lock:
                clock.last_request = now
                if self.path.startswith("/read/"):
                    clock.articles += 1
                    clock.first_article = clock.first_article or now
            if self.path == "/sitemap.xml":
                data, kind = body["sitemap"], "application/xml"
            elif self.path.startswith("/read/"):
                data, kind = ARTICLE, "text/html; charset=utf-8"
            else:
                data, kind = b"", "text/plain"
            self.send_response(200 if data or self.path == "/robots.txt" else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if self.path == "/sitemap.xml":
                with clock.lock:
                    clock.sitemap_served = time.monotonic()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    body["sitemap"] = sitemap(base, count)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def run(code: Path, base: str, clock: Clock, max_articles: int, extra: list[str]) -> dict[str, float]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "tests.localsite.runner", out, "sitemap"]
        cmd += ["-a", f"url={base}/sitemap.xml", "-a", f"max_articles={max_articles}"]
        for setting in ("DOWNLOAD_MAXSIZE=60000000", "LOG_LEVEL=WARNING", *extra):
            cmd += ["-s", setting]
        env = {**os.environ, "PYTHONPATH": str(code), "PYTHONWARNINGS": "ignore"}
        subprocess.run(cmd, cwd=code, env=env, check=True, capture_output=True, timeout=900)
    ended = time.monotonic()
    served, first = clock.sitemap_served or ended, clock.first_article or ended
    return {
        "sitemap served after (s)": served - started,
        "first article request after the sitemap (s)": first - served,
        "crawl wall time (s)": ended - started,
        "article requests": clock.articles,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--max-articles", type=int, default=5)
    parser.add_argument("--code", type=Path, action="append", help="checkout to run (repeatable)")
    parser.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE for the crawl")
    args = parser.parse_args()
    for code in args.code or [ROOT]:
        clock = Clock()
        server, base = serve(args.urls, clock)
        try:
            figures = run(code.resolve(), base, clock, args.max_articles, args.settings)
        finally:
            server.shutdown()
            server.server_close()
        print(f"{code}: sitemap of {args.urls} URLs")
        for label, value in figures.items():
            print(f"  {label:<45} {value:8.2f}" if isinstance(value, float) else f"  {label:<45} {value:8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
