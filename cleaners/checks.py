"""The checks a body candidate must pass, and the evidence that may confirm it, each named as the record's
`checks` name them.

Hard checks (`words` after the line rules, `link-share`, no disagreement with the JSON-LD `articleBody`,
`inside-region`) reject a candidate outright. Confirmations come from evidence independent of the selector
that found the candidate: `lead` (a description in its first paragraphs), `article-body`, `region` (it holds
the prose region that starts at the headline); `headline` is recorded, not required.
"""

from __future__ import annotations

from lxml import etree

from .attempt import Attempt, Verdict
from .candidates import inner_blocks, region_share
from .signals import ANCHOR_WINDOW, PageSignals, agreement, containment, words

#: An output with more of its text in links than this is a list of headlines, not an article.
MAX_LINK_SHARE = 0.5
#: A candidate whose output lies outside the anchored region for more than this share is a wrapper
#: holding rails, or another block.
MAX_OUTSIDE_SHARE = 0.4
#: The description is the lead when this share of its shingles is in the first paragraphs.
LEAD_CONTAINMENT = 0.5
LEAD_PARAGRAPHS = 5
MIN_DESCRIPTION_WORDS = 8
#: JSON-LD `articleBody` with at least this many words is evidence; agreement above the first figure
#: confirms a candidate, below the second refutes it.
MIN_ARTICLE_BODY_WORDS = 40
ARTICLE_BODY_CONFIRMS = 0.7
ARTICLE_BODY_REFUTES = 0.3
#: Region evidence: the candidate holds this share of the region's prose (more when the region is not
#: anchored at the headline).
REGION_COVERAGE = 0.7
REGION_COVERAGE_UNANCHORED = 0.85


def hard_checks(signals: PageSignals, attempt: Attempt, verdict: Verdict, min_words: int) -> bool:
    """Checks a candidate's body must pass whatever else holds; False at the first that fails."""
    if not verdict.check("words", attempt.words >= min_words):
        return False
    if not verdict.check("link-share", attempt.link_share <= MAX_LINK_SHARE):
        return False
    body = signals.article_body
    stated = body and len(words(body)) >= MIN_ARTICLE_BODY_WORDS
    if stated and agreement(attempt.text, body) < ARTICLE_BODY_REFUTES:
        verdict.check("article-body", False)
        return False
    if signals.anchored:
        outside = outside_share(signals, attempt.paragraphs)
        if not verdict.check("inside-region", outside <= MAX_OUTSIDE_SHARE):
            return False
    return True


def confirmed(signals: PageSignals, element: etree._Element, attempt: Attempt, verdict: Verdict) -> bool:
    """Any one piece of independent evidence confirms a candidate; all are recorded."""
    lead = "\n".join(attempt.paragraphs[:LEAD_PARAGRAPHS])
    descriptions = [d for d in signals.descriptions if len(words(d)) >= MIN_DESCRIPTION_WORDS]
    confirmed = False
    if descriptions:
        found = max(containment(d, lead) for d in descriptions)
        confirmed |= verdict.check("lead", found >= LEAD_CONTAINMENT)
    body = signals.article_body
    if body and len(words(body)) >= MIN_ARTICLE_BODY_WORDS:
        confirmed |= verdict.check("article-body", agreement(attempt.text, body) >= ARTICLE_BODY_CONFIRMS)
    if signals.region is not None:
        coverage, _ = region_share(signals, element)
        needed = REGION_COVERAGE if signals.anchored else REGION_COVERAGE_UNANCHORED
        confirmed |= verdict.check("region", coverage >= needed)
    if signals.headline is not None:
        verdict.check("headline", near_headline(signals, element))
    return confirmed


def near_headline(signals: PageSignals, element: etree._Element) -> bool:
    """The headline is inside the candidate, or the candidate's text starts soon after it."""
    positions = inner_blocks(signals, element)
    headline = signals.headline
    if not positions or headline is None:
        return False
    if positions[0] <= headline <= positions[-1]:
        return True
    return 0 < positions[0] - headline <= ANCHOR_WINDOW


def outside_share(signals: PageSignals, paragraphs: list[str]) -> float:
    """Share of the output's characters from blocks outside the region (paragraphs not found: not counted)."""
    if signals.region is None:
        return 0.0
    start, end = signals.region
    outside = total = 0
    for paragraph in paragraphs:
        position = signals.locate(paragraph)
        if position is None:
            continue
        total += len(paragraph)
        if not start - 2 <= position <= end + 2:
            outside += len(paragraph)
    return outside / total if total else 0.0
