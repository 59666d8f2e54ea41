"""Cleaning a fetched article (one or more pages) into one record, with the same `clean_html` as the CLI.

`clean_article` is what the cleaning pool runs for the crawl pipeline and `newsclean reclean` (a plain
module-level function of picklable data, so it can run in a worker process).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cleaners import CleanOptions, CleanResult, Removed, clean_html
from cleaners.result import count_words


@dataclass(frozen=True, slots=True)
class ArticleJob:
    """One article to clean: every page of it, raw, in reading order (it crosses the process boundary)."""

    url: str
    pages: Sequence[str]
    bodies: Sequence[bytes]
    encodings: Sequence[str | None] = ()
    options: CleanOptions = field(default_factory=CleanOptions)

    def time_limit(self, per_page: float) -> float:
        """The article's time limit: `per_page` seconds for each page (0: no limit)."""
        return per_page * max(1, len(self.pages))


def clean_article(job: ArticleJob) -> dict[str, Any]:
    return clean_pages(job.bodies, job.pages, job.encodings, job.options)


def failed_article(message: str, url: str | None = None) -> dict[str, Any]:
    """The record of an article whose cleaning did not finish (time or memory limit, crash, shutdown)."""
    return CleanResult.failure("error", message, url).to_dict()


def clean_pages(
    bodies: Sequence[bytes],
    pages: Sequence[str],
    encodings: Sequence[str | None] = (),
    options: CleanOptions | None = None,
) -> dict[str, Any]:
    """Clean every page and merge them: body = the pages' bodies in order, metadata from the first page.

    Returns `CleanResult.to_dict()` of the merged result (plain data, cheap to send between processes).
    """
    options = options or CleanOptions()
    encodings = list(encodings) + [None] * (len(pages) - len(encodings))
    results = [
        clean_html(body, url=page, options=replace(options, http_encoding=encoding))
        for body, page, encoding in zip(bodies, pages, encodings, strict=False)
    ]
    if not results:
        return CleanResult.failure("empty", "no pages were fetched").to_dict()
    return merge_pages(results, options).to_dict()


def _without_repeated_title(page: CleanResult, title: str | None, merged: CleanResult) -> str:
    """A later page's text without its leading headline ("Judul (Halaman 2)"), a repeat of the title."""
    head, _, rest = page.text.partition("\n")
    titles = [t for t in (title, page.title) if t]
    if head and any(head == t or head.startswith(t) for t in titles):
        merged.removed.append(Removed.of("multipage:repeated-title", head))
        return rest
    return page.text


def merge_pages(results: Sequence[CleanResult], options: CleanOptions) -> CleanResult:
    """One result from the results of an article's pages (a single page is returned unchanged)."""
    first = results[0]
    if len(results) == 1:
        return first
    merged = replace(first, authors=list(first.authors), removed=list(first.removed))
    texts = [first.text] + [_without_repeated_title(result, first.title, merged) for result in results[1:]]
    merged.text = "\n".join(text for text in texts if text)
    merged.word_count = count_words(merged.text)
    for result in results[1:]:
        merged.removed.extend(result.removed)
        merged.authors.extend(name for name in result.authors if name not in merged.authors)
        merged.editor = merged.editor or result.editor
    # Later pages are often too short to count as articles on their own; the whole article decides.
    if first.status in ("ok", "not_article") and merged.text:
        too_short = merged.word_count < options.min_words
        merged.status = "not_article" if too_short else "ok"
        merged.error = None
        if too_short:
            merged.error = f"body too short: {merged.word_count} words (min_words is {options.min_words})"
    return merged
