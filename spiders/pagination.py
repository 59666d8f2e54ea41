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
_LETTER = re.compile(r"[a-z]", re.IGNORECASE)
#: Cheap pre-filter: an href that may be a numbered page link (a page parameter, or /N at the path's end).
_PAGE_LINK = re.compile(r"[?&](?:" + "|".join(PAGE_PARAMS) + r")=\d|/\d{1,2}/?(?:[?#]|$)", re.IGNORECASE)
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
    if not parts.query and (found := _path_page(parts.path)):
        base, n = found
        return urlunsplit(parts._replace(path=base, fragment="")), n
    return urlunsplit(parts._replace(fragment="")), 1


def _path_page(path: str) -> tuple[str, int] | None:
    """`/judul-berita/2` -> (`/judul-berita`, 2): a page number (up to MAX_PAGES) after a slug segment.

    Plain string operations, linear in the path's length (a regex for this backtracked cubically: 182 ms for
    one 1,000-character URL, and it runs on every sitemap URL).
    """
    base, sep, number = path.removesuffix("/").rpartition("/")
    if not sep or not number.isascii() or not number.isdigit() or number[0] == "0" or len(number) > 2:
        return None
    slug = base.rpartition("/")[2]
    letter = _LETTER.search(slug)  # a word before a hyphen: a slug, not an id like 2026-11
    if letter is None or "-" not in slug[letter.start() :] or int(number) > MAX_PAGES:
        return None
    return base, int(number)


def is_continuation(url: str) -> bool:
    """True for page 2+ of a paginated article: never requested or stored as an article on its own."""
    if "?" not in url and not url.rstrip("/")[-1:].isdigit():  # the common case, without parsing the URL
        return False
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

    Only continuations of the same article are accepted, never a page already in `seen`. One pass over the
    page's links with lxml; only hrefs shaped like a page link are resolved (this ran for every link of every
    article and was the crawl's biggest CPU cost).
    """
    base, current = split_page(url)
    root = selector.root
    if not hasattr(root, "iter"):
        return None
    by_rel: list[str] = []
    by_text: list[str] = []
    numbered: list[str] = []
    for el in root.iter("a", "link"):
        href = el.get("href")
        if not href:
            continue
        if "next" in (el.get("rel") or "").lower().split():
            by_rel.append(href)
        if el.tag == "a":
            if _NEXT_TEXT.match(" ".join(el.text_content().split())):
                by_text.append(href)
            elif _PAGE_LINK.search(href) and split_page(urljoin(url, href.strip())) == (base, current + 1):
                numbered.append(href)
    for href in (*by_rel, *by_text, *numbered[:1]):
        absolute = urljoin(url, href.strip())
        other_base, n = split_page(absolute)
        if other_base == base and n > current and absolute not in seen:
            return absolute
    return None
