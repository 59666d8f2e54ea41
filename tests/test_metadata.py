"""Metadata of real saved pages: the values pinned here were read off the fixture pages by hand."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from cleaners import CleanResult, clean_html, clean_text
from tests.conftest import CORPUS, corpus_pages


@cache
def _page(stem: str) -> CleanResult:
    return clean_html((CORPUS / f"{stem}.html").read_bytes())


def test_detik_article() -> None:
    result = _page("tisorlawan_detik_1")
    assert result.outlet == "detik"
    assert result.title == "Polisi soal Pistol di Kasus Cekcok Pemobil vs Pemotor: Cuma Diperlihatkan"
    assert result.authors == ["Mulia Budi"]  # <meta name="dtk:author">
    assert result.date_published == "2022-12-10T13:19:56+07:00"
    assert result.language == "id"
    assert result.site_name == "detikcom"
    assert "cekcok" in result.tags
    assert result.dateline == "Jakarta"
    assert result.text.startswith("Jakarta - Polisi masih mendalami")
    assert result.canonical_url == result.url
    assert result.url.startswith("https://news.detik.com/berita/d-6453785/")


def test_kompas_reporter_and_editor_from_its_own_tags() -> None:
    """Kompas's JSON-LD names the editor as author; content_author/content_editor say who is who."""
    result = _page("htmldate_money.kompas.com-Menhub")
    assert result.authors == ["Isna Rifka Sri Rahayu"]
    assert result.editor == "Yoga Sukmana"
    assert result.section == "Money"
    assert result.tags == ["Menhub", "tiket pesawat", "harga tiket pesawat"]
    assert result.date_published == "2023-11-02T14:34:19+00:00"
    assert result.dateline == "JAKARTA, KOMPAS.com"
    assert result.image and result.image.startswith("https://asset.kompas.com/crops/")


def test_mediaindonesia_editor_and_dates() -> None:
    result = _page("fundus_MediaIndonesia_2025_10_22")
    assert result.editor == "Andhika"  # div.info-author "Editor : Andhika", via the [meta] table
    assert result.date_published == "2025-10-22T06:59:00+07:00"
    assert result.date_modified == "2025-10-22T07:06:59+07:00"
    assert "tambang raja ampat" in result.tags
    assert result.dateline is None  # this article has none


def test_liputan6_editor_filed_as_a_tag() -> None:
    result = _page("anpandu_liputan6-singlepage")
    assert result.authors == ["Corry Anestia"]
    assert result.editor == "Iskandar"
    assert "Editor:Iskandar" not in result.tags
    assert result.section == "Tekno"
    assert result.dateline == "Liputan6.com, Jakarta"


def test_antara_byline_microdata_and_editor_line() -> None:
    """No canonical link on this 2015 page: generic rules alone make the byline and Editor line metadata."""
    result = _page("anpandu_antara-singlepage")
    assert result.outlet is None
    assert result.authors == ["Nur Imansyah"]  # <span itemprop="author">
    assert result.editor == "Ade Marboen"  # the "Editor: Ade Marboen" tail line, dropped from the text
    assert "Ade Marboen" not in result.text
    assert any(r.rule == "_generic:editor-line" for r in result.removed)
    assert result.date_published == "2015-11-05T14:56:43+07:00"
    assert result.dateline == "Mataram, NTB (ANTARA News)"


def test_viva_byline_beats_the_company_author_tag() -> None:
    result = _page("anpandu_viva-singlepage")
    assert result.authors == ["Maya Sofia"]
    assert result.date_published == "2016-02-16T13:01:52+07:00"


def test_removed_blocks_name_their_rules() -> None:
    rules = {r.rule for r in _page("tisorlawan_detik_1").removed}
    assert {"detik:baca-juga-table", "detik:para-ads", "_generic:initials"} <= rules
    assert all(r.text for r in _page("tisorlawan_detik_1").removed)


@pytest.mark.parametrize("page", corpus_pages(), ids=lambda p: p.stem)
def test_every_corpus_page_has_the_basics(page: Path) -> None:
    result = _page(page.stem)
    assert result.status == "ok"
    assert result.title
    assert result.word_count == len(re.findall(r"\w+", result.text)) > 50
    assert result.image


def test_outlet_meta_date_fills_a_gap() -> None:
    """A page with no JSON-LD or standard date tag still gets its date from detik's own dtk:publishdate."""
    body = " ".join(["Kalimat berita yang cukup panjang untuk dianggap sebagai isi artikel."] * 8)
    html = (
        "<html><head><meta name='dtk:publishdate' content='2022/12/10 13:19:56'>"
        "<meta name='dtk:author' content='Mulia Budi'></head>"
        f"<body><div class='detail__body-text'><p>{body}</p><p>{body}</p></div></body></html>"
    )
    result = clean_html(html, url="https://news.detik.com/berita/d-1/x")
    assert result.outlet == "detik"
    assert result.date_published == "2022-12-10T13:19:56"
    assert result.authors == ["Mulia Budi"]


def test_clean_text_turns_byline_lines_into_metadata() -> None:
    text = (
        "Pemerintah meresmikan program baru bagi pelaku usaha kecil di seluruh wilayah pada Senin pagi, "
        "kata wali kota dalam konferensi pers di balai kota.\n\nProgram ini mencakup pelatihan dan "
        "pendampingan bagi lebih dari seribu pelaku usaha.\n\nPenulis: Budi Santoso\n\nEditor: Siti Aminah"
    )
    result = clean_text(text)
    assert result.authors == ["Budi Santoso"]
    assert result.editor == "Siti Aminah"
    assert "Budi Santoso" not in result.text and "Siti Aminah" not in result.text


def test_page_date_is_the_last_resort() -> None:
    """The 2015 kompas page has no JSON-LD or date tag: htmldate reads the day off the page."""
    assert _page("anpandu_kompas-singlepage").date_published == "2015-11-04"
    assert _page("anpandu_republika-singlepage").date_published == "2016-02-15"
