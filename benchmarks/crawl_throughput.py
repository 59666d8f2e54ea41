"""Crawl throughput with cleaning on vs off, same run: does cleaning in the pipeline slow the crawl down?

Serves an enlarged copy of the local news site (tests/localsite: real Indonesian bodies wrapped in real-world
boilerplate) on 127.0.0.1 with many article copies behind one RSS feed, crawls it with `newsclean crawl`
twice per round (CLEANER_ENABLED=False, then True; fresh databases), and prints articles/s and the ratio.
Target: cleaning on >= 80% of cleaning off. Figures, not a test:

    .venv/bin/python benchmarks/crawl_throughput.py [--articles 300] [--latency 0.05] [--concurrency 8]

`--latency` makes each article response take that long, as a real site's server does; with no latency and
high concurrency the crawl of a loopback site is CPU-bound and measures the cleaner, not the crawl.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from localsite import ARTICLES, Article  # noqa: E402
from localsite.pages import article_page  # noqa: E402


def bench_articles(count: int) -> list[Article]:
    """`count` single-page articles cycling through the local site's plain ones, each at its own path."""
    plain = [a for a in ARTICLES if a.kind == ""]
    return [
        replace(plain[i % len(plain)], key=f"bench{i}", path=f"/read/bench/{i}/{plain[i % len(plain)].key}")
        for i in range(count)
    ]


def rss(base: str, articles: list[Article]) -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base}{a.path}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate></item>\n"
        for a in articles
    )
    head = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>bench</title>\n'
    return f"{head}{items}</channel></rss>"


def serve(articles: list[Article], latency: float) -> tuple[ThreadingHTTPServer, str]:
    by_path = {a.path: a for a in articles}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            base = f"http://{self.headers['Host']}"
            article = by_path.get(self.path)
            if article is not None:
                time.sleep(latency)
                self._send(200, "text/html; charset=utf-8", article_page(article, base))
            elif self.path == "/rss":
                self._send(200, "application/rss+xml; charset=utf-8", rss(base, articles))
            elif self.path == "/robots.txt":
                self._send(200, "text/plain", "User-agent: *\nAllow: /\n")
            else:
                self._send(404, "text/plain", "not found")

        def _send(self, status: int, content_type: str, body: str) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}"


def crawl(base: str, db: Path, cleaning: bool, concurrency: int, workers: int) -> tuple[int, float]:
    """(articles stored, seconds of crawl) as reported by `newsclean crawl`'s closing summary."""
    settings = {
        "CLEANER_ENABLED": cleaning,
        "CLEANER_WORKERS": workers,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    }
    args = [sys.executable, "-m", "newsclean", "crawl", f"{base}/rss", "--db", str(db)]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)
    seconds = re.search(r"finished in ([\d.]+) s", done.stdout)
    stored = re.search(r"^\s+stored\s+(\d+)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not seconds or not stored:
        raise SystemExit(f"crawl failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-2000:]}")
    return int(stored.group(1)), float(seconds.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="article copies behind the feed")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds each article response takes")
    parser.add_argument("--concurrency", type=int, default=8, help="CONCURRENT_REQUESTS(_PER_DOMAIN)")
    parser.add_argument("--workers", type=int, default=0, help="CLEANER_WORKERS (0: one per CPU)")
    parser.add_argument("--rounds", type=int, default=2, help="off/on pairs; the median is reported")
    args = parser.parse_args()

    server, base = serve(bench_articles(args.articles), args.latency)
    rates: dict[bool, list[float]] = {False: [], True: []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for round_no in range(args.rounds):
                for cleaning in (False, True):
                    db = Path(tmp) / f"r{round_no}-{'on' if cleaning else 'off'}.sqlite"
                    stored, seconds = crawl(base, db, cleaning, args.concurrency, args.workers)
                    if stored != args.articles:
                        raise SystemExit(f"stored {stored} of {args.articles} articles")
                    rates[cleaning].append(stored / seconds)
                    label = "on " if cleaning else "off"
                    print(f"round {round_no + 1} cleaning {label}: {stored} articles in {seconds:.2f} s")
    finally:
        server.shutdown()
    off, on = statistics.median(rates[False]), statistics.median(rates[True])
    workers = args.workers or "one per CPU"
    print(f"\n{args.articles} articles, {args.latency * 1000:.0f} ms per response, ", end="")
    print(f"concurrency {args.concurrency}, cleaner workers {workers}")
    print(f"cleaning off: {off:7.1f} articles/s")
    print(f"cleaning on:  {on:7.1f} articles/s")
    print(f"ratio on/off: {on / off:7.1%}  (target >= 80%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
