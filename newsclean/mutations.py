"""Mutated copies of a saved page: the template changes that break fitted selectors, applied on purpose.

Each mutation edits the page around its article container (the lowest element holding the gold body's
paragraphs, found from the gold, not from any rule), so that the cleaner meets the same article in a
template it has never seen: classes renamed, extra wrappers, modifier classes on the container and its
wrapper, a decoy teaser card carrying the container's class, paragraphs as `<br><br>` runs, the headline
moved inside the container. A mutation that cannot apply to a page (no container found) is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html
from lxml import etree

from cleaners.decoding import decode_html
from cleaners.dom import NotHTML, parse_html, remove_element
from cleaners.signals import text_blocks, words

#: The decoy teaser: a headline link and a summary, text the gold body does not hold (scored as leaks).
DECOY_HEADLINE = "Warga Keluhkan Jalan Rusak di Perbatasan Kota Menjelang Musim Hujan Tahun Ini"
DECOY_SUMMARY = (
    "Sejumlah warga di kawasan perbatasan mengeluhkan kondisi jalan yang rusak parah dan berlubang, "
    "sementara pemerintah daerah belum memberikan kepastian soal jadwal perbaikan jalan tersebut."
)
DECOY_LEAKS = (DECOY_HEADLINE, DECOY_SUMMARY)
MODIFIER_CLASSES = "has-caption category-newsletter"


@dataclass(frozen=True, slots=True)
class Mutation:
    name: str
    description: str
    apply: Callable[[etree._Element, etree._Element, etree._Element | None], None]
    #: Strings the mutation adds to the page that must not reach the body.
    leaks: tuple[str, ...] = ()


def _renamed(value: str) -> str:
    return "x" + hashlib.sha1(value.encode()).hexdigest()[:8]


def _rename(tree: etree._Element, container: etree._Element, headline: etree._Element | None) -> None:
    for element in (container, container.getparent()):
        if element is None or element.tag in ("body", "html"):
            continue
        for attribute in ("class", "id"):
            value = element.get(attribute)
            if value:
                element.set(attribute, " ".join(_renamed(token) for token in value.split()))


def _wrap(tree: etree._Element, container: etree._Element, headline: etree._Element | None) -> None:
    parent = container.getparent()
    if parent is None:
        return
    outer = etree.Element("div", {"class": "layout-wrap"})
    inner = etree.SubElement(outer, "div", {"class": "layout-inner"})
    outer.tail, container.tail = container.tail, None
    parent.replace(container, outer)
    inner.append(container)


def _modifiers(tree: etree._Element, container: etree._Element, headline: etree._Element | None) -> None:
    for element in (container, container.getparent()):
        if element is None or element.tag in ("body", "html"):
            continue
        element.set("class", f"{element.get('class') or ''} {MODIFIER_CLASSES}".strip())


def _decoy(tree: etree._Element, container: etree._Element, headline: etree._Element | None) -> None:
    card = etree.Element(container.tag, {k: v for k, v in container.attrib.items() if k in ("class", "id")})
    heading = etree.SubElement(card, "h3")
    link = etree.SubElement(heading, "a", {"href": "/berita/lain/warga-keluhkan-jalan-rusak"})
    link.text = DECOY_HEADLINE
    summary = etree.SubElement(card, "p")
    summary.text = DECOY_SUMMARY
    body = tree.find("body")
    if body is not None:
        body.insert(0, card)


def _breaks(tree: etree._Element, container: etree._Element, headline: etree._Element | None) -> None:
    for paragraph in list(container.iter("p")):
        parent = paragraph.getparent()
        if parent is None:
            continue
        index = parent.index(paragraph)
        first = etree.Element("br")
        second = etree.Element("br")
        second.tail = paragraph.tail
        pieces = [*paragraph]
        previous = parent[index - 1] if index else None
        if paragraph.text:
            if previous is not None:
                previous.tail = (previous.tail or "") + paragraph.text
            else:
                parent.text = (parent.text or "") + paragraph.text
        parent.remove(paragraph)
        for offset, piece in enumerate([*pieces, first, second]):
            parent.insert(index + offset, piece)


def _headline_inside(
    tree: etree._Element, container: etree._Element, headline: etree._Element | None
) -> None:
    if headline is None or headline is container or container in headline.iterancestors():
        return
    if headline in container.iterancestors():
        return
    if headline.getparent() is None:
        return
    remove_element(headline)  # its tail text stays where it was
    headline.tail = None
    container.insert(0, headline)


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("renamed-classes", "the container's and its wrapper's classes and ids renamed", _rename),
    Mutation("extra-wrappers", "the container wrapped in two more divs", _wrap),
    Mutation("modifier-classes", f"'{MODIFIER_CLASSES}' added to the container and its wrapper", _modifiers),
    Mutation(
        "decoy-card", "a teaser card with the container's class at the top of the page", _decoy, DECOY_LEAKS
    ),
    Mutation("br-paragraphs", "the container's <p> turned into <br><br> runs", _breaks),
    Mutation("headline-inside", "the <h1> moved to the start of the container", _headline_inside),
)
MUTATION_NAMES = tuple(m.name for m in MUTATIONS)


def article_container(tree: etree._Element, gold: str) -> etree._Element | None:
    """The lowest element holding the blocks that print the gold body's paragraphs (None if not found)."""
    lines = [line for line in gold.splitlines() if len(line) >= 30]
    if not lines:
        return None
    blocks = [(b.element, " ".join(b.text.split()).casefold()) for b in text_blocks(tree)]
    found = []
    for line in lines:
        probe = " ".join(line.split()).casefold()[:40]
        for element, text in blocks:
            if probe in text:
                found.append(element)
                break
    if len(found) < max(1, 0.6 * len(lines)):
        return None
    paths = [[element, *element.iterancestors()][::-1] for element in found]
    common = None
    for nodes in zip(*paths, strict=False):
        if all(node is nodes[0] for node in nodes):
            common = nodes[0]
        else:
            break
    if common is None or common.tag in ("html", "body"):
        return None
    while common.tag == "p" and common.getparent() is not None:  # one-paragraph bodies: mutate its holder
        common = common.getparent()
    return common


def _headline(tree: etree._Element, title: str | None) -> etree._Element | None:
    headings = tree.xpath("//body//h1")
    if not headings:
        return None
    title_words = set(words(title))
    if title_words:
        for heading in headings:
            if len(set(words(heading.text_content())) & title_words) >= 0.6 * len(title_words):
                return heading
    return headings[0]


def mutate(html: bytes, gold: str, mutation: Mutation) -> bytes | None:
    """The page with `mutation` applied around its article container, or None when it cannot apply."""
    try:
        tree = parse_html(decode_html(html)[0])
    except NotHTML:
        return None
    container = article_container(tree, gold)
    if container is None:
        return None
    titles = tree.xpath("//head/title/text()")
    mutation.apply(tree, container, _headline(tree, titles[0] if titles else None))
    return serialise(tree)


def serialise(tree: etree._Element) -> bytes:
    """The tree as UTF-8 HTML, its charset declaration made to say so."""
    for meta in tree.xpath("//meta[@charset]"):
        meta.set("charset", "utf-8")
    for meta in tree.xpath("//meta[@http-equiv]"):
        if (meta.get("http-equiv") or "").lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")
    return lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")


def unmutated(html: bytes) -> bytes | None:
    """The page re-serialised like a mutated one: the fair reference for the mutation's effect."""
    try:
        return serialise(parse_html(decode_html(html)[0]))
    except NotHTML:
        return None
