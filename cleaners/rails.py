"""Rails beside and after the article, found in the page's own block order.

Before the whole-page pass, link-dense subtrees beside the article area go (menus, footers, headline rails:
most of a news page, which trafilatura discards anyway after spending most of its time on them). After
extraction, teasers of a rail that follows the region under a rail heading go, even when the heading itself
did not survive extraction.
"""

from __future__ import annotations

from lxml import etree

from .attempt import Attempt
from .candidates import inner_blocks
from .dom import remove_element, text_length
from .result import Removed
from .rules import LinePattern
from .signals import Block, PageSignals

#: A subtree beside the article area with at least this share of link text is navigation or a rail.
RAIL_LINK_SHARE = 0.6
RAIL_MIN_CHARS = 200


def drop_link_rails(signals: PageSignals, holder: etree._Element) -> None:
    """Remove the link-dense subtrees beside the article area before the whole-page pass.

    Menus, footers and headline rails are most of a news page; trafilatura discards them anyway, after
    spending most of its time on them. Only siblings of the article area's ancestors go, and only those whose
    text is mostly links, so no article text can go with them.
    """
    node = holder
    for ancestor in holder.iterancestors():
        for sibling in list(ancestor):
            if sibling is node or not isinstance(sibling.tag, str):
                continue
            if text_length(sibling) < RAIL_MIN_CHARS:  # small: not worth the look (cheap, in C)
                continue
            blocks = [signals.blocks[p] for p in inner_blocks(signals, sibling)]
            chars = sum(b.chars for b in blocks)
            if chars and sum(b.link_chars for b in blocks) >= RAIL_LINK_SHARE * chars:
                remove_element(sibling)
        node = ancestor
        if ancestor.tag == "body":
            break


def trim_rails(
    signals: PageSignals, stop_lines: tuple[LinePattern, ...], attempt: Attempt | None
) -> Attempt | None:
    """Drop the teasers of a rail that follows the article region under a rail heading.

    The stop rules cut a body at "Berita Lainnya" or "Related stories" when the heading survives extraction;
    often it does not (a `<div>` label trafilatura drops) while the teasers under it do, their summaries
    being prose. In the page's own block order they are still recognisable: after the heading, summaries
    that each follow a headline link, at least two of them. A single paragraph after a box of links is the
    article's own end, and stays.
    """
    if attempt is None or signals.region is None or not stop_lines:
        return attempt
    blocks = signals.blocks
    heading = next(
        (
            position
            for position in range(signals.region[1] + 1, len(blocks))
            if len(blocks[position].text) <= 80
            and any(p.regex.search(blocks[position].text) for p in stop_lines)
        ),
        None,
    )
    if heading is None:
        return attempt
    teasers = {
        position
        for position in range(heading + 1, len(blocks))
        if blocks[position].prose
        and any(is_headline_link(blocks[p]) for p in range(max(heading, position - 2), position))
    }
    if len(teasers) < 2:
        return attempt
    kept = []
    for paragraph in attempt.outcome.paragraphs:
        if signals.locate(paragraph) in teasers:
            attempt.removed.append(Removed.of("rails:teaser", paragraph))
        else:
            kept.append(paragraph)
    attempt.outcome.paragraphs = kept
    return attempt


def is_headline_link(block: Block) -> bool:
    return block.chars >= 20 and block.link_chars >= 0.8 * block.chars
