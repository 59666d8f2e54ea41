"""Post-clean of the small extracted fragment with BeautifulSoup: blocks out, promos dropped.

Runs on trafilatura's output, a few kilobytes, so BeautifulSoup's convenience costs next to nothing here,
unlike a parse of the whole page.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from lxml import etree

from .result import Removed

#: A short lead-in that names what follows ("Baca juga:", "Read more:", "Pilihan Editor:").
_LABEL = re.compile(r"^\s*(?:[^\W\d_][\w'’.-]*\s*){1,4}?[:：»>|–-]+(?!/)\s*")

_BLOCK_TAGS = ("p", "head", "quote", "code")


def fragment_blocks(body: etree._Element, removed: list[Removed]) -> list[str]:
    """Paragraph texts of the extracted body in reading order, minus label+link promos.

    A line break inside a paragraph starts a new one: old layouts separate paragraphs with `<br><br>`,
    which trafilatura keeps as one `<lb/>`, and a promo or credit often sits on a line of its own.
    """
    soup = BeautifulSoup(etree.tostring(body, encoding="unicode"), "lxml-xml")
    root = soup.find()
    if root is None:
        return []
    blocks: list[str] = []
    for element in root.children:
        if not isinstance(element, Tag):
            text = _squash(str(element))
            if text:
                blocks.append(text)
            continue
        for block in _split(element):
            lines = _lines(block)
            for text, link_text in lines:
                if not text:
                    continue
                if block.name != "row" and _is_link_promo(text, link_text, whole_block=len(lines) == 1):
                    removed.append(Removed.of("fragment:label-link-promo", text))
                    continue
                blocks.append(text)
    return blocks


def _split(element: Tag) -> list[Tag]:
    """A list gives one block per item, a table one per row; everything else is one block."""
    if element.name == "list":
        items = element.find_all("item", recursive=False)
        return items or [element]
    if element.name == "table":
        rows = element.find_all("row")
        return rows or [element]
    return [element]


def _lines(block: Tag) -> list[tuple[str, str]]:
    """(text, text inside links) of each line of a block; a table row is one line of " | "-joined cells."""
    if block.name == "row":
        cells = [_squash(cell.get_text(" ")) for cell in block.find_all("cell", recursive=False)]
        return [(" | ".join(cell for cell in cells if cell), "")]
    lines: list[tuple[str, str]] = []
    text: list[str] = []
    linked: list[str] = []

    def walk(node: Tag, in_link: bool) -> None:
        nonlocal text, linked
        for child in node.children:
            if isinstance(child, NavigableString):
                text.append(child)
                if in_link:
                    linked.append(child)
            elif child.name == "lb":
                lines.append((_squash("".join(text)), _squash("".join(linked))))
                text, linked = [], []
            else:
                walk(child, in_link or child.name == "ref")

    walk(block, False)
    lines.append((_squash("".join(text)), _squash("".join(linked))))
    return lines


def _squash(text: str) -> str:
    return " ".join(text.split())


def _is_link_promo(text: str, link_text: str, *, whole_block: bool = True) -> bool:
    """A line that is a short label followed by nothing but link text is a promo, whatever its wording.

    "Baca juga: <a>headline</a>", "Read more: <a>...</a>", "Lea aquí: <a>...</a>". The label is one to
    four words starting with a letter, so a dated entry ("2 June 2019: <a>Report</a>") or a sentence ending
    in a link stays. A bare link is a promo only as a block of its own, not as one line of a block.
    """
    if len(text) > 300 or not link_text or link_text not in text:
        return False
    label = _LABEL.match(text)
    if label is None:
        # one link and nothing else: an unlabelled related-article teaser or a bare embed URL
        return whole_block and not text.replace(link_text, "", 1).strip(" \t:：»>|–-.")
    rest = text[label.end() :].strip(" \t.")
    return rest == link_text
