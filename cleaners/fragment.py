"""Post-clean of the small extracted fragment: blocks out, label+link promos dropped.

Walks trafilatura's output element directly (a few kilobytes): no re-serialisation, no second parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .dom import leads_somewhere
from .normalize import normalize_text
from .result import Removed

#: A short lead-in that names what follows ("Baca juga:", "Read more:", "Pilihan Editor:").
_LABEL = re.compile(r"^\s*(?:[^\W\d_][\w'’.-]*\s*){1,4}?[:：»>|–-]+(?!/)\s*")


#: Elements of trafilatura's output that start a line of their own when nested inside another block
#: (`<quote><p>…</p><p>…</p></quote>`, a list inside a list item): their texts must not run together.
_NESTED_BLOCKS = frozenset(("p", "list", "item", "quote", "head", "table", "row", "code"))


@dataclass(slots=True)
class Fragment:
    """The extracted body as paragraphs, with how much of their text sat inside links."""

    paragraphs: list[str] = field(default_factory=list)
    chars: int = 0
    link_chars: int = 0

    @property
    def link_share(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0

    def add(self, text: str, link_text: str = "") -> None:
        self.paragraphs.append(text)
        self.chars += len(text)
        self.link_chars += len(link_text)


def fragment(body: etree._Element, removed: list[Removed]) -> Fragment:
    """The extracted body in reading order, minus label+link promos.

    A line break inside a paragraph starts a new one: old layouts separate paragraphs with `<br><br>`,
    which trafilatura keeps as one `<lb/>`, and a promo or credit often sits on a line of its own.
    """
    out = Fragment()
    _add_loose(out, body.text)
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
                    out.add(text, link_text)
        _add_loose(out, element.tail)
    return out


def _add_loose(out: Fragment, text: str | None) -> None:
    """Text sitting directly in the body, between blocks, is a paragraph of its own."""
    text = _squash(text or "")
    if text:
        out.add(text)


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

    def line_break() -> None:
        nonlocal text, linked
        lines.append((_squash("".join(text)), _squash("".join(linked))))
        text, linked = [], []

    def walk(node: etree._Element, in_link: bool) -> None:
        if node.text:
            text.append(node.text)
            if in_link:
                linked.append(node.text)
        for child in node:
            if child.tag == "lb":
                line_break()
            elif child.tag in _NESTED_BLOCKS:
                line_break()
                walk(child, in_link)
                line_break()
            elif isinstance(child.tag, str):
                walk(child, in_link or (child.tag == "ref" and leads_somewhere(child.get("target"))))
            if child.tail:
                text.append(child.tail)
                if in_link:
                    linked.append(child.tail)

    walk(block, False)
    line_break()
    return [line for line in lines if line[0]] or [("", "")]


def _squash(text: str) -> str:
    return normalize_text(text)


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
        return whole_block and not text.replace(link_text, "", 1).strip(" \t:：»>|–-.·•")
    rest = text[label.end() :].strip(" \t.")
    return rest == link_text
