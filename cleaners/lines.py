"""Paragraph-level rules: anchored patterns, rail cut-off, tail bylines, sign-offs and the dateline.

Pure functions over a list of paragraph strings; the rule patterns come from the rule files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .options import CleanOptions
from .result import Removed
from .rules import LinePattern, RuleSet

#: A short line of capitalised words with no sentence punctuation: a name line next to a byline.
_NAME_LINE = re.compile(r"^(?:[A-Z][\w'’.-]*\s*){1,5}$")
_SENTENCE_END = re.compile(r"[.!?…\"”’)]$")


@dataclass(slots=True)
class LineOutcome:
    """Paragraphs kept, plus the facts that boilerplate lines carried."""

    paragraphs: list[str]
    editor: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None


def _first_match(
    patterns: tuple[LinePattern, ...], text: str
) -> tuple[LinePattern | None, re.Match[str] | None]:
    # one search per pattern: most are anchored and fail at once (an alternation of them all is slower,
    # being tried at every position)
    for pattern in patterns:
        match = pattern.regex.search(text)
        if match:
            return pattern, match
    return None, None


def _harvest(match: re.Match[str], outcome: LineOutcome) -> None:
    """Turn named groups of a byline rule into metadata instead of losing them."""
    groups = match.groupdict()
    editor = (groups.get("editor") or "").strip(" .,;")
    if editor and not outcome.editor:
        outcome.editor = editor
    for key in ("authors", "author"):
        value = (groups.get(key) or "").strip(" .,;")
        if value:
            for name in re.split(r"\s*(?:,|/|\bdan\b|&)\s*", value):
                if name and name not in outcome.authors:
                    outcome.authors.append(name)


def apply_line_rules(
    paragraphs: list[str], rules: RuleSet, options: CleanOptions, removed: list[Removed]
) -> LineOutcome:
    """Run the rule stages in order: stop (rails), drop (anywhere), tail (bylines), sign-off, dateline."""
    outcome = LineOutcome(paragraphs=[])
    kept: list[str] = []
    limit = options.max_rule_chars
    for index, text in enumerate(paragraphs):
        if index and len(text) <= limit:
            pattern, _ = _first_match(rules.stop_lines, text)
            if pattern is not None:
                removed.extend(Removed.of(pattern.name, rest) for rest in paragraphs[index:])
                break
        if len(text) <= limit:
            pattern, match = _first_match(rules.drop_lines, text)
            if pattern is not None:
                removed.append(Removed.of(pattern.name, text))
                _harvest(match, outcome)
                continue
        kept.append(text)

    _cut_after_signoff(kept, rules, removed)
    _strip_tail(kept, rules, options, removed, outcome)
    _strip_signoff(kept, rules, removed)
    _join_bare_dateline(kept, rules)
    if kept:
        pattern, match = _first_match(rules.dateline_lines, kept[0])
        if match is not None and match.start() == 0:
            outcome.dateline = match.group(0).strip(" -–—")
            if options.strip_dateline:
                removed.append(Removed.of(pattern.name, match.group(0)))
                kept[0] = kept[0][match.end() :].lstrip()
                if not kept[0]:
                    kept.pop(0)
    outcome.paragraphs = kept
    return outcome


def _join_bare_dateline(kept: list[str], rules: RuleSet) -> None:
    """A dateline printed as its own block ("<strong>Jakarta</strong> -") belongs to the first paragraph."""
    # only a block that ends the way a dateline does: a heading ("Pendahuluan") stays on its own
    if len(kept) < 2 or len(kept[0]) > 80 or not kept[0].rstrip().endswith(("-", "–", "—")):
        return
    candidate = f"{kept[0]} {kept[1]}"
    _, match = _first_match(rules.dateline_lines, candidate)
    if match is not None and match.start() == 0 and match.end() >= len(kept[0]):
        kept[0:2] = [candidate]


def _strip_tail(
    kept: list[str], rules: RuleSet, options: CleanOptions, removed: list[Removed], outcome: LineOutcome
) -> None:
    """Bylines and credits, only near the end: a name mid-article is reporting, not a byline."""
    window = options.tail_paragraphs
    after_byline = False  # the line below this one was a byline just removed
    index = len(kept) - 1
    while index >= 0 and index >= len(kept) - window - 1 and kept:
        text = kept[index]
        pattern, match = (
            _first_match(rules.tail_lines, text) if len(text) <= options.max_rule_chars else (None, None)
        )
        if pattern is not None:
            if match.start() == 0:
                removed.append(Removed.of(pattern.name, text))
                kept.pop(index)
                # a bare name line right after a credit line ("Editor: X" then "Lala Lala") is part of it
                if index < len(kept) and _is_name_line(kept[index]):
                    removed.append(Removed.of("lines:tail-name", kept.pop(index)))
            else:  # a credit glued to the end of the last paragraph
                removed.append(Removed.of(pattern.name, text[match.start() :]))
                kept[index] = text[: match.start()].rstrip()
            _harvest(match, outcome)
            after_byline = True
        elif after_byline and _is_name_line(text):
            # a bare name right above a credit line ("Dini Teja" / "Editor: X") is part of the byline;
            # only the adjacent line: short capitalised sub-headings higher up are article text
            removed.append(Removed.of("lines:tail-name", text))
            kept.pop(index)
            after_byline = False
        else:
            after_byline = False
        index -= 1


def _is_name_line(text: str) -> bool:
    return len(text) <= 60 and bool(_NAME_LINE.match(text)) and not _SENTENCE_END.search(text)


#: What may follow a sign-off and still be cut with it: a few short lines (related headlines, a CTA).
_AFTER_SIGNOFF_LINES = 8
_AFTER_SIGNOFF_CHARS = 200
_SIGNOFF_WINDOW = 10


def _cut_after_signoff(kept: list[str], rules: RuleSet, removed: list[Removed]) -> None:
    """The reporter's sign-off ends the article: the few short lines after it are rails and calls to action.

    "... Jalan Niaga. (mdk/rka)" then "Yuk daftarkan ... Sosok Merdeka!", or "(kpl/sry) Simak Lifestyle
    Populer Lainnya" in one paragraph. Only when what follows is short: a long paragraph after initials
    means the initials were something else.
    """
    if not rules.signoff_lines:
        return
    for index in range(max(0, len(kept) - _SIGNOFF_WINDOW), len(kept)):
        text = kept[index]
        end = _signoff_end(text, rules)
        if end is None:
            continue
        rest = text[end:].strip()
        following = kept[index + 1 :]
        if not rest and not following:
            return
        if len(following) > _AFTER_SIGNOFF_LINES or len(rest) > _AFTER_SIGNOFF_CHARS:
            continue
        if any(len(line) > _AFTER_SIGNOFF_CHARS for line in following):
            continue
        removed.extend(
            Removed.of("lines:after-signoff", line) for line in ([rest] if rest else []) + following
        )
        kept[index] = text[:end]
        del kept[index + 1 :]
        return


def _signoff_end(text: str, rules: RuleSet) -> int | None:
    """End of the last sign-off in `text` (a `)` after which a sign-off pattern matches), or None."""
    position = text.rfind(")")
    while position != -1:
        prefix = text[: position + 1]
        if any(pattern.regex.search(prefix) for pattern in rules.signoff_lines):
            return position + 1
        position = text.rfind(")", 0, position)
    return None


def _strip_signoff(kept: list[str], rules: RuleSet, removed: list[Removed]) -> None:
    """Cut sign-off initials such as "(fyk/ash)" off the end of the last paragraph."""
    while kept:
        pattern, match = _first_match(rules.signoff_lines, kept[-1])
        if match is None:
            return
        removed.append(Removed.of(pattern.name, match.group(0)))
        kept[-1] = kept[-1][: match.start()].rstrip()
        if kept[-1]:
            return
        kept.pop()


def strip_header_lines(paragraphs: list[str], removed: list[Removed]) -> list[str]:
    """Drop the section label and headline that plain-text dumps carry before the first paragraph."""
    start = 0
    while start < len(paragraphs) - 1:
        text = paragraphs[start]
        if len(text.split()) >= 15 or _SENTENCE_END.search(text):
            break
        start += 1
    removed.extend(Removed.of("lines:header", text) for text in paragraphs[:start])
    return paragraphs[start:]
