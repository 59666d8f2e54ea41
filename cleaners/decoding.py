"""Turn page bytes into text: BOM, then UTF-8, then the declared charset, then detection.

UTF-8 is tried before the declared charset because the commonest lie on news sites is a page declared
ISO-8859-1/windows-1252 that is really UTF-8; a byte string that decodes as strict UTF-8 is almost never
anything else. A page that is UTF-8 but for a few broken bytes stays UTF-8 (the broken bytes become U+FFFD):
handed to charset detection it comes out as mac-latin2 or cp1250, the whole text mojibake.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
#: Browsers read these labels as windows-1252 (WHATWG encoding standard); so do we.
_WINDOWS_1252_ALIASES = {"latin_1", "iso8859-1", "ascii", "iso-8859-1"}
#: Control characters lxml refuses; tab, newline and carriage return stay.
_UTF8_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: C0 control bytes text never holds (tab, LF, FF, CR, ESC excepted); random or compressed data is ~10% these.
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
#: Above this share of control bytes in its first 64 KiB an input is binary data, not a page; a page with
#: a few stray NULs stays far below it.
BINARY_SHARE = 0.05


def declared_charset(data: bytes) -> str | None:
    """Charset named by a `<meta>` tag in the first 4 KiB, if it is one Python knows."""
    match = _META_CHARSET.search(data[:4096])
    return _normalise(match.group(1).decode("ascii", "ignore")) if match else None


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def binary_share(data: bytes) -> float:
    """Share of control bytes in the first 64 KiB; 0.0 after a BOM, since UTF-16/32 text is full of NULs."""
    sample = data[:65536]
    if not sample or sample.startswith(tuple(bom for bom, _ in _BOMS)):
        return 0.0
    return (len(sample) - len(sample.translate(None, _BINARY_BYTES))) / len(sample)


def decode_html(data: bytes, http_encoding: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns the text and the encoding used."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return strip_control_chars(data[len(bom) :].decode(encoding, "replace")), encoding
    try:
        return _decode_utf8(data), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = [_normalise(http_encoding), declared_charset(data)]
    if _mostly_utf8(data, declared_utf8="utf-8" in declared):
        # a UTF-8 page with a few broken bytes (a truncated multi-byte character, one pasted cp1252 quote):
        # replacing those few beats a detector's guess, which turns the whole text into mojibake
        return strip_control_chars(data.decode("utf-8", "replace")), "utf-8"
    for candidate in declared:
        if candidate and candidate != "utf-8":
            try:
                return strip_control_chars(data.decode(candidate)), candidate
            except (UnicodeDecodeError, LookupError):
                logger.debug("declared charset %s does not fit the bytes", candidate)
    best = charset_normalizer.from_bytes(data[:262144]).best()
    encoding = _normalise(best.encoding) if best is not None else None
    encoding = encoding or "cp1252"
    return strip_control_chars(data.decode(encoding, "replace")), encoding


#: Invalid UTF-8 sequences tolerated per valid multi-byte character (and at most this many outright
#: when the page does not say it is UTF-8).
_BROKEN_PER_VALID = 0.01
_BROKEN_UNDECLARED = 8


def _mostly_utf8(data: bytes, *, declared_utf8: bool) -> bool:
    """True when the bytes are UTF-8 but for a few invalid sequences."""
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd") - data.decode("utf-8", "ignore").count("\ufffd")
    valid = sum(1 for char in text if ord(char) > 127) - text.count("\ufffd")
    if declared_utf8:
        return broken <= max(_BROKEN_UNDECLARED, _BROKEN_PER_VALID * valid)
    return valid >= 20 and broken <= max(1, min(_BROKEN_UNDECLARED, 2 * _BROKEN_PER_VALID * valid))


def _decode_utf8(data: bytes) -> str:
    """Strict UTF-8 decode with control characters removed at the byte level.

    In UTF-8 a byte below 0x20 is always that control character, never part of a longer sequence, so
    `bytes.translate` (C speed) does what a regex over the decoded text would, at a fraction of the cost.
    """
    text = data.translate(None, _UTF8_CONTROL_BYTES).decode("utf-8")
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "").replace("\uffff", "")
    return text


def strip_control_chars(text: str) -> str:
    """Remove NUL and other control characters that break XML-based parsers."""
    return _CONTROL_CHARS.sub("", text)
