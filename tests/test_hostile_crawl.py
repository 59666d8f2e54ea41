"""One crawl of the hostile local site (tests/localsite/hostile.py): the crawl-side faults of issue 7 at once.

`newsclean crawl` of two site roots (five loopback hosts), as a user would run it, with no download delay and
a per-site limit of 2. Asserted at the servers and in the database: it ends, nothing disallowed is requested
(the 503 and the unreachable robots.txt hosts included), the expected articles are stored once each, every
failure is counted with its reason, and requests in flight per site stay within the limit.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

from crawl_helpers import newsclean, rows_per_url
from localsite.hostile import CUT, JPEG_AS_HTML, MISSING, TRAP_PAGES, HostileSite

from scraper.storage import ArticleStore

LIMIT = 2
RETRIES = 1
#: Generous: the crawl takes a few seconds; a hang would take DOWNLOAD_TIMEOUT times the retries and more.
BOUND = 120.0


def _stats_dumps(log: str) -> list[dict]:
    """The stats Scrapy logs at the end of each crawl (LOG_LEVEL=INFO), one dict per crawler."""
    dumps = re.findall(r"Dumping Scrapy stats:\n(\{.*?\})\n", log, re.DOTALL)
    cleaned = [re.sub(r"datetime\.datetime\([^)]*\)", "None", dump) for dump in dumps]
    return [ast.literal_eval(dump) for dump in cleaned]


def test_hostile_site_crawl(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite"
    with HostileSite() as site:
        started = time.monotonic()
        done = newsclean(
            "crawl", *site.roots(), "--db", str(db), "--since", "2026-11-01",
            "-a", "sources=sitemaps,feeds,links", "-a", "max_depth=1",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={LIMIT}", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_MAXSIZE=1000000",
            "-s", f"RETRY_TIMES={RETRIES}", "-s", "DOWNLOAD_TIMEOUT=10", "-s", "CLEANER_WORKERS=1",
            "-s", "USER_AGENT=hostile-probe/1.0",
            "-s", "LOG_LEVEL=INFO", "-s", "NEWSCLEAN_PROGRESS_LOG_INTERVAL=0.5",
            cwd=tmp_path, timeout=BOUND + 60,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        requested = {name: host.requests for name, host in site.hosts.items()}
        agents = {name: set(host.user_agents) for name, host in site.hosts.items()}
        peaks = (site.site1.peak, site.site2.peak)
        expected, never = site.expected_stored, site.never_requested
        trap_url = site.url("trap")
    log = done.stderr
    assert done.returncode == 0, log[-4000:]
    assert elapsed < BOUND

    # nothing disallowed requested: robots.txt once per host (a failing one with its retries), nothing else
    for name, paths in never.items():
        assert not paths & set(requested[name]), name
    assert requested["busy"] == requested["gone"] == ["/robots.txt"] * (1 + RETRIES)
    for name in ("main", "open", "other"):
        assert requested[name].count("/robots.txt") == 1, name

    # the expected articles, stored once each; the genuine article despite the copy's canonical
    assert rows_per_url(db) == dict.fromkeys(expected, 1)
    with ArticleStore(db) as store:
        records = {r["url"]: r for r in store.records()}
    assert {url for url, r in records.items() if r["status"] != "ok"} <= {trap_url}
    assert len(records[trap_url]["pages"]) == TRAP_PAGES
    assert records[site.url("linked")]["status"] == "ok"
    assert not any("arsip-lama" in path for path in requested["main"])  # big sitemaps: archive out of window

    # every failure counted with its reason
    main_stats, other_stats = sorted(_stats_dumps(log), key=lambda s: -s.get("downloader/request_count", 0))
    assert main_stats["newsclean/spider/binary_body/jpeg"] == 1  # the JPEG served as text/html
    assert main_stats["newsclean/spider/fetch_errors/data_loss"] == 1  # the cut chunked body
    assert main_stats["newsclean/spider/fetch_errors/http_404"] == 1  # the deleted article
    assert main_stats["newsclean/spider/pagination_capped"] == 1
    assert main_stats["robotstxt/disallow_all"] == 2 and main_stats["robotstxt/allow_all"] == 1
    assert main_stats["robotstxt/forbidden"] >= 3  # two sitemaps on unreachable hosts, the private path
    assert "newsclean/spider/sitemap_errors" not in main_stats  # big sitemaps read, the .gz too
    assert main_stats["newsclean/stored"] + other_stats["newsclean/stored"] == len(expected)
    # spider-side and pipeline-side counters apart: the homepage is not an article page; no stored row is
    assert main_stats["newsclean/spider/not_article_page"] >= 1
    assert main_stats.get("newsclean/not_article", 0) == 0
    for path in (JPEG_AS_HTML, CUT, MISSING):
        assert re.search(rf"{re.escape(path)}\S* (?:failed: \S|is a jpeg body)", log), path
    assert not re.search(r"failed: *$", log, re.MULTILINE)
    assert "goes on past 20 pages" in log

    # politeness, measured at the servers; every -s reached Scrapy; progress logged off a terminal
    assert peaks[0] <= LIMIT and peaks[1] <= LIMIT
    assert all(seen == {"hostile-probe/1.0"} for seen in agents.values() if seen), agents
    assert re.search(r"INFO: crawl: \d+ stored", log)
