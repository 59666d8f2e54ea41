"""Text as readers see it: NFC-composed, without invisible characters, whitespace folded.

Pages mix composed and decomposed accents ("é" as one character or as "e" plus a combining mark) and sprinkle
soft hyphens and zero-width spaces through words for line breaking; both split words for anyone who searches,
counts or compares the text. Zero-width (non-)joiners stay: Persian and Indic scripts need them.
"""

from __future__ import annotations

import unicodedata

#: Soft hyphen, zero-width space, word joiner, zero-width no-break space (BOM).
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"


def normalize_text(text: str) -> str:
    """NFC form, invisible characters removed, runs of whitespace folded to one space, ends stripped."""
    if not text.isascii():
        for char in _INVISIBLE:
            if char in text:
                text = text.replace(char, "")
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())
