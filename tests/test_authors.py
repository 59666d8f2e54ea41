"""`authors` lists people: the publisher posing as an author and placeholder names are left out."""

from __future__ import annotations

from cleaners import clean_html
from cleaners.metadata import person_authors
from tests.conftest import CORPUS, FIXTURES

SNIPPET_PAGES = FIXTURES / "multilang-snippets" / "pages"


def test_the_publisher_is_not_an_author_on_a_saved_kompas_page() -> None:
    # <meta name="author" content="Kompas Cyber Media"> on the 2015 layout
    result = clean_html((CORPUS / "anpandu_kompas-singlepage.html").read_bytes())
    assert "Kompas Cyber Media" not in result.authors


def test_real_bylines_stay() -> None:
    assert clean_html((CORPUS / "tisorlawan_detik_1.html").read_bytes()).authors == ["Mulia Budi"]
    money = clean_html((CORPUS / "htmldate_money.kompas.com-Menhub.html").read_bytes())
    assert money.authors == ["Isna Rifka Sri Rahayu"]


def test_site_name_and_placeholders_are_dropped() -> None:
    assert person_authors(["Ostbelgien Direkt"], "Ostbelgien Direkt", "https://ostbelgiendirekt.be/x") == []
    assert person_authors(["El Comercio Perú", "Ana Díaz"], "El Comercio", "https://elcomercio.pe/a") == [
        "Ana Díaz"
    ]
    assert person_authors(["No Author", "admin"], None, None) == []


def test_html_entities_and_by_prefix_in_names() -> None:
    page = (SNIPPET_PAGES / "dailymail.co.uk.food.html").read_bytes()
    assert clean_html(page).authors[0] == "Glen Owen"
    paginasiete = clean_html((SNIPPET_PAGES / "paginasiete.bo-carabineros.html").read_bytes())
    assert all("&" not in name and ";" not in name for name in paginasiete.authors)
