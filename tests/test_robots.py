"""robots.txt per host, as RFC 9309 says, measured at the servers: one crawl over six loopback hosts.

Host A lists, in its robots.txt, sitemaps on itself and on hosts whose robots.txt answers 503, 429, nothing at
all (connection closed), 404, and normally with its own rules. Nothing may be requested from a host whose
robots.txt is unreachable or answers 5xx/429 but that robots.txt; a 404 robots.txt allows everything; each
robots.txt is fetched once per crawl (plus RETRY_TIMES retries of a failure).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from crawl_helpers import crawl, url_path
from localsite import BY_KEY, pages
from localsite.hosts import Route, StaticHost

RETRIES = 1
ROBOTS = {
    "main": None,  # its own rules, below
    "busy": Route(503, "Service Unavailable", "text/plain"),
    "limited": Route(429, "Too Many Requests", "text/plain"),
    "gone": Route(action="drop"),
    "absent": Route(404, "not here", "text/plain"),
    "ruled": Route(200, "User-agent: *\nDisallow: /rahasia/\n", "text/plain"),
}
ARTICLE = "/read/2026/11/20/1/berita-utama-hari-ini"
PRIVATE = "/private/read/2026/11/20/2/draf-redaksi"
HIDDEN = "/rahasia/read/2026/11/20/3/bocoran"


@pytest.fixture
def hosts() -> Iterator[dict[str, StaticHost]]:
    with ExitStack() as stack:
        started = {name: stack.enter_context(StaticHost()) for name in ROBOTS}
        main = started["main"]
        sitemaps = "".join(f"Sitemap: {h.url('/sitemap.xml')}\n" for h in started.values())
        rules = f"User-agent: *\nDisallow: /private/\n{sitemaps}"
        main.routes["/robots.txt"] = Route(200, rules, "text/plain")
        for name, host in started.items():
            if ROBOTS[name] is not None:
                host.routes["/robots.txt"] = ROBOTS[name]
            urls = "".join(f"<url><loc>{host.url(p)}</loc></url>" for p in (ARTICLE, PRIVATE, HIDDEN))
            host.routes["/sitemap.xml"] = Route(200, f"<urlset>{urls}</urlset>", "application/xml")
            for path in (ARTICLE, PRIVATE, HIDDEN):
                host.routes[path] = Route(200, pages.article_page(BY_KEY["menhub"], host.base_url))
        # redirects to other hosts: checked against the robots.txt of the host they lead to
        for name in ("busy", "ruled"):
            main.routes[f"/go/{name}"] = Route(301, location=started[name].url(HIDDEN + "-via-go"))
        go = "".join(f"<url><loc>{main.url(f'/go/{name}')}</loc></url>" for name in ("busy", "ruled"))
        main.routes["/sitemap.xml"] = Route(
            200, main.routes["/sitemap.xml"].body.replace("</urlset>", go + "</urlset>"), "application/xml"
        )
        yield started


def test_robots_txt_per_host_rfc9309(hosts: dict[str, StaticHost], tmp_path: Path) -> None:
    result = crawl(
        tmp_path, "sitemap", f"url={hosts['main'].url('/robots.txt')}", settings=(f"RETRY_TIMES={RETRIES}",)
    )
    requested = {name: host.requests for name, host in hosts.items()}
    for name in ("busy", "limited", "gone"):  # disallow all: their robots.txt, retried, and nothing else
        assert requested[name] == ["/robots.txt"] * (1 + RETRIES), name
    assert sorted(requested["main"]) == sorted(
        ["/robots.txt", "/sitemap.xml", ARTICLE, HIDDEN, "/go/busy", "/go/ruled"]
    )
    assert sorted(requested["absent"]) == sorted(["/robots.txt", "/sitemap.xml", ARTICLE, PRIVATE, HIDDEN])
    assert sorted(requested["ruled"]) == sorted(["/robots.txt", "/sitemap.xml", ARTICLE, PRIVATE])
    stored = sorted((url.split("/")[2], url_path(url)) for url in (i["url"] for i in result.items))
    expected = {
        "main": (ARTICLE, HIDDEN), "absent": (ARTICLE, PRIVATE, HIDDEN), "ruled": (ARTICLE, PRIVATE),
    }  # fmt: skip
    assert stored == sorted((hosts[n].base_url.split("/")[2], p) for n, ps in expected.items() for p in ps)
    stats = result.stats
    assert stats["robotstxt/disallow_all"] == 3 and stats["robotstxt/allow_all"] == 1
    # 3 sitemaps on unreachable hosts, PRIVATE on main, HIDDEN on ruled, and both redirects' targets
    assert stats["robotstxt/forbidden"] == 7
    assert stats["robotstxt/forbidden/unreachable"] == 4
    assert stats["robotstxt/request_count"] == len(hosts)  # once per host, the spider's own read included
    for status in (503, 429):
        assert f"{status}: nothing there is requested in this crawl" in result.log
