"""Reading sitemaps and feeds into entries (URL + announced date/title), tolerating broken input.

Pure functions over bytes, so they are tested without a crawl. A malformed document is reported through
`Listing.error` together with whatever entries could be salvaged before the damage: the spider counts and logs
the error and still uses the salvage, so a truncated sitemap loses only what is really missing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from urllib.parse import urljoin

from lxml import etree

from .dates import parse_date

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Entry:
    """One URL announced by a sitemap or feed."""

    url: str
    published: datetime | None = None
    title: str | None = None


@dataclass
class Listing:
    """A parsed sitemap or feed: `kind` is sitemapindex, urlset, rss, atom, or "" when unrecognisable."""

    kind: str
    entries: list[Entry] = field(default_factory=list)
    error: str | None = None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def _child(el: etree._Element, name: str) -> etree._Element | None:
    """The direct child called `name`, else the first such descendant (namespaces ignored)."""
    for child in el:
        if _local(child.tag) == name:
            return child
    for child in el.iter():
        if child is not el and _local(child.tag) == name:
            return child
    return None


def gunzip_if_needed(body: bytes, max_size: int = 0) -> bytes:
    """Decompress a gzipped sitemap file (HTTP compression is already undone); bounded by max_size."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = decompressor.decompress(body, max_size + 1 if max_size else 0)
    if max_size and len(data) > max_size:
        raise ValueError(f"gzipped sitemap larger than {max_size} bytes once decompressed")
    if not data and not decompressor.eof:
        raise ValueError("truncated or corrupt gzip stream")
    return data


def _complete_items(
    body: bytes, names: tuple[str, ...], convert: Callable[[etree._Element], Entry | None]
) -> tuple[str, list[Entry], str | None]:
    """Root element name and the entries of every item element that was complete before any damage."""
    if not body.strip():
        return "", [], "empty document"
    root_kind, entries, error = "", [], None
    events = etree.iterparse(
        BytesIO(body), events=("start", "end"), resolve_entities=False, no_network=True, remove_comments=True
    )
    try:
        for event, el in events:
            if event == "start":
                root_kind = root_kind or _local(el.tag)
            elif _local(el.tag) in names:
                if entry := convert(el):
                    entries.append(entry)
                el.clear()
    except etree.XMLSyntaxError as exc:
        error = f"malformed XML: {exc}"
    return root_kind, entries, error


def parse_sitemap(body: bytes, base_url: str = "", max_size: int = 0) -> Listing:
    """A sitemap index, a urlset (plain or Google News), or a plain-text sitemap (one URL a line)."""
    try:
        body = gunzip_if_needed(body, max_size)
    except (zlib.error, ValueError) as exc:
        return Listing("", error=f"bad gzip data: {exc}")
    stripped = body.lstrip()
    if stripped[:4].lower() == b"http":
        urls = [line.strip().decode("utf-8", "replace") for line in stripped.splitlines()]
        return Listing("urlset", [Entry(u) for u in urls if u.startswith(("http://", "https://"))])

    def convert(node: etree._Element) -> Entry | None:
        loc = _text(_child(node, "loc"))
        if not loc:
            return None
        news = _child(node, "news")
        published = parse_date(_text(_child(news, "publication_date"))) if news is not None else None
        title = _text(_child(news, "title")) if news is not None else None
        return Entry(urljoin(base_url, loc), published or parse_date(_text(_child(node, "lastmod"))), title)

    kind, entries, error = _complete_items(body, ("sitemap", "url"), convert)
    if kind not in ("sitemapindex", "urlset"):
        return Listing("", error=error or f"not a sitemap (root element <{kind or '?'}>)")
    return Listing(kind, entries, error)


def parse_feed(body: bytes, base_url: str = "") -> Listing:
    """RSS 0.9x/1.0/2.0 or Atom: item/entry links with their dates and titles."""

    def convert(item: etree._Element) -> Entry | None:
        url = _item_link(item)
        if not url:
            return None
        when = None
        for name in ("published", "pubdate", "date", "issued", "updated", "modified"):
            if when := parse_date(_text(_child(item, name))):
                break
        return Entry(urljoin(base_url, url), when, _text(_child(item, "title")))

    kind, entries, error = _complete_items(body, ("item", "entry"), convert)
    if kind not in ("rss", "rdf", "feed"):
        return Listing("", error=error or f"not a feed (root element <{kind or '?'}>)")
    return Listing("atom" if kind == "feed" else "rss", entries, error)


def _item_link(item: etree._Element) -> str | None:
    links = [c for c in item if _local(c.tag) == "link"]
    with_href = [c for c in links if c.get("href")]
    if with_href:  # Atom
        for link in with_href:
            if link.get("rel", "alternate") == "alternate":
                return link.get("href")
        return with_href[0].get("href")
    link = _text(links[0]) if links else None
    if link:
        return link
    guid = _child(item, "guid")
    if guid is not None and guid.get("isPermaLink", "true").lower() == "true":
        return _text(guid)
    return None
