"""Independent evidence of where a page's article is, computed once per page.

A body candidate (an outlet selector's match, a generic container, trafilatura's whole-page choice) is only
believed when evidence that does not come from the candidate itself agrees with it. That evidence lives
here: the page's own statements about the article (JSON-LD `articleBody`, descriptions, the title), the
headline element, and statistics of the text blocks in document order, from which the *anchored region*
is read: the run of prose that starts at the headline. Nothing here knows about outlets or rule files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .dom import leads_somewhere

#: Elements that start a text block; inline elements belong to the nearest such ancestor.
BLOCK_TAGS = frozenset(
    (
        "p",
        "div",
        "td",
        "th",
        "li",
        "dd",
        "dt",
        "dl",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "ul",
        "ol",
        "table",
        "tr",
        "form",
        "center",
        "body",
    )
)
#: A prose block has at least this many characters and little link text.
PROSE_MIN_CHARS = 80
PROSE_MAX_LINK_SHARE = 0.3
#: In the region search a non-prose block costs this many times its characters: a rail of teasers
#: (headline links, dates, one-line summaries) ends the article, a "Baca juga" line inside it does not.
NON_PROSE_COST = 1.5
#: The region must start within this many blocks after the headline.
ANCHOR_WINDOW = 30
#: A block is the headline when it holds at least this share of the title's words.
TITLE_MATCH = 0.6

#: Output paragraphs are found among the blocks by their text, or by this many leading characters.
_PREFIX = 48

_TEXTS = etree.XPath("descendant::text()[normalize-space()]", smart_strings=True)
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Block:
    """One text block in document order: its element, characters (whitespace folded) and link characters."""

    element: etree._Element
    chars: int = 0
    link_chars: int = 0
    parts: list[str] = field(default_factory=list)
    link_parts: list[str] = field(default_factory=list)
    #: The block's text, whitespace folded (filled once the page is read).
    text: str = ""

    @property
    def prose(self) -> bool:
        return self.chars >= PROSE_MIN_CHARS and self.link_chars < PROSE_MAX_LINK_SHARE * self.chars


@dataclass(slots=True)
class PageSignals:
    """What the page says about its article, and where its prose is."""

    title: str | None = None
    descriptions: tuple[str, ...] = ()
    article_body: str | None = None
    blocks: list[Block] = field(default_factory=list)
    #: Index in `blocks` of the headline (the block matching the title), if found.
    headline: int | None = None
    #: First and last block index of the anchored prose region (inclusive), if there is prose.
    region: tuple[int, int] | None = None
    #: True when the region starts at the headline; False when it is only the page's largest prose run.
    anchored: bool = False
    _positions: dict[etree._Element, int] = field(default_factory=dict)
    _texts: dict[str, int] | None = None
    _region_shingles: set[tuple[str, ...]] | None = None

    @property
    def headline_element(self) -> etree._Element | None:
        return self.blocks[self.headline].element if self.headline is not None else None

    def position(self, element: etree._Element) -> int | None:
        return self._positions.get(element)

    def locate(self, paragraph: str) -> int | None:
        """The position of the block an output paragraph came from (by its text), if it can be told."""
        if self._texts is None:
            self._texts = {}
            for index, block in enumerate(self.blocks):
                key = _key(block.text)
                self._texts.setdefault(key, index)
                self._texts.setdefault(key[:_PREFIX], index)
        key = _key(paragraph)
        found = self._texts.get(key)
        return found if found is not None else self._texts.get(key[:_PREFIX])

    def page_link_share(self) -> float:
        chars = sum(b.chars for b in self.blocks)
        return sum(b.link_chars for b in self.blocks) / chars if chars else 0.0

    def link_share_of(self, text: str) -> float:
        """Share of `text` made of the page's link texts, for an output that lost its link markup
        (trafilatura's last-resort pass flattens a page into plain paragraphs)."""
        flat = " ".join(text.split())
        if not flat:
            return 0.0
        covered = 0
        for block in self.blocks:
            for part in block.link_parts:
                part = " ".join(part.split())
                if len(part) >= 3 and part in flat:
                    covered += len(part) * flat.count(part)
        return min(1.0, covered / len(flat))

    def region_blocks(self) -> list[Block]:
        if self.region is None:
            return []
        start, end = self.region
        return self.blocks[start : end + 1]

    def region_text(self) -> str:
        """The region's readable blocks: the reference a candidate's output is compared with."""
        return "\n".join(b.text for b in self.region_blocks() if b.link_chars < 0.5 * b.chars)

    def region_agreement(self, output: str) -> float:
        """`agreement` of an output with the region's text (the region's shingles computed once)."""
        if self._region_shingles is None:
            self._region_shingles = _shingle_set(self.region_text())
        return _set_f1(_shingle_set(output), self._region_shingles)

    def region_prose_chars(self) -> int:
        return sum(b.chars - b.link_chars for b in self.region_blocks() if b.prose)

    def page_prose_chars(self) -> int:
        return sum(b.chars - b.link_chars for b in self.blocks if b.prose)


def text_blocks(tree: etree._Element) -> list[Block]:
    """Every text block of the page body in document order (one XPath in C, one pass in Python).

    A text node belongs to its nearest block-level ancestor; it counts as link text when an `<a>` lies
    between the two. Lookups are cached per parent element, so the climb is paid once per element.
    """
    owners: dict[etree._Element, tuple[etree._Element | None, bool]] = {}
    blocks: dict[etree._Element, Block] = {}
    body = tree.find("body")
    for text in _TEXTS(body) if body is not None else ():  # from <body>: faster than "//body//text()"
        parent = text.getparent()
        if parent is None:
            continue
        if text.is_tail:
            parent = parent.getparent()
            if parent is None:
                continue
        owner = owners.get(parent)
        if owner is None:
            node, in_link = parent, False
            while node is not None and node.tag not in BLOCK_TAGS:
                in_link = in_link or (node.tag == "a" and leads_somewhere(node.get("href")))
                node = node.getparent()
            owner = owners[parent] = (node, in_link)
        element, in_link = owner
        if element is None:
            continue
        block = blocks.get(element)
        if block is None:
            block = blocks[element] = Block(element)
        size = len(text.strip())
        block.chars += size
        block.parts.append(text)
        if in_link:
            block.link_chars += size
            block.link_parts.append(text)
    for block in blocks.values():
        block.text = " ".join(" ".join(block.parts).split())
    return list(blocks.values())


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def words(text: str | None) -> list[str]:
    """The text's `\\w+` words, case folded (the whole text at once: one call, not one per word)."""
    return _WORD.findall(text.casefold()) if text else []


def _title_share(text: str, title_words: set[str]) -> float:
    found = set(words(text))
    return len(found & title_words) / len(title_words) if title_words else 0.0


def find_headline(blocks: list[Block], title: str | None) -> int | None:
    """The block that prints the title: an `<h1>` holding most of its words, else any short block that does.

    Old templates put the site logo in the only `<h1>`; the title match keeps it from being taken.
    """
    title_words = set(words(title))
    if not title_words:
        return None
    limit = max(3 * len(title or ""), 120)
    least = min(0.4 * len(title or ""), 40)  # a block holding most of the title's words is not much shorter
    best, best_score = None, 0.0
    for index, block in enumerate(blocks):
        if block.chars > limit or block.chars < least:
            continue
        share = _title_share(block.text, title_words)
        if share < TITLE_MATCH:
            continue
        score = share + (
            0.2 if block.element.tag == "h1" else 0.1 if block.element.tag in ("h2", "h3") else 0
        )
        if score > best_score:
            best, best_score = index, score
    return best


def _values(blocks: list[Block]) -> list[float]:
    return [float(b.chars - b.link_chars) if b.prose else -NON_PROSE_COST * b.chars for b in blocks]


def best_run(values: list[float], first: int, last: int) -> tuple[int, int] | None:
    """The segment i..j of largest sum with `first <= i <= last` (prefix sums and a suffix maximum)."""
    n = len(values)
    if n == 0:
        return None
    prefix = [0.0]
    for value in values:
        prefix.append(prefix[-1] + value)
    best_end = [0] * (n + 1)  # best_end[i]: the j+1 >= i+1 maximising prefix[j+1]
    best_end[n] = n
    for i in range(n - 1, -1, -1):
        later = best_end[i + 1]
        best_end[i] = i + 1 if prefix[i + 1] >= prefix[later] else later
    found: tuple[float, int, int] | None = None
    for i in range(max(first, 0), min(last, n - 1) + 1):
        if values[i] <= 0:
            continue
        total = prefix[best_end[i]] - prefix[i]
        if found is None or total > found[0]:
            found = (total, i, best_end[i] - 1)
    return (found[1], found[2]) if found else None


def read_signals(
    tree: etree._Element,
    *,
    title: str | None,
    descriptions: tuple[str, ...] = (),
    article_body: str | None = None,
) -> PageSignals:
    """Signals of a page tree that has been stripped of scripts and pruned by the rules."""
    blocks = text_blocks(tree)
    signals = PageSignals(title=title, descriptions=descriptions, article_body=article_body, blocks=blocks)
    signals._positions = {block.element: index for index, block in enumerate(blocks)}
    signals.headline = find_headline(blocks, title)
    values = _values(blocks)
    if signals.headline is not None:
        run = best_run(values, signals.headline, signals.headline + ANCHOR_WINDOW)
        if run is not None:
            signals.region, signals.anchored = run, True
    if signals.region is None:
        signals.region = best_run(values, 0, len(values) - 1)
    return signals


def _shingle_set(text: str) -> set[tuple[str, ...]]:
    tokens = _WORD.findall(text.casefold())
    if len(tokens) < 4:
        return {tuple(tokens)} if tokens else set()
    return set(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))


def containment(part: str, whole: str) -> float:
    """Share of `part`'s 4-word shingles found in `whole` (0.0 when `part` has none)."""
    mine = _shingle_set(part)
    return len(mine & _shingle_set(whole)) / len(mine) if mine else 0.0


def agreement(output: str, reference: str) -> float:
    """F1 of an output's 4-word shingles against a reference text's, case folded (the evaluation metric on
    shingle sets, which is cheaper and near enough): how well a candidate matches independent evidence."""
    return _set_f1(_shingle_set(output), _shingle_set(reference))


def _set_f1(mine: set[tuple[str, ...]], theirs: set[tuple[str, ...]]) -> float:
    common = len(mine & theirs)
    return 2 * common / (len(mine) + len(theirs)) if common else 0.0
