"""The headline is metadata (`title`), not body: drop it when the body starts by repeating it.

It happens whenever the `<h1>` sits inside the article container, or trafilatura keeps it as a heading.
"""

from __future__ import annotations

from .result import Removed
from .signals import words

#: The first paragraph is the headline when this share of its words are the title's, covering at least
#: the second share of the title's words...
_SHARE = 0.9
_COVERS = 0.6
#: ...and is not much longer than the title (a lead sentence repeating the title's words is text).
_MAX_LENGTH_RATIO = 1.3


def strip_headline(paragraphs: list[str], titles: list[str], removed: list[Removed]) -> list[str]:
    """`paragraphs` without a first paragraph that repeats a title (the metadata title, the `<h1>`).

    Titles often carry the site's name ("... | merdeka.com"): the first paragraph is the headline when
    nearly all its words are the title's and it holds most of them.
    """
    if not paragraphs:
        return paragraphs
    first = paragraphs[0]
    found = set(words(first))
    if not found:
        return paragraphs
    for title in titles:
        title_words = set(words(title))
        if not title_words or len(first) > _MAX_LENGTH_RATIO * len(title) + 10:
            continue
        common = len(found & title_words)
        if common >= _SHARE * len(found) and common >= _COVERS * len(title_words):
            removed.append(Removed.of("headline", first))
            return paragraphs[1:]
    return paragraphs
