"""The page tree: one lxml parse per page, pruning by rule, and the canonical URL.

Every later stage works on this one tree; nothing re-parses the whole page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from .rules import Selector

logger = logging.getLogger(__name__)

_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    # Without it libxml2 caps a text node at 10 MB: a page with a >10 MB inline JSON blob lost all that came
    # after it. Input size is bounded by CleanOptions.max_bytes instead.
    huge_tree=True,
)
#: libxml2's own wording for a document nested too deeply; it stops parsing there.
_TOO_DEEP = re.compile(r"Excessive depth in document: (\d+)")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
#: A DOCTYPE with an internal subset (`<!DOCTYPE x [<!ENTITY ...>]>`): HTML never needs one, and its `]>`
#: would leak into the text. libxml2's HTML parser does not expand such entities: an entity bomb stays inert.
_DOCTYPE_SUBSET = re.compile(r"^\s*<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
#: Tags that never carry article text; dropping them first makes every later XPath cheaper.
_NEVER_TEXT = ("script", "style", "template", "svg", "canvas", "iframe", "object", "embed")
#: A `<noscript>` holding more text than this is a parser artefact (an unclosed `<noscript><div>` swallowed
#: the page), not a fallback notice: it is unwrapped instead of dropped.
_NOSCRIPT_MAX_CHARS = 500


class NotHTML(ValueError):
    """The input does not parse to an HTML document with any content."""


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page once; raises NotHTML when nothing usable comes out."""
    text = _XML_DECLARATION.sub("", text, count=1)
    text = _DOCTYPE_SUBSET.sub("", text, count=1)
    if not text.strip():
        raise NotHTML("the input is empty")
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NotHTML(f"not parseable as HTML: {exc}") from exc
    if tree is None or len(tree) == 0:
        raise NotHTML("the HTML has no elements")
    fatal = next((e.message for e in _PARSER.error_log if e.level_name == "FATAL"), None)
    if fatal:  # the parser stopped early: keep what came before, unless that is nothing readable
        deep = _TOO_DEEP.search(fatal)
        reason = f"markup nested more than {int(deep.group(1)):,} levels deep" if deep else fatal.strip()
        if len(" ".join(tree.text_content().split())) < 200:
            raise NotHTML(f"the HTML parser gave up: {reason}")
        logger.warning("the HTML parser stopped early (%s); cleaning what came before", reason)
    return tree


def page_url(tree: lxml.html.HtmlElement, base: str | None = None) -> str | None:
    """The page's own URL from `<link rel=canonical>` or `og:url`, made absolute against `base`."""
    for xpath in (
        "//link[translate(@rel,'CANOICL','canoicl')='canonical']/@href",
        "//meta[@property='og:url' or @name='og:url']/@content",
    ):
        for value in tree.xpath(xpath):
            value = value.strip()
            if value and not value.startswith(("javascript:", "#")):
                absolute = urljoin(base, value) if base else value
                if absolute.startswith(("http://", "https://")):
                    return absolute
    return None


def block_text(element: etree._Element) -> str:
    return " ".join(element.text_content().split()) if hasattr(element, "text_content") else ""


def remove_element(element: etree._Element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent's flow."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def strip_non_text(tree: etree._Element) -> None:
    """Drop elements that never hold article text (scripts, styles, embeds, `<noscript>` notices)."""
    etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    for element in tree.xpath("//noscript"):
        if element.getparent() is None:
            continue
        if len(block_text(element)) > _NOSCRIPT_MAX_CHARS:
            element.tag = "div"
        else:
            remove_element(element)


def select_body(tree: etree._Element, selectors: Iterable[Selector]) -> etree._Element | None:
    """The article container: the first selector that matches an element with real text in it wins, and
    among its matches the one with the most text (a teaser card can share the article's class)."""
    for selector in selectors:
        best, best_len = None, 79
        for element in selector.xpath(tree):
            if isinstance(element, etree._Element):
                length = len(block_text(element))
                if length > best_len:
                    best, best_len = element, length
        if best is not None:
            return best
    return None
