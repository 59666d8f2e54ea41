"""Post-clean of the small extracted fragment: blocks out, label+link promos dropped.

Walks trafilatura's output element directly (a few kilobytes): no re-serialisation, no second parse.
"""

from __future__ import annotations

import re

from lxml import etree

from .result import Removed

#: A short lead-in that names what follows ("Baca juga:", "Read more:", "Pilihan Editor:").
_LABEL = re.compile(r"^\s*(?:[^\W\d_][\w'’.-]*\s*){1,4}?[:：»>|–-]+(?!/)\s*")


def fragment_blocks(body: etree._Element, removed: list[Removed]) -> list[str]:
    """Paragraph texts of the extracted body in reading order, minus label+link promos.

    A line break inside a paragraph starts a new one: old layouts separate paragraphs with `<br><br>`,
    which trafilatura keeps as one `<lb/>`, and a promo or credit often sits on a line of its own.
    """
    blocks: list[str] = []
    _add_loose(blocks, body.text)
    for element in body:
        if isinstance(element.tag, str):
            for block in _split(element):
                lines = _lines(block)
                for text, link_text in lines:
                    if not text:
                        continue
                    if block.tag != "row" and _is_link_promo(text, link_text, whole_block=len(lines) == 1):
                        removed.append(Removed.of("fragment:label-link-promo", text))
                        continue
                    blocks.append(text)
        _add_loose(blocks, element.tail)
    return blocks


def _add_loose(blocks: list[str], text: str | None) -> None:
    """Text sitting directly in the body, between blocks, is a paragraph of its own."""
    text = _squash(text or "")
    if text:
        blocks.append(text)


def _split(element: etree._Element) -> list[etree._Element]:
    """A list gives one block per item, a table one per row; everything else is one block."""
    if element.tag == "list":
        return element.findall("item") or [element]
    if element.tag == "table":
        return list(element.iter("row")) or [element]
    return [element]


def _lines(block: etree._Element) -> list[tuple[str, str]]:
    """(text, text inside links) of each line of a block; a table row is one line of " | "-joined cells."""
    if block.tag == "row":
        cells = [_squash(" ".join(cell.itertext())) for cell in block.findall("cell")]
        return [(" | ".join(cell for cell in cells if cell), "")]
    lines: list[tuple[str, str]] = []
    text: list[str] = []
    linked: list[str] = []

    def walk(node: etree._Element, in_link: bool) -> None:
        nonlocal text, linked
        if node.text:
            text.append(node.text)
            if in_link:
                linked.append(node.text)
        for child in node:
            if child.tag == "lb":
                lines.append((_squash("".join(text)), _squash("".join(linked))))
                text, linked = [], []
            elif isinstance(child.tag, str):
                walk(child, in_link or child.tag == "ref")
            if child.tail:
                text.append(child.tail)
                if in_link:
                    linked.append(child.tail)

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
