"""`clean_text` on the two seed extractions gives their hand-made gold bodies."""

from __future__ import annotations

import pytest

from cleaners import clean_text
from cleaners.evaluation import find_leaks, score_page
from tests.conftest import SEEDS

SEED_IDS = ["seed-000", "seed-003"]
#: Boilerplate lines of the seeds that must never survive (copied from the extracted texts).
SEED_LEAKS = {
    "seed-000": [
        "Editor: Erna Sari Ulina Girsang",
        "Lala Lala",
        "Recent Posts",
        "7 hours ago",
        "Pascabanjir Lahar, NaCl 3 Ton Disebar",
        "Peneliti BRIN: Birokrat Tak Boleh Terlibat Politik Praktis",
    ],
    "seed-003": [
        "Baca Juga: Survei Indostrategi",
        "Cek Juga: PAPERA Majalengka",
        "Simak Juga: Berjaya pada 2019",
    ],
}


@pytest.mark.parametrize("seed", SEED_IDS)
def test_seed_matches_gold(seed: str) -> None:
    result = clean_text((SEEDS / f"{seed}-extracted.txt").read_text(encoding="utf-8"))
    gold = (SEEDS / f"{seed}-body.gold.txt").read_text(encoding="utf-8")
    assert result.status == "ok"
    assert score_page(result.text, gold).f1 >= 0.99
    assert find_leaks(result.text, SEED_LEAKS[seed]) == []
    gold_paragraphs = [" ".join(p.split()) for p in gold.splitlines() if p.strip()]
    assert result.text.split("\n") == gold_paragraphs


def test_seed_000_editor_becomes_metadata() -> None:
    result = clean_text((SEEDS / "seed-000-extracted.txt").read_text(encoding="utf-8"))
    assert result.editor == "Erna Sari Ulina Girsang"
    assert any(r.rule.endswith("rail-heading") and r.text == "Recent Posts" for r in result.removed)
