"""The validated body choice (cleaners/choice.py) on a real page, one failure class of issue 6 at a time.

The page is the 2022 detik article of the corpus (`div.detail__body-text` is its container). Each test gives
the outlet a selector that matches the wrong thing on purpose, as a template change does: the rail of other
headlines, the whole page, a box of promos. A wrong candidate must be rejected with its reason (or, when its
output is the article after all, cost nothing), and the body must still be the article.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cleaners import CleanResult, clean_html
from cleaners.evaluation import find_leaks, score_page
from cleaners.result import outcome_counters
from cleaners.rules import RULES_DIR, RuleRegistry
from tests.conftest import CORPUS

PAGE = CORPUS / "tisorlawan_detik_1.html"
URL = "https://news.detik.com/berita/d-6454000/polisi-soal-pistol"
GOLD = PAGE.with_suffix(".body.txt").read_text(encoding="utf-8")
LEAKS = PAGE.with_suffix(".leaks.txt").read_text(encoding="utf-8").splitlines()


def _registry(tmp_path: Path, body: str) -> RuleRegistry:
    """The packaged rules, with detik's [body] replaced by `body` (TOML lines)."""
    for rules_file in RULES_DIR.glob("*.toml"):
        shutil.copy(rules_file, tmp_path)
    detik = tmp_path / "detik.toml"
    text = detik.read_text(encoding="utf-8")
    start = text.index("[body]")
    end = text.index("\n[", start + 1)
    detik.write_text(f"{text[:start]}[body]\n{body}\n{text[end:]}", encoding="utf-8")
    return RuleRegistry.load(tmp_path)


def _clean(registry: RuleRegistry | None = None, page: bytes | None = None) -> CleanResult:
    return clean_html(page or PAGE.read_bytes(), url=URL, registry=registry)


def test_a_confirmed_outlet_container_is_the_body_and_says_so() -> None:
    result = _clean()
    assert result.body_source == "outlet:detik:detail-body"
    first = result.checks[0]
    assert first["candidate"] == "outlet:detik:detail-body" and first["accepted"]
    assert {"words", "link-share", "region"} <= set(first["passed"])
    assert outcome_counters(result.to_dict()) == ["body/outlet:detik:detail-body"]


def test_a_selector_matching_the_headline_rail_is_rejected(tmp_path: Path) -> None:
    """ "Berita terkait" cards (`.list-content`): links and teasers, not the article."""
    result = _clean(_registry(tmp_path, 'rail = ".list-content"'))
    assert result.status == "ok"
    rejected = [c for c in result.checks if c["candidate"] == "outlet:detik:rail"]
    assert rejected and not any(c["accepted"] for c in rejected)
    assert all(c["failed"] for c in rejected)
    assert not result.body_source.startswith("outlet:")
    assert "container_rejected/detik" in outcome_counters(result.to_dict())
    assert score_page(result.text, GOLD).f1 >= 0.95


def test_a_selector_matching_the_whole_page_costs_nothing(tmp_path: Path) -> None:
    """`body` holds the article, the menus and the rails. Extracted alone it may still be believed (its output
    is the article when the checks agree), but it must never do worse than no rule at all, nor let in the
    video promo bare trafilatura keeps on this page."""
    result = _clean(_registry(tmp_path, 'everything = "body"'))
    (tmp_path / "none").mkdir()
    without = _clean(_registry(tmp_path / "none", ""))
    assert result.status == "ok"
    assert score_page(result.text, GOLD).f1 >= max(0.95, score_page(without.text, GOLD).f1 - 0.005)
    assert find_leaks(result.text, LEAKS) == []


def test_a_container_of_promos_emptied_by_the_line_rules_falls_through(tmp_path: Path) -> None:
    """A box that passes the raw word gate but is nothing but "Baca juga" lines once the rules ran."""
    promos = "".join(
        f"<p>Baca juga: Kabar terbaru nomor {i} dari kota hari ini juga</p>"
        f"<p>Dapatkan update berita pilihan setiap hari, gabung di WhatsApp channel kami nomor {i}</p>"
        for i in range(14)
    )
    page = PAGE.read_text(encoding="utf-8").replace(
        "<body", f'<body><div class="promo-box">{promos}</div><x', 1
    )
    page = page.replace("<x", "", 1)
    result = _clean(
        _registry(tmp_path, 'promo = "div.promo-box"\ndetail-body = "div.detail__body-text"'), page.encode()
    )
    promo = next(c for c in result.checks if c["candidate"] == "outlet:detik:promo")
    assert not promo["accepted"] and "words" in promo["failed"]
    assert result.body_source == "outlet:detik:detail-body"
    assert score_page(result.text, GOLD).f1 >= 0.99


def test_a_real_article_inside_a_huge_menu_is_not_called_links_only() -> None:
    """The links-only verdict judges the body, not the page: 3,000 menu links around a real article."""
    menu = "".join(f'<li><a href="/kanal/{i}">Kanal berita nomor {i}</a></li>' for i in range(3000))
    page = PAGE.read_text(encoding="utf-8").replace("<body", f"<body><nav><ul>{menu}</ul></nav><x", 1)
    result = clean_html(page.replace("<x", "", 1).encode(), url=URL)
    assert result.status == "ok", result.error
    assert score_page(result.text, GOLD).f1 >= 0.98


ARTICLE_BODY = " ".join(
    [
        "Pemerintah kota mengumumkan program perbaikan jalan di seluruh kecamatan mulai bulan depan.",
        "Wali kota mengatakan anggaran sudah disetujui dewan dan pekerjaan akan dimulai dari wilayah utara.",
        "Warga diminta melapor jika menemukan jalan rusak melalui aplikasi layanan publik milik pemerintah.",
        "Program ini ditargetkan selesai dalam enam bulan dengan pengawasan dari dinas pekerjaan umum.",
    ]
)


def test_an_article_only_in_json_ld_is_not_lost() -> None:
    page = f"""<html><head><title>Perbaikan jalan</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Perbaikan jalan", "articleBody": "{ARTICLE_BODY}"}}</script></head>
<body><div id="app"><h1>Perbaikan jalan</h1><p>Memuat...</p></div></body></html>"""
    result = clean_html(page.encode(), url="https://kabar.example/berita/jalan")
    assert result.status == "ok"
    assert result.body_source == "jsonld"
    assert result.text.startswith("Pemerintah kota mengumumkan")


def test_the_headline_is_not_the_first_body_line() -> None:
    page = f"""<html><head><title>Warga Keluhkan Jalan Rusak | Kabar Kota</title></head><body>
<article><h1>Warga Keluhkan Jalan Rusak</h1><p>{ARTICLE_BODY}</p><p>{ARTICLE_BODY}</p></article>
</body></html>"""
    result = clean_html(page.encode(), url="https://kabar.example/berita/jalan")
    assert result.status == "ok"
    assert not result.text.startswith("Warga Keluhkan")
    assert any(r.rule == "headline" for r in result.removed)


@pytest.mark.parametrize("modifier", ["category-newsletter", "has-caption", "tag-baca-juga"])
def test_modifier_classes_on_the_article_do_not_delete_it(modifier: str) -> None:
    """Generic rules match whole class tokens (a WordPress taxonomy class is not a newsletter box)."""
    html = PAGE.read_text(encoding="utf-8").replace(
        'class="detail__body-text itp_bodycontent"', f'class="detail__body-text itp_bodycontent {modifier}"'
    )
    html = html.replace('class="detail__body itp_bodycontent_wrapper"', f'class="detail__body {modifier}"')
    result = clean_html(html.encode(), url=URL)
    assert score_page(result.text, GOLD).f1 >= 0.99
    assert not any(r.rule.startswith("_generic:") and len(r.text) > 500 for r in result.removed)


def test_an_article_in_several_blocks_of_the_container_class_is_read_whole() -> None:
    """liputan6 writes long articles as one `article-content-body__item-content` per section: the fullest
    section alone would pass the checks (its lead is the description's), and lose the rest."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(PAGE.read_bytes())
    body = tree.xpath("//div[contains(@class, 'detail__body-text')]")[0]
    paragraphs = body.findall("p")
    split = paragraphs[len(paragraphs) // 2]
    second = lxml_html.Element("div", {"class": body.get("class")})
    for child in [split, *split.itersiblings()]:  # the second half of the body, to its end
        second.append(child)
    body.addnext(second)
    result = clean_html(lxml_html.tostring(tree), url=URL)
    assert result.body_source.endswith("+sections"), result.checks
    assert score_page(result.text, GOLD).f1 >= 0.95
