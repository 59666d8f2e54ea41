"""Cleaning options: one frozen object shared by the CLI, the Scrapy pipeline and the tests."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """Every knob of the cleaning stage; defaults are what `newsclean clean` uses.

    Frozen so it can be shared between worker processes and used as a cache key.
    """

    #: Strip the leading "CITY, OUTLET -" dateline from the body (it is always reported in `dateline`).
    strip_dateline: bool = False
    #: Let trafilatura run its fallback extractors (slower; rarely better once our rules pruned the page).
    fallback: bool = False
    #: Ask trafilatura to prefer precision over recall.
    favor_precision: bool = False
    #: Keep the text of tables that are part of the article.
    include_tables: bool = True
    #: Bodies with fewer words than this are reported as `not_article`.
    min_words: int = 20
    #: Inputs larger than this (bytes) are refused with a clear error instead of exhausting memory.
    max_bytes: int = 32 * 1024 * 1024
    #: Pages with more elements or links than these are refused before extraction, whose cost grows
    #: faster than linearly with them (20,000 one-line links: seconds; 10^6 paragraphs: minutes).
    max_elements: int = 50_000
    max_links: int = 10_000
    #: How many paragraphs at the end of the body byline/credit rules may touch.
    tail_paragraphs: int = 4
    #: Paragraphs longer than this are never dropped by a line rule (real reporting can mention "baca juga").
    max_rule_chars: int = 400
    #: Charset announced by the HTTP response, if any; it is tried before the page's own declaration.
    http_encoding: str | None = None

    @classmethod
    def from_mapping(cls, values: dict[str, object]) -> CleanOptions:
        """Build options from a dict (settings, CLI), ignoring keys that are not options."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})  # type: ignore[arg-type]
