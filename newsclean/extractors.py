"""The systems `eval` and `bench` compare, behind one signature: page bytes and URL in, body text out.

Bare trafilatura runs with `include_comments=False` (comments are never article body), as the corpus baselines
in ../shared/corpus do; `bench` times `trafilatura.extract` with its default settings instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import trafilatura

from cleaners import CleanResult, clean_html

#: Page bytes and URL in; the body text out, or newsclean's whole record (scoring reads its `text` and how
#: the body was chosen).
Extractor = Callable[[bytes, str | None], "str | CleanResult"]

OURS = "newsclean"


def newsclean_text(html: bytes, url: str | None) -> str:
    return clean_html(html, url).text


def newsclean_result(html: bytes, url: str | None) -> CleanResult:
    return clean_html(html, url)


def trafilatura_text(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html, url=url, include_comments=False) or ""


def trafilatura_precision_text(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html, url=url, include_comments=False, favor_precision=True) or ""


def trafilatura_default_text(html: bytes, url: str | None) -> str:
    """`trafilatura.extract` exactly as a new user calls it: the speed yardstick of `bench`."""
    return trafilatura.extract(html, url=url) or ""


#: What `eval` scores, ours first; names are the keys of the JSON report.
EVAL_SYSTEMS: dict[str, Extractor] = {
    OURS: newsclean_result,
    "trafilatura": trafilatura_text,
    "trafilatura_precision": trafilatura_precision_text,
}

#: What `bench` times against each other.
BENCH_SYSTEMS: dict[str, Extractor] = {OURS: newsclean_text, "trafilatura": trafilatura_default_text}


def quiet_trafilatura(verbose: int) -> None:
    """Hide trafilatura's per-page warnings ("discarding data", "missing link attribute") unless -v was given.

    They are about the pages, not about the run, and would drown the report; CLI use only.
    """
    if not verbose:
        logging.getLogger("trafilatura").setLevel(logging.ERROR)
