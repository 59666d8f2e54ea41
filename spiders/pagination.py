"""Multi-page articles: recognising continuation URLs and finding the next page of an article.

A continuation is the same article path with a page number (`?page=2`, `?halaman=3`, `/slug/2`). Only links of
that shape are followed as next pages, so a "Berita selanjutnya" link to another article is never stitched in,
and a continuation URL found in a sitemap is recognised and not stored as an article of its own.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

#: Query parameters outlets use for the page number of an article.
PAGE_PARAMS = ("page", "halaman", "hal", "pg", "paged")
#: At most this many pages are stitched into one article.
MAX_PAGES = 20
_PATH_PAGE = re.compile(r"^(?P<base>.*/[^/]*[a-z][^/]*-[^/]*)/(?P<n>[1-9]\d?)/?$", re.IGNORECASE)
_NEXT_TEXT = re.compile(
    r"^\s*(?:halaman\s+(?:selanjutnya|berikutnya)|selanjutnya|berikutnya|lanjut(?:kan)?|next(?:\s+page)?)"
    r"\s*(?:[>»›→]+\s*)?$",
    re.IGNORECASE,
)


def split_page(url: str) -> tuple[str, int]:
    """(URL of the article's first page, page number) for any page of an article; page 1 for a plain URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (key, value) in enumerate(query):
        if key.lower() in PAGE_PARAMS and value.isdigit() and 1 <= int(value) <= 999:
            rest = query[:i] + query[i + 1 :]
            return urlunsplit(parts._replace(query=urlencode(rest), fragment="")), int(value)
    match = _PATH_PAGE.match(parts.path)
    if match and int(match["n"]) <= MAX_PAGES and not parts.query:
        return urlunsplit(parts._replace(path=match["base"], fragment="")), int(match["n"])
    return urlunsplit(parts._replace(fragment="")), 1


def is_continuation(url: str) -> bool:
    """True for page 2+ of a paginated article: never requested or stored as an article on its own."""
    return split_page(url)[1] > 1


def with_query(url: str, param: str) -> str:
    """The URL with `key=value` set in its query (the outlet's single-page view, e.g. page=all)."""
    key, _, value = param.partition("=")
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != key]
    query.append((key, value))
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def without_query(url: str, param: str) -> str:
    """Undo `with_query`: the article URL without the single-page parameter."""
    key = param.partition("=")[0]
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != key]
    return urlunsplit(parts._replace(query=urlencode(query)))


def next_page(selector: Selector, url: str, seen: set[str]) -> str | None:
    """The next page of the article at `url`, from rel=next, a "Halaman selanjutnya" link, or page numbers.

    Only continuations of the same article are accepted, never a page already in `seen`.
    """
    base, current = split_page(url)
    candidates: list[str] = []
    candidates += selector.css('link[rel~="next"]::attr(href), a[rel~="next"]::attr(href)').getall()
    for link in selector.css("a[href]"):
        text = " ".join(t.strip() for t in link.css("::text").getall() if t.strip())
        if _NEXT_TEXT.match(text):
            candidates.append(link.attrib["href"])
    numbered = {}
    for href in selector.css("a[href]::attr(href)").getall():
        other_base, n = split_page(urljoin(url, href))
        if other_base == base and n == current + 1:
            numbered[n] = href
    candidates += numbered.values()
    for href in candidates:
        absolute = urljoin(url, href.strip())
        other_base, n = split_page(absolute)
        if other_base == base and n > current and absolute not in seen:
            return absolute
    return None
