"""The fragment post-clean: a short label plus nothing but a link is a promo, whatever its wording.

Snippets are shaped like real pages: okezone's `<p><strong>Baca Juga:</strong> <a>…</a></p>`, mediaindonesia's
`<p class="related-news">Baca juga : <a>…</a></p>` (without its class, so only the shape can tell), and the
English "Read more:" form.
"""

from __future__ import annotations

import pytest
from lxml import etree

from cleaners import clean_html
from cleaners.fragment import fragment
from cleaners.result import Removed

PROSE = (
    "Pemerintah kota meresmikan program baru untuk membantu pelaku usaha kecil di seluruh wilayah, kata wali "
    "kota dalam konferensi pers di balai kota pada Senin pagi. Program ini mencakup pelatihan, pendampingan "
    "dan akses permodalan bagi lebih dari seribu pelaku usaha yang terdaftar."
)
#: A link target, short enough to keep the snippets on one line.
T = 'target="https://x.example/a"'


def _blocks(xml: str) -> tuple[list[str], list[Removed]]:
    removed: list[Removed] = []
    return fragment(etree.fromstring(f"<body>{xml}</body>"), removed).paragraphs, removed


@pytest.mark.parametrize(
    "promo",
    [
        f"<p>Baca Juga: <ref {T}>Dear Milenial Yuk Mulai Bisnis, Begini Lho Tipsnya</ref></p>",
        f"<p>Baca juga : <ref {T}>KPK Dalami Aliran Dana Tambang</ref></p>",
        f"<p>Read more: <ref {T}>Minister resigns after leak</ref></p>",
        f"<p>Lihat Juga » <ref {T}>Foto-foto Banjir di Jakarta</ref></p>",
        f"<p>Czytaj też: <ref {T}>Wyścig zbrojeń ruszył z kopyta</ref></p>",
        f"<p><ref {T}>Sementara maskapai membutuhkan suku cadang</ref></p>",
    ],
)
def test_label_plus_link_is_a_promo(promo: str) -> None:
    blocks, removed = _blocks(f"<p>{PROSE}</p>{promo}<p>{PROSE}</p>")
    assert blocks == [PROSE, PROSE]
    assert [r.rule for r in removed] == ["fragment:label-link-promo"]


@pytest.mark.parametrize(
    "paragraph",
    [
        # prose with an inline link
        f"<p>Menurut <ref {T}>Badan Pusat Statistik</ref>, inflasi Oktober 2023 mencapai "
        "2,56 persen secara tahunan.</p>",
        # a sentence that ends in a link, its lead-in longer than a label
        '<p>Eine der meistgestellten Hörerfragen ist mittlerweile die: <ref target="https://x.example">'
        "Was sagt Professor Drosten dazu?</ref> Er antwortet.</p>",
        # a dated entry: a date is not a promo label
        '<p>2 décembre 2019 : <ref target="https://x.example">Reportage JT 13 heures de France 2</ref></p>',
        # a label followed by more than the link
        '<p>Sumber: <ref target="https://x.example">BPS</ref> dan Kementerian Keuangan, diolah redaksi.</p>',
    ],
)
def test_prose_with_a_link_is_kept(paragraph: str) -> None:
    blocks, removed = _blocks(paragraph)
    assert len(blocks) == 1 and removed == []


def test_table_row_with_a_link_is_data() -> None:
    xml = f"<table><row><cell>Stadion</cell><cell><ref {T}>Stadion im. Smoczyka</ref></cell></row></table>"
    blocks, removed = _blocks(xml)
    assert blocks == ["Stadion | Stadion im. Smoczyka"] and removed == []


def test_list_items_are_blocks_and_promos_among_them_go() -> None:
    xml = (
        "<list><item>Pertama, pelatihan bagi pelaku usaha.</item>"
        '<item>Baca juga: <ref target="https://x.example">Judul lain</ref></item>'
        "<item>Kedua, pendampingan usaha.</item></list>"
    )
    blocks, _ = _blocks(xml)
    assert blocks == ["Pertama, pelatihan bagi pelaku usaha.", "Kedua, pendampingan usaha."]


def _page(body: str) -> bytes:
    return (
        "<html><head><title>Program Usaha Kecil</title></head><body><nav><a href='/'>Beranda</a></nav>"
        f"<article><h1>Program Usaha Kecil</h1>{body}</article><footer>Hak cipta</footer></body></html>"
    ).encode()


def test_promo_inside_an_article_body_end_to_end() -> None:
    body = (
        f"<p>{PROSE}</p>"
        '<p><strong>Baca Juga:</strong> <a href="https://x.example/a">Dear Milenial Yuk Mulai Bisnis</a></p>'
        f"<p>{PROSE.replace('Senin', 'Selasa')}</p>"
        '<p>Read more: <a href="https://x.example/b">Minister resigns after leak</a></p>'
        '<p>Data lengkap ada di <a href="https://bps.go.id">situs BPS</a> sejak pagi tadi.</p>'
    )
    result = clean_html(_page(body), url="https://news.example.org/2024/01/program")
    assert result.status == "ok"
    assert "Dear Milenial" not in result.text and "Minister resigns" not in result.text
    assert "Data lengkap ada di situs BPS sejak pagi tadi." in result.text
    assert result.text.count("Program ini mencakup pelatihan") == 2
    promos = [r for r in result.removed if "Dear Milenial" in r.text or "Minister" in r.text]
    assert [r.rule for r in promos] == ["fragment:label-link-promo"] * 2


def test_line_breaks_split_paragraphs_and_a_promo_line_goes() -> None:
    """`<br><br>` layouts reach us as one block with `<lb/>`s: each line is a paragraph, promo lines go."""
    xml = f"<p>{PROSE}<lb/>Baca juga: <ref {T}>Judul lain</ref><lb/>Paragraf kedua.</p>"
    blocks, removed = _blocks(xml)
    assert blocks == [PROSE, "Paragraf kedua."]
    assert [r.text for r in removed] == ["Baca juga: Judul lain"]


def test_a_bare_link_line_inside_a_block_is_kept() -> None:
    """A list of links written with `<br>`s inside prose is content; only a block that is one link goes."""
    links = f"<ref {T}>Base Flying</ref><lb/><ref {T}>Teufelsberg</ref>"
    xml = f"<p>Tiga tempat yang wajib dikunjungi:<lb/>{links}</p>"
    blocks, removed = _blocks(xml)
    assert blocks == ["Tiga tempat yang wajib dikunjungi:", "Base Flying", "Teufelsberg"]
    assert removed == []
