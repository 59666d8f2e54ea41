"""Defects of issue 6 fixed at their root: decoding, glued words, NFC and soft hyphens, XML saved as HTML,
JSON-LD numbers, pathological pages, pruning that deleted the article. Each test feeds the cleaner the shape
seen on real pages (a corpus page where one exists) and checks the record a user gets.
"""

from __future__ import annotations

import unicodedata

from lxml import etree

from cleaners import CleanOptions, clean_html
from cleaners.decoding import decode_html
from cleaners.evaluation import score_page
from cleaners.fragment import fragment
from cleaners.pruning import prune
from cleaners.rules import default_registry
from tests.conftest import CORPUS

LIPUTAN6 = CORPUS / "novalufian_liputan6_1.html"
LIPUTAN6_URL = "https://www.liputan6.com/citizen6/read/3874490/tata-cara-sholat-jamak-dan-qasar-beserta-niat-juga-artinya"
PROSE = (
    "Pemerintah kota meresmikan program baru untuk membantu pelaku usaha kecil di seluruh wilayah, kata wali "
    "kota dalam konferensi pers di balai kota pada Senin pagi. Program ini mencakup pelatihan dan permodalan."
)


def test_a_utf8_page_with_one_broken_byte_stays_utf8() -> None:
    """Charset detection used to read such pages as mac-latin2 or cp1250: every accent mojibake."""
    raw = LIPUTAN6.read_bytes()  # UTF-8 with curly quotes and apostrophes (113 non-ASCII characters)
    cut = raw.index(b"Isya") + 2
    broken = raw[:cut] + b"\xe2\x80" + raw[cut:]  # a truncated three-byte character
    text, encoding = decode_html(broken)
    assert encoding == "utf-8"
    assert text.count("\ufffd") == 1 and "’" in text and "“" in text
    result = clean_html(broken, url=LIPUTAN6_URL)
    gold = LIPUTAN6.with_suffix(".body.txt").read_text(encoding="utf-8")
    assert score_page(result.text, gold).f1 >= 0.98


def test_a_cp1252_page_mislabelled_utf8_is_still_read_as_cp1252() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>Jum\x92at di caf\xe9 kota</p></body></html>'
    text, encoding = decode_html(page.encode("latin-1"))
    assert encoding != "utf-8" and "\ufffd" not in text


def test_a_real_windows_1252_page_is_still_read_as_one() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>caf\xe9 na\xefve</p></body></html>'
    assert decode_html(page.encode("cp1252")) == (page, "cp1252")


def test_text_is_nfc_without_soft_hyphens_or_zero_width_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "Ekonomi Perú dan Zürich")
    words = f"{decomposed} mem\u00adbangun in\u200bdustri."
    page = f"<html><body><article><p>{words} {PROSE}</p></article></body></html>"
    result = clean_html(page.encode("utf-8"))
    assert "Perú dan Zürich" in result.text and unicodedata.is_normalized("NFC", result.text)
    assert "membangun industri." in result.text


def test_nested_blocks_of_the_extracted_body_are_not_glued() -> None:
    """`<quote><p>gültig</p><p>Ebenso</p></quote>` and a list inside a list item used to run together."""
    body = etree.fromstring(
        "<body><quote><p>Die Regel ist gültig</p><p>Ebenso die zweite</p></quote>"
        "<list><item>Erster Punkt<list><item>Unterpunkt</item></list></item></list></body>"
    )
    assert fragment(body, []).paragraphs == [
        "Die Regel ist gültig",
        "Ebenso die zweite",
        "Erster Punkt",
        "Unterpunkt",
    ]


def test_a_named_anchor_is_not_a_link() -> None:
    """`<a name=...>` around a paragraph (ndr.de) or a javascript: pop-up link is text, not a promo."""
    body = etree.fromstring(
        f"<body><p>{PROSE}</p><p><ref>Eine der Fragen: Was sagt der Professor?</ref></p></body>"
    )
    assert len(fragment(body, []).paragraphs) == 2


def test_a_sitemap_or_feed_saved_as_html_is_not_an_article() -> None:
    urls = "".join(f"<url><loc>https://kabar.example/berita/{i}</loc></url>" for i in range(2000))
    sitemap = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="x">{urls}</urlset>'
    result = clean_html(sitemap.encode())
    assert (result.status, result.error) == ("not_article", "an XML sitemap, not an HTML page")
    feed = '<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</title></item></channel></rss>'
    assert clean_html(feed.encode()).status == "not_article"


def test_a_json_ld_number_over_the_digit_limit_does_not_fail_the_page() -> None:
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "x": '
        + "9" * 5000
        + f"}}</script></head><body><article><p>{PROSE}</p></article></body></html>"
    )
    result = clean_html(page.encode())
    assert result.status == "ok", result.error


def test_pathological_pages_are_refused_before_extraction() -> None:
    links = "".join(f'<p>Baca juga: <a href="/b/{i}">Berita {i}</a></p>' for i in range(20_000))
    result = clean_html(f"<html><body>{links}</body></html>".encode())
    assert result.status == "error" and "links" in result.error and "max_links" in result.error
    many = "<p>x</p>" * 60_000
    result = clean_html(f"<html><body>{many}</body></html>".encode(), options=CleanOptions(max_links=10**6))
    assert result.status == "error" and "max_elements" in result.error


def _tree(html: str) -> etree._Element:
    from cleaners.dom import parse_html

    return parse_html(html)


def test_generic_pruning_never_deletes_a_protected_ancestor_or_the_article_holder() -> None:
    rules = default_registry().ruleset(None)
    paragraphs = "".join(f"<p>{PROSE}</p>" for _ in range(6))
    page = f'<html><body><div class="newsletter-box"><article>{paragraphs}</article></div></body></html>'
    tree = _tree(page)
    removed: list = []
    prune(tree, rules.drop, removed, tokens=rules.drop_tokens)
    assert len(tree.xpath("//article/p")) == 6, removed  # holds the page's paragraphs: kept
    small = _tree(
        '<html><body><div class="newsletter-box"><p>Langganan gratis</p></div><p>x</p></body></html>'
    )
    prune(small, rules.drop, removed, tokens=rules.drop_tokens)
    assert not small.xpath("//div")  # a real newsletter box still goes


def test_captions_that_are_the_story_are_kept() -> None:
    """A gallery whose captions are its text: the caption rule's matches hold the page, so it is skipped."""
    slides = "".join(
        f'<div class="slide"><img src="/{i}.jpg"><div class="caption">{PROSE}</div></div>' for i in range(8)
    )
    page = f"<html><head><title>Galeri</title></head><body><h1>Galeri</h1>{slides}</body></html>"
    result = clean_html(page.encode())
    assert result.status == "ok"
    assert result.text.count("Pemerintah kota meresmikan") >= 4
