"""What a response body is, judged by its bytes, not by its Content-Type header.

Servers mislabel: HTML goes out as `image/jpeg` or `application/octet-stream`, an image as `text/html`. Scrapy
picks the response class from the header first, so one of those was stored as an article and the other reached
the cleaner as a page and came out as a cleaning `error`. The rule here is one rule for both: HTML is HTML
whatever the header says; a binary body (image, PDF, archive, media, NUL bytes) is never a page, and is
counted as a content error with what it is and what it claimed to be.
"""

from __future__ import annotations

import re

from scrapy.http import HtmlResponse, Response

#: Leading bytes of binary formats seen at article URLs (magic numbers).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"wOFF", "font"),
    (b"wOF2", "font"),
    (b"ID3", "mp3"),
    (b"OggS", "ogg"),
    (b"\x1aE\xdf\xa3", "webm"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
)
#: Kinds that are never a page.
BINARY = frozenset({kind for _, kind in _MAGIC} | {"webp", "mp4", "binary"})
_FIRST_ELEMENT = re.compile(rb"<([a-z][\w:.-]*)", re.I)
_XML_ROOTS = frozenset({b"rss", b"feed", b"urlset", b"sitemapindex", b"rdf:rdf", b"svg", b"opml"})
_HTML_TAG = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|p|div|article|main|script)[\s>/]", re.IGNORECASE
)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13})
_SNIFF_BYTES = 2048


def sniff(body: bytes) -> str:
    """`html`, `xml`, `json`, `text`, `empty`, or a binary kind (`jpeg`, `png`, `pdf`, ..., `binary`)."""
    head = body[:_SNIFF_BYTES]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, "ignore").encode("utf-8")
            break
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mp4"
    stripped = head.lstrip()
    if not stripped:
        return "empty"
    if b"\x00" in head or sum(head.count(c) for c in _CONTROL) > len(head) // 10:
        return "binary"
    first = _FIRST_ELEMENT.search(head)
    name = first.group(1).lower() if first else b""
    if name in _XML_ROOTS:
        return "xml"
    if name == b"html" or _HTML_TAG.search(head):
        return "html"
    if stripped[:1] == b"<":
        return "xml"
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "text"


def declared(response: Response) -> str:
    """The Content-Type the server declared (without parameters), or "no Content-Type"."""
    value = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
    return value or "no Content-Type"


def as_html(response: Response) -> tuple[HtmlResponse | None, str]:
    """The response as an HtmlResponse when its body is HTML (or text the server calls HTML), else None;
    with the sniffed kind either way."""
    kind = sniff(response.body)
    says_html = "html" in declared(response)
    if kind == "html" or (kind in ("text", "empty") and says_html):
        if isinstance(response, HtmlResponse):
            return response, kind
        return response.replace(cls=HtmlResponse), kind
    return None, kind
