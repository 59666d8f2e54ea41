"""Body candidates: every element that may hold the article, named as the record reports them.

Rule candidates come from the `[body]` selectors of the page's rule files (outlet first, then profiles):
every match of every selector, not the first match of the first selector, because a selector written for one
template can match a teaser card, a headline list or the whole page on another. They are collected before
pruning, so that pruning can protect them. Generic candidates come from the page's own markup (schema.org
`articleBody`, `<article>`, `<main>`) and from the prose evidence (the block around the headline).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .dom import block_text, text_length
from .rules import GENERIC_NAME, RuleSet
from .signals import BLOCK_TAGS, PageSignals

#: A match with less text than this is not a container (an empty wrapper, an icon).
MIN_CONTAINER_CHARS = 80
#: Matches of one selector holding at least this much text each are sections of one article, not teasers.
SECTION_CHARS = 400
#: ...when together they are at least this share of the text of the block holding them all.
SECTIONS_SHARE = 0.6
#: At most this many matches of one selector are tried (the fullest first): a selector matching fifty
#: teaser cards must not cost fifty extractions.
MAX_MATCHES_PER_SELECTOR = 3

#: `itemprop` and `role` attributes (the attribute axis is the fastest way libxml2 finds them).
_ATTRIBUTES = etree.XPath("//@itemprop | //@role")


def markup_containers(tree: etree._Element) -> dict[str, list[etree._Element]]:
    """`itemprop=articleBody`, `<article>` and `<main>` elements of the page, by kind (tags filtered in C)."""
    found: dict[str, list[etree._Element]] = {"article-body": [], "article": [], "main": []}
    body = tree.find("body")
    if body is None:
        return found
    for element in body.iter("article", "main"):
        found[element.tag].append(element)
    for value in _ATTRIBUTES(tree):
        name, text = value.attrname, value.lower()
        if name == "itemprop" and text == "articlebody":
            found["article-body"].append(value.getparent())
        elif name == "role" and text == "main" and value.getparent().tag != "main":
            found["main"].append(value.getparent())
    return found


@dataclass(slots=True)
class Candidate:
    """An element that may be the article container, and the name `body_source` gives it."""

    source: str
    element: etree._Element
    #: The rule file that named it (outlet or profile), None for generic candidates.
    rules: str | None = None


def rule_candidates(tree: etree._Element, rules: RuleSet) -> list[Candidate]:
    """Every match of the rule files' `[body]` selectors, most specific file first, fullest match first."""
    found: list[Candidate] = []
    seen: set[etree._Element] = set()
    for part in reversed(rules.parts):
        kind = "generic" if part.name == GENERIC_NAME else "profile" if part.is_profile else "outlet"
        for selector in part.body:
            matches = []
            for element in selector.xpath(tree):
                if isinstance(element, etree._Element) and element not in seen:
                    size = len(block_text(element))
                    if size >= MIN_CONTAINER_CHARS:
                        matches.append((size, element))
            matches.sort(key=lambda pair: -pair[0])
            sections = [(size, element) for size, element in matches if size >= SECTION_CHARS]
            if len(sections) >= 2:
                # an article written in several blocks of the same class (one per section or page):
                # first the block holding them all, so that one section cannot pass for the article;
                # only when that block is mostly those sections (rails of cards spread over a page are not)
                holder = _common_ancestor([element for _, element in sections])
                if (
                    holder is not None
                    and holder.tag not in ("html", "body")
                    and holder not in seen
                    and sum(size for size, _ in sections) >= SECTIONS_SHARE * text_length(holder)
                ):
                    seen.add(holder)
                    found.append(Candidate(f"{kind}:{selector.name}+sections", holder, part.name))
            for _, element in matches[:MAX_MATCHES_PER_SELECTOR]:
                seen.add(element)
                found.append(Candidate(f"{kind}:{selector.name}", element, part.name))
    return found


def semantic_candidate(markup: dict[str, list[etree._Element]]) -> Candidate | None:
    """The page's own `itemprop=articleBody` element (the fullest one): a statement, still to be checked."""
    best, best_size = None, MIN_CONTAINER_CHARS - 1
    for element in markup["article-body"]:
        size = text_length(element)
        if size > best_size:
            best, best_size = element, size
    return Candidate("generic:article-body", best) if best is not None else None


def generic_candidates(markup: dict[str, list[etree._Element]], signals: PageSignals) -> list[Candidate]:
    """Containers the markup suggests (`<article>`, `<main>`) holding the region's start, and the block
    around the headline."""
    found = []
    start = signals.blocks[signals.region[0]].element if signals.region else None
    lineage = set(start.iterancestors()) | {start} if start is not None else set()
    for kind in ("article", "main"):
        holding = [e for e in markup[kind] if e in lineage]  # teaser <article>s do not hold the article
        if holding:
            found.append(Candidate(f"generic:{kind}", holding[-1]))  # the innermost one
    block = headline_block(signals)
    if block is not None:
        found.append(
            Candidate("generic:headline-block" if signals.anchored else "generic:prose-block", block)
        )
    return found


def inner_blocks(signals: PageSignals, element: etree._Element) -> list[int]:
    """Positions of the text blocks inside `element` (itself included), in document order."""
    positions = []
    for node in element.iter(*BLOCK_TAGS):  # blocks are block-level elements: lxml filters in C
        position = signals.position(node)
        if position is not None:
            positions.append(position)
    if element.tag not in BLOCK_TAGS:  # an inline container (a <span itemprop=articleBody>)
        position = signals.position(element)
        if position is not None:
            positions.append(position)
    return sorted(positions)


def region_share(signals: PageSignals, element: etree._Element) -> tuple[float, float]:
    """(share of the region's prose inside `element`, share of its readable text inside the region)."""
    if signals.region is None:
        return 0.0, 0.0
    start, end = signals.region
    region_prose = signals.region_prose_chars()
    inside_prose = inside_region = readable = 0
    for position in inner_blocks(signals, element):
        block = signals.blocks[position]
        own = block.chars - block.link_chars
        readable += own
        if start <= position <= end:
            inside_region += own
            if block.prose:
                inside_prose += own
    coverage = inside_prose / region_prose if region_prose else 0.0
    precision = inside_region / readable if readable else 0.0
    return coverage, precision


def headline_block(signals: PageSignals) -> etree._Element | None:
    """The lowest element holding the headline (when there is one) and the region's prose."""
    members = [b.element for b in signals.region_blocks() if b.prose]
    if not members:
        return None
    headline = signals.headline_element
    if headline is not None:
        members.append(headline)
    ancestor = _common_ancestor(members)
    if ancestor is None or ancestor.tag in ("html", "body"):
        return None
    return ancestor


def _common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    paths = [[element, *element.iterancestors()][::-1] for element in elements]
    common = None
    for nodes in zip(*paths, strict=False):
        first = nodes[0]
        if all(node is first for node in nodes):
            common = first
        else:
            break
    return common
