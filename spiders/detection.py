"""Is this URL or page a news article? URL shape (profile patterns or generic) plus page signals.

URL shape decides before a request (follow as article or as listing); page signals (og:type, JSON-LD
NewsArticle, article:published_time) decide after it. An explicit non-article og:type with no article
JSON-LD wins over the URL, so section pages with article-like URLs are not stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from parsel import Selector

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
}
_GENERIC_ARTICLE = (
    re.compile(r"/(?:read|berita|news|artikel|baca)/.*\d"),
    re.compile(r"/20\d\d/(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/[^/]+"),
    re.compile(r"/\d{5,}[-/][a-z0-9]+(?:-[a-z0-9]+){2,}"),
    re.compile(r"/[a-z0-9]+(?:-[a-z0-9]+){4,}(?:\.html?)?/?$"),
)
_GENERIC_NOT_ARTICLE = re.compile(
    r"/(?:tag|tags|topik|topic|kategori|category|indeks|search|cari|author|penulis|login|register|amp/?$)(?:/|$)",
    re.IGNORECASE,
)
_MEDIA_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|mp4|mp3|webm|css|js|ico|zip|woff2?)$", re.IGNORECASE)


def article_shaped(
    url: str, patterns: tuple[re.Pattern[str], ...] = (), excludes: tuple[re.Pattern[str], ...] = ()
) -> bool:
    """URL looks like an article: the profile's patterns when given, else the generic news URL shapes."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if any(p.search(path) for p in excludes) or _MEDIA_EXT.search(parts.path):
        return False
    if patterns:
        return any(p.search(path) for p in patterns)
    if _GENERIC_NOT_ARTICLE.search(parts.path):
        return False
    return any(p.search(parts.path.lower()) for p in _GENERIC_ARTICLE)


def fetchable(url: str, excludes: tuple[re.Pattern[str], ...] = ()) -> bool:
    """Worth requesting at all (not an image/script/media file, not excluded by the profile)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return not _MEDIA_EXT.search(parts.path) and not any(p.search(path) for p in excludes)


@dataclass(frozen=True)
class PageSignals:
    og_type: str | None
    jsonld_article: bool
    published: str | None
    title: str | None

    @property
    def says_article(self) -> bool:
        return self.og_type == "article" or self.jsonld_article

    @property
    def says_not_article(self) -> bool:
        return self.og_type is not None and not self.says_article


def _jsonld_objects(selector: Selector) -> list[dict]:
    found: list[dict] = []
    for raw in selector.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return found


def _types(obj: dict) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def page_signals(selector: Selector) -> PageSignals:
    og = selector.css('meta[property="og:type"]::attr(content)').get()
    articles = [o for o in _jsonld_objects(selector) if _types(o) & _ARTICLE_TYPES]
    published = selector.css(
        'meta[property="article:published_time"]::attr(content), '
        'meta[itemprop="datePublished"]::attr(content)'
    ).get()
    title = None
    for obj in articles:
        published = published or (
            obj.get("datePublished") if isinstance(obj.get("datePublished"), str) else None
        )
        title = title or (obj.get("headline") if isinstance(obj.get("headline"), str) else None)
    title = title or selector.css('meta[property="og:title"]::attr(content)').get()
    return PageSignals(og.strip().lower() if og and og.strip() else None, bool(articles), published, title)


def is_article(signals: PageSignals, url_is_article: bool, announced: bool = False) -> bool:
    """Page signals first; without any, trust the URL shape or an announcement by a news sitemap/feed."""
    if signals.says_article:
        return True
    if signals.says_not_article:
        return False
    return url_is_article or announced
