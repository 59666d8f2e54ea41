"""A second chance for broken markup: BeautifulSoup's forgiving parser, only when lxml lost the body.

libxml2 reads an unclosed `<title>` or `<!--` as swallowing the rest of the page, so the lxml tree has no
body text although the markup is full of paragraphs. Python's html.parser, driven by BeautifulSoup,
recovers them. A whole-page BeautifulSoup parse costs more than trafilatura's whole extraction, so it runs
only on pages whose lxml tree shows almost no body text while the markup holds an article's worth of words.
"""

from __future__ import annotations

import logging
import re

from bs4 import BeautifulSoup, Tag
from lxml import etree

logger = logging.getLogger(__name__)

_BODY_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]", smart_strings=False
)
#: Computed in C over the whole body (scripts included): cheap enough to run on every page.
_BODY_LENGTH = etree.XPath("string-length(normalize-space(//body))")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
#: Below this many visible characters in <body>, the lxml tree may have lost the page.
_MIN_BODY_CHARS = 500
#: ...when the raw markup holds at least this many words outside tags, scripts and styles.
_MIN_MARKUP_WORDS = 150
#: Pages larger than this are not re-parsed: BeautifulSoup needs several times the page's size in memory.
MAX_REPAIR_CHARS = 5_000_000


def body_chars(tree: etree._Element) -> int:
    """Visible characters (whitespace excluded) in the page's <body>."""
    return len("".join("".join(_BODY_TEXT(tree)).split()))


def needs_repair(tree: etree._Element, html: str) -> bool:
    """True when the markup holds far more text than lxml's tree shows: a parse that swallowed the page."""
    if len(html) > MAX_REPAIR_CHARS or _BODY_LENGTH(tree) >= _MIN_BODY_CHARS:
        return False
    if body_chars(tree) >= _MIN_BODY_CHARS:  # the body's text was mostly scripts: count it properly
        return False
    words = _TAG.sub(" ", _SCRIPT_STYLE.sub(" ", html)).split()
    return len(words) >= _MIN_MARKUP_WORDS


def repair_markup(html: str) -> str:
    """The page re-serialised by BeautifulSoup's html.parser, with well-formed nesting lxml reads as meant."""
    soup = BeautifulSoup(html, "html.parser")
    for title in soup.find_all("title"):
        # html.parser closes an unclosed <title> at </head> with the head's tags nested inside: lift them out
        nested = [child.extract() for child in list(title.contents) if isinstance(child, Tag)]
        if nested:
            title.insert_after(*nested)
    logger.debug("re-parsed broken markup with html.parser")
    return str(soup)
