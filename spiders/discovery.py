"""Reading sitemaps and feeds into entries (URL + announced date/title), tolerating broken input.

Pure functions over bytes, so they are tested without a crawl. `read_sitemap`/`read_feed` yield entries as
they are parsed (the spider requests articles while a big sitemap is still being read); `parse_sitemap` and
`parse_feed` collect them into a `Listing`. A malformed document is reported through `error` together with
whatever entries could be salvaged before the damage: the spider counts and logs the error and still uses the
salvage, so a truncated sitemap loses only what is really missing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
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


class Reader:
    """The entries of a sitemap or feed as they are parsed, so a crawl can request the first articles of a
    100,000-URL sitemap before the last ones are read.

    `kind` is known once the reader is opened (the root element); `error` and `count` are final once the
    entries have been iterated. Only items complete before any damage are yielded.
    """

    def __init__(
        self,
        body: bytes,
        names: tuple[str, ...],
        convert: Callable[[etree._Element], Entry | None],
        error: str | None = None,
    ) -> None:
        self.kind = ""
        self.error = error
        self.count = 0
        self._names = names
        self._convert = convert
        self._lines: list[bytes] | None = None
        self._events: Iterator[tuple[str, etree._Element]] = iter(())
        if error is not None:
            return
        if not body.strip():
            self.error = "empty document"
            return
        stripped = body.lstrip()
        if stripped[:4].lower() == b"http":  # a plain-text sitemap: one URL a line
            self.kind, self._lines = "text", stripped.splitlines()
            return
        self._events = etree.iterparse(
            BytesIO(body),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
        )
        try:
            for event, el in self._events:
                if event == "start":
                    self.kind = _local(el.tag)
                    break
        except etree.XMLSyntaxError as exc:
            self.error = f"malformed XML: {exc}"

    def __iter__(self) -> Iterator[Entry]:
        if self._lines is not None:
            for line in self._lines:
                url = line.strip().decode("utf-8", "replace")
                if url.startswith(("http://", "https://")):
                    self.count += 1
                    yield Entry(url)
            return
        try:
            for event, el in self._events:
                if event == "end" and _local(el.tag) in self._names:
                    entry = self._convert(el)
                    el.clear()
                    if entry:
                        self.count += 1
                        yield entry
        except etree.XMLSyntaxError as exc:
            self.error = f"malformed XML: {exc}"


def read_sitemap(body: bytes, base_url: str = "", max_size: int = 0) -> Reader:
    """A sitemap index, a urlset (plain or Google News), or a plain-text sitemap (kind "urlset")."""
    try:
        body = gunzip_if_needed(body, max_size)
    except (zlib.error, ValueError) as exc:
        return Reader(b"", (), _no_entry, error=f"bad gzip data: {exc}")

    def convert(node: etree._Element) -> Entry | None:
        loc = _text(_child(node, "loc"))
        if not loc:
            return None
        news = _child(node, "news")
        published = parse_date(_text(_child(news, "publication_date"))) if news is not None else None
        title = _text(_child(news, "title")) if news is not None else None
        url = loc if loc.startswith(("http://", "https://")) else urljoin(base_url, loc)
        return Entry(url, published or parse_date(_text(_child(node, "lastmod"))), title)

    reader = Reader(body, ("sitemap", "url"), convert)
    if reader.kind == "text":
        reader.kind = "urlset"
    elif reader.kind not in ("sitemapindex", "urlset"):
        reader.error = reader.error or f"not a sitemap (root element <{reader.kind or '?'}>)"
        reader.kind, reader._events = "", iter(())
    return reader


def read_feed(body: bytes, base_url: str = "") -> Reader:
    """RSS 0.9x/1.0/2.0 (kind "rss") or Atom ("atom"): item/entry links with their dates and titles."""

    def convert(item: etree._Element) -> Entry | None:
        url = _item_link(item)
        if not url:
            return None
        when = None
        for name in ("published", "pubdate", "date", "issued", "updated", "modified"):
            if when := parse_date(_text(_child(item, name))):
                break
        return Entry(urljoin(base_url, url), when, _text(_child(item, "title")))

    reader = Reader(body, ("item", "entry"), convert)
    if reader.kind in ("rss", "rdf", "feed"):
        reader.kind = "atom" if reader.kind == "feed" else "rss"
    else:
        reader.error = reader.error or f"not a feed (root element <{reader.kind or '?'}>)"
        reader.kind, reader._events, reader._lines = "", iter(()), None
    return reader


def _listing(reader: Reader) -> Listing:
    entries = list(reader)
    return Listing(reader.kind, entries, reader.error)


def parse_sitemap(body: bytes, base_url: str = "", max_size: int = 0) -> Listing:
    """`read_sitemap` with every entry read into a list."""
    return _listing(read_sitemap(body, base_url, max_size))


def parse_feed(body: bytes, base_url: str = "") -> Listing:
    """`read_feed` with every entry read into a list."""
    return _listing(read_feed(body, base_url))


def _no_entry(el: etree._Element) -> Entry | None:
    return None


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
