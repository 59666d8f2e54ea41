"""Choosing the body: candidates tried in order, each believed only when independent evidence agrees.

Order: the rule candidates (outlet, then profile selectors: every match), then the page's own
`itemprop=articleBody`; each is extracted alone and must pass hard checks (enough words after the line rules,
not a list of links, not mostly text from outside the article region) and be confirmed by evidence that does
not come from the selector: the page's description found in its first paragraphs, agreement with the JSON-LD
`articleBody`, or covering the prose region that starts at the headline. Cheap evidence comes first; only
when none of it can confirm a candidate is the whole page extracted and compared with it. When no candidate
holds, trafilatura's whole-page extraction is the body, unless a generic container (`<article>`, `<main>`,
the block around the headline) agrees clearly better with the prose region; a page whose article exists
only in JSON-LD gets its `articleBody`.

Every candidate examined leaves a `Verdict` (which checks passed, which failed) in the record's `checks`.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field, replace

from lxml import etree

from .attempt import Attempt, Verdict
from .candidates import (
    MIN_CONTAINER_CHARS,
    Candidate,
    generic_candidates,
    headline_block,
    inner_blocks,
    markup_containers,
    region_share,
    semantic_candidate,
)
from .checks import MAX_LINK_SHARE, MIN_ARTICLE_BODY_WORDS, confirmed, hard_checks
from .container import isolate, reveal_hidden_text, wrap_loose_text
from .extract import extract_body
from .fragment import fragment
from .lines import apply_line_rules
from .options import CleanOptions
from .rails import drop_link_rails, trim_rails
from .result import Removed
from .rules import RuleSet
from .signals import PageSignals, agreement, containment, words

logger = logging.getLogger(__name__)

#: A candidate with less prose than this share of the fullest candidate's is a teaser card sharing its class
#: (judged only when the fullest has at least the second figure of prose characters).
SMALL_CANDIDATE = 0.3
SMALL_CANDIDATE_YARDSTICK = 400
#: A rule candidate nobody confirmed is still believed when it agrees this well with the whole-page
#: extraction, or when this share of it is found there.
WHOLE_PAGE_AGREEMENT = 0.5
WHOLE_PAGE_CONTAINMENT = 0.8
#: A generic container replaces the whole-page extraction only when it agrees with the region better by
#: at least this margin; the whole page is not second-guessed when it agrees this well already.
GENERIC_MARGIN = 0.02
WHOLE_PAGE_GOOD = 0.95
#: A generic container matching the region less well than this (block-level F1) is not worth a try.
GENERIC_WORTH = 0.8
#: Extraction inside a container that recovers less than this share of its prose narrowed down to a
#: part of it (a standfirst, a first section): the container is then extracted whole.
NARROWED = 0.8


@dataclass(slots=True)
class Choice:
    """The chosen body (None when no candidate yields one) and the verdicts that led to it."""

    attempt: Attempt | None
    verdicts: list[Verdict]

    @property
    def source(self) -> str | None:
        return self.attempt.source if self.attempt else None


@dataclass(slots=True)
class _Context:
    tree: etree._Element
    signals: PageSignals
    rules: RuleSet
    url: str | None
    options: CleanOptions
    #: Prose characters of the rule candidate holding the most prose: the yardstick for small ones.
    fullest_prose: int = 0
    markup: dict[str, list[etree._Element]] = field(default_factory=dict)


def _prose_chars(signals: PageSignals, element: etree._Element) -> int:
    blocks = (signals.blocks[p] for p in inner_blocks(signals, element))
    return sum(b.chars - b.link_chars for b in blocks if b.prose)


def choose_body(
    tree: etree._Element,
    candidates: list[Candidate],
    signals: PageSignals,
    rules: RuleSet,
    url: str | None,
    options: CleanOptions,
) -> Choice:
    """The body of the page (see the module docstring for the order and the evidence)."""
    ctx = _Context(tree, signals, rules, url, options)
    ctx.fullest_prose = max((_prose_chars(signals, c.element) for c in candidates), default=0)
    verdicts: list[Verdict] = []
    pending: list[tuple[Verdict, Attempt]] = []
    ctx.markup = markup_containers(tree)
    semantic = semantic_candidate(ctx.markup)
    ordered = list(candidates)
    if semantic is not None and all(semantic.element is not c.element for c in ordered):
        ordered.append(semantic)
    for candidate in ordered:
        verdict = Verdict(candidate.source)
        verdicts.append(verdict)
        attempt = _try_container(ctx, candidate, verdict)
        if attempt is None:
            continue
        if confirmed(ctx.signals, candidate.element, attempt, verdict):
            verdict.accepted = True
            return Choice(_rescued(ctx, attempt, verdicts), verdicts)
        if candidate.rules is not None:  # the page's own markup alone never outranks trafilatura's choice
            pending.append((verdict, attempt))

    generic = _best_generic(ctx)
    # trafilatura works on the tree itself: a generic container worth trying later is copied before
    spare = None
    if generic is not None and generic[1] >= GENERIC_WORTH:
        spare = (generic[0], copy.deepcopy(generic[0].element), generic[1])
    whole = _whole_page(ctx)
    whole_text = whole.text if whole else ""
    for verdict, attempt in pending:
        agrees = bool(whole_text) and (
            agreement(attempt.text, whole_text) >= WHOLE_PAGE_AGREEMENT
            or containment(attempt.text, whole_text) >= WHOLE_PAGE_CONTAINMENT
        )
        if verdict.check("whole-page", agrees):
            verdict.accepted = True
            return Choice(_rescued(ctx, attempt, verdicts), verdicts)

    verdict = Verdict("whole-page")
    verdicts.append(verdict)
    enough = whole is not None and verdict.check("words", whole.words >= ctx.options.min_words)
    chosen = whole  # even when too short: the record then says how short
    if spare is not None and signals.anchored:
        whole_agreement = signals.region_agreement(whole_text) if whole_text else 0.0
        candidate, element, score = spare
        if not enough or (whole_agreement < WHOLE_PAGE_GOOD and score > whole_agreement + GENERIC_MARGIN):
            alternative = _try_generic(ctx, candidate, element, whole_agreement, verdicts, whole)
            if alternative is not None:
                chosen = alternative
    if chosen is whole and enough:
        verdict.accepted = True
    return Choice(_rescued(ctx, chosen, verdicts), verdicts)


def _try_container(ctx: _Context, candidate: Candidate, verdict: Verdict) -> Attempt | None:
    """Pre-checks from the page's block statistics, extraction, then the hard checks on the output."""
    positions = inner_blocks(ctx.signals, candidate.element)
    blocks = [ctx.signals.blocks[p] for p in positions]
    chars = sum(b.chars for b in blocks)
    if not verdict.check("text", chars >= MIN_CONTAINER_CHARS):
        return None
    links = sum(b.link_chars for b in blocks)
    if not verdict.check("links", links <= MAX_LINK_SHARE * chars):
        return None
    if ctx.fullest_prose >= SMALL_CANDIDATE_YARDSTICK:
        prose = sum(b.chars - b.link_chars for b in blocks if b.prose)
        if not verdict.check("prose", prose >= SMALL_CANDIDATE * ctx.fullest_prose):
            return None
    attempt = _extract_container(ctx, candidate.element, candidate.source)
    if attempt is None:
        verdict.check("extracted", False)
        return None
    if not hard_checks(ctx.signals, attempt, verdict, ctx.options.min_words):
        return None
    return attempt


def _extract_container(ctx: _Context, element: etree._Element, source: str) -> Attempt | None:
    """The container's body, extracted from a copy in a document of its own (the page stays intact)."""
    attempt = _extract_copy(ctx, copy.deepcopy(element), source, whole=False)
    prose = "\n".join(
        b.text for p in inner_blocks(ctx.signals, element) if (b := ctx.signals.blocks[p]).prose
    )
    if prose and (attempt is None or containment(prose, attempt.text) < NARROWED):
        logger.debug("extraction inside %s narrowed to a part of it; extracting it whole", source)
        whole = _extract_copy(ctx, copy.deepcopy(element), source, whole=True)
        if whole is not None and (attempt is None or whole.words > attempt.words):
            return whole
    return attempt


def _extract_copy(ctx: _Context, element: etree._Element, source: str, *, whole: bool) -> Attempt | None:
    reveal_hidden_text(element)
    wrap_loose_text(element)
    body = extract_body(isolate(element, whole=whole), ctx.url, ctx.options, isolated=True)
    return _attempt(ctx, body, source) if body is not None else None


def _attempt(ctx: _Context, body: etree._Element, source: str) -> Attempt:
    removed: list[Removed] = []
    frag = fragment(body, removed)
    outcome = apply_line_rules(frag.paragraphs, ctx.rules, ctx.options, removed)
    return Attempt(source, outcome, removed, frag.link_share)


def _whole_page(ctx: _Context) -> Attempt | None:
    """trafilatura's whole-page extraction, after the article area was made readable to it.

    Around the region (the element holding its first block, or the headline block), text hidden by CSS
    is revealed and loose text runs are wrapped as paragraphs, as inside a container.
    """
    holder = headline_block(ctx.signals)
    if holder is None and ctx.signals.region is not None:
        holder = ctx.signals.blocks[ctx.signals.region[0]].element.getparent()
    if holder is not None and holder.tag not in ("html", "body"):
        reveal_hidden_text(holder)
        wrap_loose_text(holder)
        drop_link_rails(ctx.signals, holder)
    body = extract_body(ctx.tree, ctx.url, ctx.options, isolated=False)
    return _attempt(ctx, body, "whole-page") if body is not None else None


def _best_generic(ctx: _Context) -> tuple[Candidate, float] | None:
    """The generic container that matches the region best at block level, with that score (F1)."""
    if not ctx.signals.anchored:
        return None
    best: tuple[Candidate, float] | None = None
    for candidate in generic_candidates(ctx.markup, ctx.signals):
        coverage, precision = region_share(ctx.signals, candidate.element)
        score = 2 * coverage * precision / (coverage + precision) if coverage + precision else 0.0
        if best is None or score > best[1]:
            best = (candidate, score)
    return best


def _try_generic(
    ctx: _Context,
    candidate: Candidate,
    element: etree._Element,
    whole_agreement: float,
    verdicts: list[Verdict],
    whole: Attempt | None,
) -> Attempt | None:
    verdict = Verdict(candidate.source)
    verdicts.append(verdict)
    # first the whole-page body narrowed to the container (free); a second extraction only when that
    # cannot be told, or when narrowing helps without being enough
    narrowed = _whole_within(ctx, whole, candidate) if whole is not None else None
    if narrowed is not None and narrowed.words >= ctx.options.min_words:
        found = ctx.signals.region_agreement(narrowed.text)
        if found >= whole_agreement + GENERIC_MARGIN:
            return _accept_generic(verdict, narrowed, verdicts)
        if found < whole_agreement + GENERIC_MARGIN / 2:  # narrowing barely helps: nor will extracting
            verdict.check("region-agreement", False)
            return None
    extracted = _extract_copy(ctx, element, candidate.source, whole=False)
    if extracted is None or not verdict.check("words", extracted.words >= ctx.options.min_words):
        return None
    better = ctx.signals.region_agreement(extracted.text) >= whole_agreement + GENERIC_MARGIN
    if verdict.check("region-agreement", better):
        return _accept_generic(verdict, extracted, verdicts)
    return None


def _accept_generic(verdict: Verdict, attempt: Attempt, verdicts: list[Verdict]) -> Attempt:
    verdict.check("words", True)
    verdict.check("region-agreement", True)
    verdict.accepted = True
    for other in verdicts:
        if other.candidate == "whole-page":
            other.check("region-agreement", False)
    return attempt


#: The whole-page body can be narrowed to a container (no second extraction) when at least this share of
#: its text is found among the page's blocks.
LOCATED_ENOUGH = 0.8


def _whole_within(ctx: _Context, whole: Attempt, candidate: Candidate) -> Attempt | None:
    """The whole-page body narrowed to the paragraphs that come from inside `candidate`, or None when too
    little of it can be located among the page's blocks to tell (trafilatura's flattened last resort)."""
    signals = ctx.signals
    inside = set(inner_blocks(signals, candidate.element))
    kept, located, total = [], 0, 0
    removed = list(whole.removed)
    for paragraph in whole.paragraphs:
        position = signals.locate(paragraph)
        total += len(paragraph)
        if position is None:
            kept.append(paragraph)
            continue
        located += len(paragraph)
        if position in inside:
            kept.append(paragraph)
        else:
            removed.append(Removed.of(f"outside:{candidate.source}", paragraph))
    if not total or located < LOCATED_ENOUGH * total:
        return None
    outcome = replace(whole.outcome, paragraphs=kept)
    return Attempt(candidate.source, outcome, removed, whole.link_share)


def _rescued(ctx: _Context, chosen: Attempt | None, verdicts: list[Verdict]) -> Attempt | None:
    """The JSON-LD `articleBody` when the page's markup yields no body or much less than it states."""
    chosen = trim_rails(ctx.signals, ctx.rules.stop_lines, chosen)
    body = ctx.signals.article_body
    if not body:
        return chosen
    stated = len(words(body))
    if stated < max(ctx.options.min_words, MIN_ARTICLE_BODY_WORDS):
        return chosen
    if chosen is not None and chosen.words >= 0.5 * stated:
        return chosen
    verdict = Verdict("jsonld")
    verdicts.append(verdict)
    removed: list[Removed] = []
    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
    outcome = apply_line_rules(paragraphs, ctx.rules, ctx.options, removed)
    attempt = Attempt("jsonld", outcome, removed)
    if not verdict.check("words", attempt.words >= ctx.options.min_words):
        return chosen
    verdict.accepted = True
    for other in verdicts:
        if other.accepted and other is not verdict:
            other.accepted = False
            other.check("article-body", False)
    return attempt


_PARAGRAPH_BREAK = re.compile(r"\n\s*")
