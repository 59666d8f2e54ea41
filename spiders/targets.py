"""What `newsclean crawl TARGET` means: a spider name and its arguments for one target.

    kompas                               -> outlet  {outlet: kompas}       (cleaners/rules/kompas.toml)
    path/to/myoutlet.toml                -> outlet  {profile: path}        (an outlet file of your own)
    https://site/ or site.com            -> site    {url}                  (robots.txt sitemaps, feeds, links)
    https://site/robots.txt              -> sitemap {url}
    https://site/sitemap.xml[.gz]        -> sitemap {url}                  ("sitemap" in the path)
    https://site/rss, /feed, .../atom    -> feed    {url}
    https://site/kanal/nasional          -> site    {url, sources: links}  (link crawl from that page)

The sitemap and feed spiders recognise each other's documents by content, so a guess from the URL that is
wrong (a feed at /index.xml) still works. The caller adds since/until/max_articles etc. to the kwargs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cleaners.rules import RulesError

from .outlets import crawlable, get_outlet

_FEED_PATH = re.compile(r"(?:^|[/._-])(?:rss|feed|feeds|atom)(?:$|[/._-])|\.(?:rss|atom)$", re.IGNORECASE)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def resolve(target: str) -> tuple[str, dict[str, str]]:
    """Spider name and kwargs for one crawl target; ValueError (RulesError for outlets) saying why not."""
    target = target.strip()
    if not target:
        raise ValueError("empty crawl target")
    if target.endswith(".toml"):
        get_outlet(target)  # validated now: a bad file is one message before any crawl starts
        return "outlet", {"profile": target}
    if _NAME.match(target) and "." not in target:
        if target not in crawlable():
            known = ", ".join(sorted(crawlable()))
            raise RulesError(f"unknown outlet {target!r}: give a URL or one of: {known}")
        return "outlet", {"outlet": target}
    url = target if "://" in target else f"https://{target}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a crawl target: {target!r} (an http(s) URL or an outlet name)")
    path = parts.path.lower()
    if path in ("", "/") and not parts.query:
        return "site", {"url": url if parts.path else url + "/"}
    if path.endswith("/robots.txt") or "sitemap" in path:
        return "sitemap", {"url": url}
    if _FEED_PATH.search(path) or _FEED_PATH.search(parts.query.lower().replace("=", "/")):
        return "feed", {"url": url}
    return "site", {"url": url, "sources": "links"}
