"""The article container, made extractor-friendly: loose text runs wrapped, then isolated in a tiny document.

Works on the one lxml tree after pruning; nothing here re-parses the page.
"""

from __future__ import annotations

import itertools
import re

import lxml.html
from lxml import etree

#: Tags that start a new block; text runs between them get their own paragraph before extraction. (Unlike
#: cleaners.signals.BLOCK_TAGS, list items and table cells are not here: their runs are never regrouped.)
_BLOCK_TAGS = frozenset(
    (
        "p",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "figure",
        "form",
        "table",
        "ul",
        "ol",
        "dl",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "center",
    )
)


_LOOSE_TEXT = etree.XPath("(self::* | descendant::*[not(self::div)])/text()[normalize-space()]")


def _writes_div_paragraphs(container: etree._Element) -> bool:
    """More of the container's text sits in one-paragraph `<div>`s (blogspot) than in loose runs.

    A `<div>` whose text runs are separated by `<br><br>` is a holder of runs, not a paragraph.
    """
    in_divs = loose = 0
    for div in container.iterdescendants("div"):
        own = sum(len(t.strip()) for t in div.xpath("text()"))
        if not own:
            continue
        if _has_double_break(list(div)):
            loose += own
        else:
            in_divs += own
    loose += sum(len(text.strip()) for text in _LOOSE_TEXT(container))
    return in_divs > 0 and in_divs >= loose


#: Elements whose content is never split: paragraphs and lists keep their own structure, and inline
#: elements (`<strong>Sub-heading<br><br></strong>`) must not end up holding paragraphs.
_NOT_REGROUPED = frozenset(
    ("p", "pre", "table", "ul", "ol", "dl", "strong", "b", "em", "i", "a", "font", "u", "small", "sup", "sub")
)


def wrap_loose_text(container: etree._Element) -> None:
    """Give every run of bare text and inline markup between blocks or `<br><br>` breaks its own paragraph.

    Old layouts put the first paragraph (often with the dateline) straight into the container before the
    first `<p>` ("<div><b>Kapanlagi.com</b> - text<p>..."), or write the whole body as text runs separated
    by `<br><br>` (kompas and antara 2015); extractors drop such runs or flatten them into one block.
    The wrapper is a `<div>` when the container writes its paragraphs as `<div>`s with text and has no `<p>`:
    trafilatura reads divs as paragraphs only when a page has no `<p>` at all.
    """
    wrapper = "p" if container.find(".//p") is not None or not _writes_div_paragraphs(container) else "div"
    for element in list(container.iter()):
        if not len(element) or not isinstance(element.tag, str) or element.tag in _NOT_REGROUPED:
            continue
        children = list(element)
        if not any(child.tag in _BLOCK_TAGS for child in children) and not _has_double_break(children):
            continue
        has_loose = bool(element.text and element.text.strip()) or any(
            (child.tag not in _BLOCK_TAGS and isinstance(child.tag, str) and child.tag != "br")
            or (child.tag in _BLOCK_TAGS and child.tail and child.tail.strip())
            for child in children
        )
        if has_loose:
            _regroup(element, children, wrapper)


def _has_double_break(children: list[etree._Element]) -> bool:
    return any(
        first.tag == "br" and second.tag == "br" and not (first.tail and first.tail.strip())
        for first, second in itertools.pairwise(children)
    )


def _regroup(element: etree._Element, children: list[etree._Element], wrapper: str) -> None:
    text, element.text = element.text, None
    for child in children:
        element.remove(child)
    run: list[etree._Element] = []

    def flush() -> None:
        nonlocal text, run
        has_text = bool(text and text.strip()) or any(
            node.tag != "br" or (node.tail and node.tail.strip()) for node in run
        )
        if has_text:
            paragraph = etree.SubElement(element, wrapper)
            paragraph.text = text
            paragraph.extend(run)
        text, run = None, []

    for child in children:
        if child.tag == "br" and run and run[-1].tag == "br" and not (run[-1].tail and run[-1].tail.strip()):
            run.pop()  # "<br><br>": a paragraph break
            flush()
            text = child.tail
            continue
        if child.tag in _BLOCK_TAGS or not isinstance(child.tag, str):
            tail, child.tail = child.tail, None
            flush()
            element.append(child)
            text = tail
        else:
            run.append(child)
    flush()


#: Inline tags some outlets use as the article container ("<span itemprop=articleBody><div>...").
_INLINE_CONTAINERS = frozenset(("span", "font", "em", "b", "i", "strong", "a"))


#: Tags trafilatura accepts as the frame of an article (its first container XPath).
_FRAME_TAGS = frozenset(("article", "div", "main", "section"))


def isolate(container: etree._Element, *, whole: bool = False) -> lxml.html.HtmlElement:
    """A minimal document holding only the article container, so extraction cannot wander into rails.

    Inside it trafilatura still looks for a content frame and may settle on a smaller block (which is
    right when the container holds a headline and a byline around the text). With `whole`, the container
    itself is marked as the article body, so that a standfirst or a first section cannot stand for it.
    """
    document = lxml.html.Element("html")
    body = etree.SubElement(document, "body")
    container.tail = None
    if container.tag in _INLINE_CONTAINERS:
        container.tag = "div"  # an inline element holding blocks makes trafilatura fall back to flat text
    if whole:
        if container.tag not in _FRAME_TAGS:
            container.tag = "div"
        container.set("itemprop", "articleBody")
    body.append(container)
    return document


_MAYBE_HIDDEN = etree.XPath("descendant-or-self::*[@style or @hidden or @aria-hidden]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: A hidden element with at least this many characters of paragraphs is article text the reader reveals
#: by paging or scrolling (later pages of an article in the same file), not a popover or a menu.
REVEAL_MIN_CHARS = 200


def reveal_hidden_text(container: etree._Element) -> int:
    """Un-hide the blocks of article text hidden by inline CSS inside the container; returns how many.

    Extractors drop `display:none` blocks, which loses every page but the first of a multi-page article
    that a site ships in one file and pages through with script.
    """
    revealed = 0
    for element in _MAYBE_HIDDEN(container):
        style = element.get("style")
        hidden = element.get("hidden") is not None or element.get("aria-hidden") == "true"
        if not hidden and not (style and _HIDDEN_STYLE.search(style)):
            continue
        chars = sum(len(p.text_content()) for p in element.iter("p"))
        if chars < REVEAL_MIN_CHARS:
            continue
        if style:
            element.set("style", _HIDDEN_STYLE.sub("", style))
        for attribute in ("hidden", "aria-hidden"):
            if attribute in element.attrib:
                del element.attrib[attribute]
        revealed += 1
    return revealed
