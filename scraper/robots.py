"""robots.txt obeyed per host as RFC 9309 says, fetched once per host per crawl, for every request.

Scrapy's RobotsTxtMiddleware (replaced by this one in scraper/settings.py) parses whatever body comes back, so
a robots.txt answering 500 was read as "no rules" and everything was allowed; an unreachable robots.txt
allowed everything too; and its robots.txt request for another host (a sitemap there) carried no
`allow_offsite`, so the offsite middleware dropped it and that host's rules were never read. Here:

- 2xx: the rules apply (parsed by ROBOTSTXT_PARSER, Protego by default);
- 4xx other than 429 ("unavailable", RFC 9309 2.3.1.3): everything is allowed;
- 429, 5xx, and a robots.txt that cannot be fetched at all (refused, timed out, reset, cut short:
  "unreachable", 2.3.1.4): nothing on that host is requested in this crawl. RETRY_TIMES applies to the
  robots.txt request like to any other, so a brief outage is ridden out; the next crawl asks again.

Rules are cached per crawl by scheme, host and port (2.3.1); redirects are followed as for any request. A
spider's own request for a host's /robots.txt (to read its Sitemap: lines) is answered from the cache, so
each robots.txt is downloaded once per crawl (plus retries of a failure).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from scraper.failures import describe

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)

ALLOW_ALL, DISALLOW_ALL, RULES = "allow_all", "disallow_all", "rules"


@dataclass
class Policy:
    """What one host's robots.txt says: `RULES` (ask `parser`), `ALLOW_ALL` or `DISALLOW_ALL`, and why."""

    verdict: str
    reason: str
    parser: RobotParser | None = None
    response: Response | None = None


class RobotsPolicyMiddleware:
    """Downloader middleware: drop requests their host's robots.txt forbids (IgnoreRequest, counted)."""

    DOWNLOAD_PRIORITY = 1000

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self._default_agent: str = settings.get("USER_AGENT") or ""
        self._robots_agent: str | None = settings.get("ROBOTSTXT_USER_AGENT") or None
        self._parser_cls: Any = load_object(settings.get("ROBOTSTXT_PARSER"))
        build_from_crawler(self._parser_cls, crawler, b"")  # fail now if the parser's dependency is missing
        self._policies: dict[str, Policy | Deferred[Policy]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsPolicyMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> Response | None:
        if request.meta.get("dont_obey_robotstxt"):
            return None
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https"):
            return None
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        policy = await self._policy(key)
        if parts.path == "/robots.txt" and not parts.query:
            if policy.response is None:
                return None  # not fetched (an error): let this request try and fail on its own
            request.meta["dont_retry"] = True  # a cached failure must not be "retried" from the cache
            return policy.response.replace(request=request)
        if policy.verdict == ALLOW_ALL or (policy.verdict == RULES and self._allowed(policy, request)):
            return None
        self.stats.inc_value("robotstxt/forbidden")
        if policy.verdict == DISALLOW_ALL:
            self.stats.inc_value("robotstxt/forbidden/unreachable")
            logger.debug("Forbidden (robots.txt of %s %s): %s", key, policy.reason, request)
            raise IgnoreRequest(f"Forbidden by robots.txt: {key}/robots.txt {policy.reason}")
        logger.debug("Forbidden by robots.txt: %s", request)
        raise IgnoreRequest("Forbidden by robots.txt")

    def _allowed(self, policy: Policy, request: Request) -> bool:
        agent = self._robots_agent or request.headers.get(b"User-Agent") or self._default_agent
        assert policy.parser is not None
        return bool(policy.parser.allowed(request.url, agent))

    async def _policy(self, key: str) -> Policy:
        known = self._policies.get(key)
        if isinstance(known, Policy):
            return known
        if known is None:  # first request for this host: fetch its robots.txt, the others wait for it
            waiting: Deferred[Policy] = Deferred()
            self._policies[key] = waiting
            try:
                policy = await self._fetch(key)
            except Exception as exc:  # never leave the requests waiting for this host hanging
                policy = self._decided(key, Policy(DISALLOW_ALL, f"could not be read ({describe(exc)})"))
            self._policies[key] = policy
            waiting.callback(policy)
            return policy
        return await maybe_deferred_to_future(known)

    async def _fetch(self, key: str) -> Policy:
        url = f"{key}/robots.txt"
        request = Request(
            url,
            priority=self.DOWNLOAD_PRIORITY,
            callback=NO_CALLBACK,
            # on another host than the crawl's (a sitemap there): the offsite middleware must let it through
            meta={"dont_obey_robotstxt": True, "allow_offsite": True},
        )
        self.stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # refused, timed out, reset, cut short, too many redirects...
            reason = describe(exc)
            self.stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            if isinstance(exc, IgnoreRequest):  # e.g. more than REDIRECT_MAX_TIMES redirects: unavailable
                return self._decided(key, Policy(ALLOW_ALL, f"not fetched ({reason})"))
            return self._decided(key, Policy(DISALLOW_ALL, f"unreachable ({reason})"))
        self.stats.inc_value("robotstxt/response_count")
        self.stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        status = response.status
        if 200 <= status < 300:
            parser = build_from_crawler(self._parser_cls, self.crawler, response.body)
            return self._decided(key, Policy(RULES, f"answered {status}", parser, response))
        if status == 429 or status >= 500:
            return self._decided(key, Policy(DISALLOW_ALL, f"answered {status}", response=response))
        return self._decided(key, Policy(ALLOW_ALL, f"answered {status}", response=response))

    def _decided(self, key: str, policy: Policy) -> Policy:
        if policy.verdict == DISALLOW_ALL:
            self.stats.inc_value("robotstxt/disallow_all")
            logger.warning(
                "robots.txt of %s %s: nothing there is requested in this crawl (RFC 9309: disallow all)",
                key, policy.reason,
            )  # fmt: skip
        elif policy.verdict == ALLOW_ALL:
            self.stats.inc_value("robotstxt/allow_all")
            logger.info("robots.txt of %s %s: everything there is allowed (RFC 9309)", key, policy.reason)
        return policy
