"""The one cleaning function behind every front end: `clean_html` for pages, `clean_text` for text dumps."""

from __future__ import annotations

import logging
import re

from lxml import etree

from .candidates import rule_candidates
from .choice import choose_body
from .decoding import BINARY_SHARE, binary_share, decode_html
from .dom import (
    NotHTML,
    page_too_complex,
    page_url,
    parse_html,
    protected_elements,
    strip_non_text,
    xml_document_kind,
)
from .headline import strip_headline
from .language import resolve_language
from .lines import LineOutcome, apply_line_rules, strip_header_lines
from .metadata import Metadata, extract_metadata, person_authors
from .normalize import normalize_text
from .options import CleanOptions
from .pruning import prune
from .repair import body_chars, needs_repair, repair_markup
from .result import CleanResult, Removed, count_words
from .rules import RuleRegistry, RuleSet, default_registry
from .signals import read_signals

logger = logging.getLogger(__name__)

_DEFAULT_OPTIONS = CleanOptions()
#: A body whose text is at least this share link text is an index or a menu, not an article.
_MAX_LINK_SHARE = 0.85


def clean_html(
    html: str | bytes,
    url: str | None = None,
    options: CleanOptions | None = None,
    *,
    registry: RuleRegistry | None = None,
) -> CleanResult:
    """Clean one saved or fetched page into body text plus metadata.

    Never raises for bad input: the result's `status` and `error` say what went wrong.
    """
    options = options or _DEFAULT_OPTIONS
    try:
        return _clean_html(html, url, options, registry or default_registry())
    except RecursionError:
        return CleanResult.failure("error", "markup nested too deeply to process", url)
    except MemoryError:
        return CleanResult.failure("error", "page too large to process in memory", url)
    except Exception as exc:  # one bad page must never stop a batch
        logger.exception("cleaning failed for %s", url or "<input>")
        return CleanResult.failure("error", f"internal error: {type(exc).__name__}: {exc}", url)


def _clean_html(
    html: str | bytes, url: str | None, options: CleanOptions, registry: RuleRegistry
) -> CleanResult:
    size = len(html)
    if size > options.max_bytes:
        return CleanResult.failure(
            "error", f"input is {size:,} bytes, over the {options.max_bytes:,}-byte limit (max_bytes)", url
        )
    if isinstance(html, bytes):
        if not html.strip():
            return CleanResult.failure("empty", "the input is empty", url)
        share = binary_share(html)
        if share > BINARY_SHARE:
            return CleanResult.failure("error", f"binary data, not HTML ({share:.0%} control bytes)", url)
        html, _ = decode_html(html, options.http_encoding)
    xml = xml_document_kind(html)
    if xml is not None:
        return CleanResult.failure("not_article", f"an XML {xml}, not an HTML page", url)
    try:
        tree = parse_html(html)
    except NotHTML as exc:
        status = "empty" if not html.strip() else "error"
        return CleanResult.failure(status, str(exc), url)
    if needs_repair(tree, html):
        tree = _repaired(tree, html)
    too_big = page_too_complex(tree, options)
    if too_big:
        return CleanResult.failure("error", too_big, url)

    canonical = page_url(tree, url)
    result = CleanResult(url=url or canonical, canonical_url=canonical)
    rules = registry.ruleset(result.url, tree)
    result.outlet = rules.outlet
    metadata = _fill_metadata(result, tree, rules)

    strip_non_text(tree)
    candidates = rule_candidates(tree, rules)
    prune(
        tree,
        rules.drop,
        result.removed,
        tokens=rules.drop_tokens,
        protected=protected_elements(tree, candidates),
    )
    signals = read_signals(
        tree, title=metadata.title, descriptions=metadata.descriptions, article_body=metadata.article_body
    )
    choice = choose_body(tree, candidates, signals, rules, result.url, options)
    result.body_source = choice.source
    result.checks = [verdict.to_dict() for verdict in choice.verdicts]
    attempt = choice.attempt
    if attempt is None:
        return _finish(result, LineOutcome(paragraphs=[]), options, found_body=False)
    result.removed.extend(attempt.removed)
    outcome = attempt.outcome
    heading = signals.headline_element
    titles = [t for t in (metadata.title, heading.text_content() if heading is not None else None) if t]
    outcome.paragraphs = strip_headline(outcome.paragraphs, titles, result.removed)
    link_share = attempt.link_share
    if not link_share and signals.page_link_share() >= _MAX_LINK_SHARE:
        link_share = signals.link_share_of("\n".join(outcome.paragraphs))
    if link_share >= _MAX_LINK_SHARE:
        result.status = "not_article"
        result.error = f"the body is links only ({link_share:.0%} of its text)"
    return _finish(result, outcome, options, found_body=True)


def clean_text(
    text: str,
    options: CleanOptions | None = None,
    *,
    url: str | None = None,
    registry: RuleRegistry | None = None,
) -> CleanResult:
    """Clean already-extracted text (a trafilatura dump, a copy-paste) with the same line rules.

    Paragraphs are separated by blank lines when the text has any, otherwise by line breaks.
    """
    options = options or _DEFAULT_OPTIONS
    registry = registry or default_registry()
    result = CleanResult(url=url)
    if not text or not text.strip():
        return CleanResult.failure("empty", "the input is empty", url)
    rules = registry.ruleset(url)
    result.outlet = rules.outlet
    separator = re.compile(r"\n\s*\n") if re.search(r"\n\s*\n", text) else re.compile(r"\n")
    paragraphs = [normalize_text(p) for p in separator.split(text)]
    paragraphs = strip_header_lines([p for p in paragraphs if p], result.removed)
    outcome = apply_line_rules(paragraphs, rules, options, result.removed)
    return _finish(result, outcome, options, found_body=True)


def _repaired(tree: etree._Element, html: str) -> etree._Element:
    """The BeautifulSoup-repaired tree when it recovers more body text than lxml's own parse."""
    try:
        repaired = parse_html(repair_markup(html))
    except NotHTML:
        return tree
    if body_chars(repaired) > body_chars(tree):
        logger.info("lxml lost the body of the page (broken markup); using the html.parser repair")
        return repaired
    return tree


def _finish(
    result: CleanResult, outcome: LineOutcome, options: CleanOptions, *, found_body: bool
) -> CleanResult:
    result.text = "\n".join(outcome.paragraphs)
    result.word_count = count_words(result.text)
    result.dateline = outcome.dateline
    result.language = resolve_language(result.language, result.text)
    result.editor = outcome.editor or result.editor
    for name in outcome.authors:
        if name not in result.authors:
            result.authors.append(name)
    result.authors = person_authors(result.authors, result.site_name, result.url or result.canonical_url)
    if result.status != "ok":
        return result
    if not found_body or not result.text:
        result.status = "not_article"
        result.error = "no article body found on the page"
    elif result.word_count < options.min_words:
        result.status = "not_article"
        result.error = f"body too short: {result.word_count} words (min_words is {options.min_words})"
    return result


def _fill_metadata(result: CleanResult, tree: etree._Element, rules: RuleSet) -> Metadata:
    md = extract_metadata(tree, rules.meta, result.url)
    result.title = md.title
    result.authors = md.authors
    result.editor = md.editor
    result.date_published = md.date_published
    result.date_modified = md.date_modified
    result.description = md.description
    result.section = md.section
    result.tags = md.tags
    result.language = md.language
    result.site_name = md.site_name
    result.image = md.image
    return md


__all__ = ["CleanOptions", "CleanResult", "Removed", "clean_html", "clean_text"]
