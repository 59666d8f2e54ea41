"""The page tree: one lxml parse per page, pruning by rule, and the canonical URL.

Every later stage works on this one tree; nothing re-parses the whole page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import lxml.html
from lxml import etree

if TYPE_CHECKING:
    from .candidates import Candidate
    from .options import CleanOptions

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


_OWN_URL = (
    etree.XPath("//link[translate(@rel,'CANOICL','canoicl')='canonical']/@href"),
    etree.XPath("//meta[@property='og:url' or @name='og:url']/@content"),
)


def page_url(tree: lxml.html.HtmlElement, base: str | None = None) -> str | None:
    """The page's own URL from `<link rel=canonical>` or `og:url`, made absolute against `base`."""
    for xpath in _OWN_URL:
        for value in xpath(tree):
            value = value.strip()
            if leads_somewhere(value):
                absolute = urljoin(base, value) if base else value
                if absolute.startswith(("http://", "https://")):
                    return absolute
    return None


def leads_somewhere(href: str | None) -> bool:
    """A link target that leads to a page: not empty, not a `#` anchor, not `javascript:` (glossary pop-ups
    on some sites wrap every other word in such links, which must not make their text link text)."""
    return bool(href) and not href.startswith(("#", "javascript:"))  # type: ignore[union-attr]


_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")


def text_length(element: etree._Element) -> int:
    """Characters of the element's text, whitespace folded, counted in C (no string is built in Python)."""
    return int(_TEXT_LENGTH(element))


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
    for element in list(tree.iter("noscript")):
        if element.getparent() is None:
            continue
        if len(block_text(element)) > _NOSCRIPT_MAX_CHARS:
            element.tag = "div"
        else:
            remove_element(element)


def protected_elements(tree: etree._Element, candidates: Iterable[Candidate]) -> set[etree._Element]:
    """Elements pruning must keep: the body candidates and their ancestors, and the ancestors of `<h1>`s.

    A drop rule that matches one of them (a modifier class on the article's wrapper, a teaser's class on
    the article) would delete the article with it.
    """
    protected: set[etree._Element] = set()
    for candidate in candidates:
        protected.add(candidate.element)
        protected.update(candidate.element.iterancestors())
    for heading in tree.iter("h1"):
        protected.update(heading.iterancestors())
    return protected


_XML_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE[^>]*>)\s*)*"
    r"<(?P<root>urlset|sitemapindex|rss|feed|rdf:RDF)\b",
    re.IGNORECASE | re.DOTALL,
)
_XML_ROOT_NAME = re.compile(r"<(?:urlset|sitemapindex|rss|feed|rdf:RDF)\b", re.IGNORECASE)
_XML_KINDS = {
    "urlset": "sitemap",
    "sitemapindex": "sitemap index",
    "rss": "feed",
    "feed": "feed",
    "rdf:rdf": "feed",
}


def xml_document_kind(text: str) -> str | None:
    """'sitemap', 'sitemap index' or 'feed' when the input is one of those XML documents, not a page.

    Saved as `.html`, a sitemap otherwise parses as a page of 22,000 "words" of URLs.
    """
    head = text[:4096]
    if not _XML_ROOT_NAME.search(head):  # the full pattern backtracks over comments: only when it can match
        return None
    match = _XML_ROOT.match(head)
    return _XML_KINDS[match.group("root").lower()] if match else None


_COUNT_ELEMENTS = etree.XPath("count(//*)")
_COUNT_LINKS = etree.XPath("count(//a)")


def page_too_complex(tree: etree._Element, options: CleanOptions) -> str | None:
    """Why the page is refused before extraction (too many elements or links), or None.

    Extraction time grows faster than linearly with the number of blocks (a page of 20,000 one-line links
    takes seconds, 10^6 paragraphs take minutes); two counts in C decide before any of it is spent.
    """
    elements = int(_COUNT_ELEMENTS(tree))
    if elements > options.max_elements:
        return f"page too complex: {elements:,} elements (max_elements is {options.max_elements:,})"
    links = int(_COUNT_LINKS(tree))
    if links > options.max_links:
        return f"page too complex: {links:,} links (max_links is {options.max_links:,})"
    return None
