"""The outlet's article container: the fullest match wins, and a stale selector falls back to the page."""

from __future__ import annotations

import shutil
from pathlib import Path

from cleaners import clean_html
from cleaners.evaluation import score_page
from cleaners.rules import RULES_DIR, RuleRegistry
from tests.conftest import CORPUS

PAGE = CORPUS / "tisorlawan_detik_1.html"
URL = "https://news.detik.com/berita/d-6454000/polisi-soal-pistol"
#: About fifteen words: more than the 80 characters a container needs, fewer than min_words.
TEASER = "Polisi mengungkap fakta baru soal pistol dalam kasus cekcok pemobil dan pemotor di Jakarta Selatan"


def _page_with(decoy: str) -> tuple[bytes, str]:
    html = PAGE.read_text(encoding="utf-8")
    head, _, rest = html.partition("<body")
    tag_end = rest.index(">") + 1
    page = f"{head}<body{rest[:tag_end]}{decoy}{rest[tag_end:]}"
    return page.encode("utf-8"), PAGE.with_suffix(".body.txt").read_text(encoding="utf-8")


def test_a_teaser_sharing_the_article_class_does_not_win() -> None:
    page, gold = _page_with(f'<div class="detail__body-text"><p>{TEASER}</p></div>')
    result = clean_html(page, url=URL)
    assert result.outlet == "detik"
    assert result.status == "ok"
    assert score_page(result.text, gold).f1 >= 0.99


def test_a_stale_container_selector_falls_back_to_the_whole_page(tmp_path: Path) -> None:
    for rules_file in RULES_DIR.glob("*.toml"):
        shutil.copy(rules_file, tmp_path)
    detik = tmp_path / "detik.toml"
    detik.write_text(
        detik.read_text(encoding="utf-8").replace("[body]", '[body]\nstale = "div.stale-layout"', 1),
        encoding="utf-8",
    )
    page, gold = _page_with(f'<div class="stale-layout"><p>{TEASER}</p></div>')
    result = clean_html(page, url=URL, registry=RuleRegistry.load(tmp_path))
    assert result.status == "ok"
    assert result.word_count > 200
    assert score_page(result.text, gold).f1 >= 0.9
