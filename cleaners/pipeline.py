"""The one cleaning function behind every front end: `clean_html` for pages, `clean_text` for text dumps."""

from __future__ import annotations

import logging
import re

from lxml import etree

from .container import isolate, wrap_loose_text
from .decoding import BINARY_SHARE, binary_share, decode_html
from .dom import NotHTML, page_url, parse_html, select_body, strip_non_text
from .extract import extract_body
from .fragment import fragment_blocks
from .language import resolve_language
from .lines import apply_line_rules, strip_header_lines
from .metadata import extract_metadata, person_authors
from .options import CleanOptions
from .pruning import prune
from .repair import body_chars, needs_repair, repair_markup
from .result import CleanResult, Removed, count_words
from .rules import RuleRegistry, RuleSet, default_registry

logger = logging.getLogger(__name__)

_DEFAULT_OPTIONS = CleanOptions()
#: A page whose text is at least this share link text (after pruning) is an index or menu, not an article.
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
    try:
        tree = parse_html(html)
    except NotHTML as exc:
        status = "empty" if not html.strip() else "error"
        return CleanResult.failure(status, str(exc), url)
    if needs_repair(tree, html):
        tree = _repaired(tree, html)

    canonical = page_url(tree, url)
    result = CleanResult(url=url or canonical, canonical_url=canonical)
    rules = registry.ruleset(result.url, tree)
    result.outlet = rules.outlet
    _fill_metadata(result, tree, rules)

    strip_non_text(tree)
    prune(tree, rules.drop, result.removed)
    link_share = _link_share(tree)
    if link_share >= _MAX_LINK_SHARE:
        result.status, result.error = "not_article", f"the page is links only ({link_share:.0%} of its text)"
        return result
    body = _extract_from_container(tree, rules, result.url, options)
    if body is None:
        body = extract_body(tree, result.url, options, isolated=False)
    paragraphs = fragment_blocks(body, result.removed) if body is not None else []
    return _finish(result, paragraphs, rules, options, found_body=body is not None)


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
    paragraphs = [" ".join(p.split()) for p in separator.split(text)]
    paragraphs = strip_header_lines([p for p in paragraphs if p], result.removed)
    return _finish(result, paragraphs, rules, options, found_body=True)


def _extract_from_container(
    tree: etree._Element, rules: RuleSet, url: str | None, options: CleanOptions
) -> etree._Element | None:
    """Extract from the outlet's article container alone; None when there is none or it holds too little.

    A container that yields fewer than `min_words` words is a stale selector after a layout change (or a
    teaser sharing the article's class): it goes back into the page, which is then extracted whole.
    """
    container = select_body(tree, rules.body)
    if container is None:
        return None
    wrap_loose_text(container)
    parent, tag, tail = container.getparent(), container.tag, container.tail
    index = parent.index(container) if parent is not None else 0
    body = extract_body(isolate(container), url, options, isolated=True)
    if body is not None and count_words(" ".join(body.itertext())) >= options.min_words:
        return body
    logger.info("the outlet's article container held too little text; extracting from the whole page")
    if parent is not None:
        container.tag, container.tail = tag, tail
        parent.insert(index, container)
    return None


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
    result: CleanResult, paragraphs: list[str], rules: RuleSet, options: CleanOptions, *, found_body: bool
) -> CleanResult:
    outcome = apply_line_rules(paragraphs, rules, options, result.removed)
    result.text = "\n".join(outcome.paragraphs)
    result.word_count = count_words(result.text)
    result.dateline = outcome.dateline
    result.language = resolve_language(result.language, result.text)
    result.editor = outcome.editor or result.editor
    for name in outcome.authors:
        if name not in result.authors:
            result.authors.append(name)
    result.authors = person_authors(result.authors, result.site_name, result.url or result.canonical_url)
    if not found_body or not result.text:
        result.status = "not_article"
        result.error = "no article body found on the page"
    elif result.word_count < options.min_words:
        result.status = "not_article"
        result.error = f"body too short: {result.word_count} words (min_words is {options.min_words})"
    return result


def _fill_metadata(result: CleanResult, tree: etree._Element, rules: RuleSet) -> None:
    md = extract_metadata(tree, rules.meta)
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


_BODY_TEXT = etree.XPath("//body//text()", smart_strings=False)
_LINK_TEXT = etree.XPath("//body//a//text()", smart_strings=False)


def _link_share(tree: etree._Element) -> float:
    """Share of the page's visible characters that sit inside links (0.0 for pages with little text).

    Whitespace does not count; the text is gathered by XPath in C, which keeps this cheap on big pages.
    """
    total = _visible_chars(_BODY_TEXT(tree))
    if total < 200:
        return 0.0
    return _visible_chars(_LINK_TEXT(tree)) / total


def _visible_chars(texts: list[str]) -> int:
    return len("".join("".join(texts).split()))


__all__ = ["CleanOptions", "CleanResult", "Removed", "clean_html", "clean_text"]
