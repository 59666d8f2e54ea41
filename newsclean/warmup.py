"""Imported once by the cleaning pool's fork server, so that every worker forked from it starts warm.

Loading the rules and trafilatura's lazily built parts costs a quarter of a second; paid here once, a
replacement worker (after a timeout or a crash) is ready in milliseconds and no task is charged for it.
"""

from __future__ import annotations

import newsclean.worker  # noqa: F401  (the task functions the pool runs)
import scraper.cleaning  # noqa: F401
from cleaners import clean_html, default_registry

default_registry()
clean_html(
    b"<html><head><title>Pemanasan</title></head><body><article><p>Satu dua tiga empat lima enam tujuh "
    b"delapan sembilan sepuluh sebelas dua belas.</p></article></body></html>",
    url="https://www.kompas.com/read/2026/01/01/000000/pemanasan",
)
