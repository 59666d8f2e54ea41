"""The rule files: every packaged file loads, outlets match by domain, broken files fail naming the file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import lxml.html
import pytest

from cleaners.rules import RULES_DIR, RuleRegistry, RulesError, parse_rules_file

#: The outlets issue 2 names, plus kapanlagi (the corpus has it).
REQUIRED_OUTLETS = (
    "detik",
    "kompas",
    "tribunnews",
    "liputan6",
    "okezone",
    "antaranews",
    "republika",
    "tempo",
    "viva",
    "cnnindonesia",
    "cnbcindonesia",
    "suara",
    "sindonews",
    "jpnn",
    "kumparan",
    "mediaindonesia",
    "kapanlagi",
)
RULE_FILES = sorted(RULES_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def registry() -> RuleRegistry:
    return RuleRegistry.load()


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_every_packaged_file_loads(path: Path) -> None:
    rules = parse_rules_file(path)
    assert rules.path == path
    if path.stem != "_generic":
        assert rules.domains or rules.detect, f"{path.name} is neither an outlet nor a profile"
        assert "#" in path.read_text(encoding="utf-8").splitlines()[0], (
            f"{path.name} lacks its evidence comment"
        )


@pytest.mark.parametrize("outlet", REQUIRED_OUTLETS)
def test_every_required_outlet_has_a_file(registry: RuleRegistry, outlet: str) -> None:
    assert outlet in registry.outlets
    site = registry.outlets[outlet]
    assert site.body, f"{outlet} names no body container"
    assert site.path.name == f"{outlet}.toml"


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://money.kompas.com/read/2023/11/02/x", "kompas"),
        ("https://www.kompas.com/", "kompas"),
        ("http://inet.detik.com/read/2015/11/05/x", "detik"),
        ("https://news.detik.com/berita/d-1", "detik"),
        ("http://nasional.republika.co.id/berita/x", "republika"),
        ("https://www.tribunnews.com/nasional/x", "tribunnews"),
        ("https://KOMPAS.COM/read/x", "kompas"),
        ("https://notkompas.com/read/x", None),
        ("https://kompas.com.evil.example/read/x", None),
        (None, None),
    ],
)
def test_outlets_match_by_domain_and_subdomain(
    registry: RuleRegistry, url: str | None, outlet: str | None
) -> None:
    found = registry.for_url(url)
    assert (found.name if found else None) == outlet


def test_single_page_query_where_the_outlet_supports_it(registry: RuleRegistry) -> None:
    for outlet in ("kompas", "tribunnews", "viva"):
        assert registry.outlets[outlet].single_page == "page=all"
    assert registry.ruleset("https://money.kompas.com/read/x").single_page == "page=all"
    assert registry.ruleset("https://news.detik.com/x").single_page is None


def test_generic_rules_name_no_outlet() -> None:
    """Site knowledge lives in outlet files: no outlet name or domain inside a generic selector or regex."""
    data = tomllib.loads((RULES_DIR / "_generic.toml").read_text(encoding="utf-8"))
    values: list[str] = [*data.get("drop", {}).values(), *data.get("body", {}).values()]
    for table in data.get("lines", {}).values():
        values.extend(table.values())
    names = {p.stem for p in RULE_FILES if p.stem not in ("_generic", "wordpress")}
    for value in values:
        for name in names:
            assert not re.search(rf"\b{name}\b", value, re.IGNORECASE), (
                f"generic rule mentions {name}: {value}"
            )


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


_DOMAIN = "domains = ['a.example']\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "broken.toml",
            "domains = ['a.example']\n[lines.drop]\nbad = '^(unclosed'\n",
            r"broken\.toml.*bad regex",
        ),
        (
            "badcss.toml",
            "domains = ['a.example']\n[drop]\nbad = 'div[[class'\n",
            r"badcss\.toml.*bad CSS selector",
        ),
        (
            "meta.toml",
            "domains = ['a.example']\n[meta]\nheadline = 'meta[name=x]'\n",
            r"meta\.toml.*'headline'",
        ),
        ("typo.toml", "domain = ['a.example']\n", r"typo\.toml.*unknown keys"),
        ("notoml.toml", "domains = ['a.example'\n", r"notoml\.toml.*cannot read rules"),
    ],
)
def test_broken_file_is_an_error_naming_the_file(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_rules_file(_write(tmp_path, name, text))


def test_domain_claimed_twice_is_an_error_naming_both_files(tmp_path: Path) -> None:
    _write(tmp_path, "one.toml", "domains = ['same.example']\n")
    _write(tmp_path, "two.toml", "domains = ['www.other.example', 'same.example']\n")
    with pytest.raises(RulesError, match=r"two\.toml.*same\.example.*one\.toml"):
        RuleRegistry.load(tmp_path)


def test_file_without_domains_or_detect_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "orphan.toml", "[drop]\nx = 'div.x'\n")
    with pytest.raises(RulesError, match=r"orphan\.toml.*'domains' or a \[detect\]"):
        RuleRegistry.load(tmp_path)


WP_PAGE = """<html><head><meta name="generator" content="WordPress 6.4.2">
<link rel="stylesheet" href="https://blog.example/wp-content/themes/x/style.css"></head>
<body><article><div class="entry-content"><p>Text.</p></div></article></body></html>"""
PLAIN_PAGE = "<html><head><title>x</title></head><body><article><p>Text.</p></article></body></html>"


def test_wordpress_profile_is_detected_by_markup_not_domain(registry: RuleRegistry) -> None:
    wordpress = next(p for p in registry.profiles if p.name == "wordpress")
    assert wordpress.domains == ()
    ruleset = registry.ruleset("https://blog.example/2024/01/post", lxml.html.document_fromstring(WP_PAGE))
    assert [p.name for p in ruleset.parts] == ["_generic", "wordpress"]
    assert any(sel.name == "wordpress:related" for sel in ruleset.drop)
    plain = registry.ruleset("https://blog.example/post", lxml.html.document_fromstring(PLAIN_PAGE))
    assert [p.name for p in plain.parts] == ["_generic"]


def test_outlet_rules_come_after_generic_and_profile(registry: RuleRegistry) -> None:
    tree = lxml.html.document_fromstring(WP_PAGE)
    ruleset = registry.ruleset("https://www.suara.com/news/x", tree)
    assert [p.name for p in ruleset.parts] == ["_generic", "wordpress", "suara"]
    assert ruleset.outlet == "suara"
    assert ruleset.body[0].name.startswith("suara:")


def test_fast_pruning_matches_exactly_what_the_css_selects(registry: RuleRegistry) -> None:
    """cleaners.pruning tests simple selectors in Python; on real pages it must agree with the CSS (XPath)."""
    from cleaners.dom import parse_html
    from cleaners.pruning import _candidates, _plan, _simple
    from tests.conftest import corpus_pages

    selectors = [sel for rules in [registry.generic, *registry.profiles, *registry] for sel in rules.drop]
    fast = [(sel, _simple(sel)) for sel in selectors]
    assert sum(1 for _, compiled in fast if compiled) >= len(selectors) * 0.8
    for page in corpus_pages()[::4]:
        tree = parse_html(page.read_text(encoding="utf-8", errors="replace"))
        elements = [e for e in tree.iter() if isinstance(e.tag, str)]
        for sel, compiled in fast:
            if compiled is None:
                continue
            expected = set(sel.xpath(tree))
            got = {e for e in elements if any(simple.test(e) for simple in compiled)}
            assert got == expected, (page.name, sel.name)
        # the class/id prefilter must not hide a match from the walk
        simple_selectors = tuple(sel for sel, compiled in fast if compiled)
        walked = {e for e, _ in _candidates(tree, _plan(simple_selectors))}
        assert walked == {e for sel in simple_selectors for e in sel.xpath(tree)}, page.name


def test_generic_rules_may_not_match_part_of_a_class(tmp_path: Path) -> None:
    """`[class*=newsletter]` in the generic file matched `category-newsletter` on a WordPress <article>."""
    path = _write(tmp_path, "_generic.toml", "[drop]\nnewsletter = '[class*=newsletter]'\n")
    with pytest.raises(RulesError, match=r"_generic\.toml.*whole class/id tokens"):
        parse_rules_file(path)
    outlet = _write(tmp_path, "outlet.toml", "domains = ['a.example']\n[drop]\nx = '[class*=newsletter]'\n")
    assert parse_rules_file(outlet).drop  # an outlet's own selectors may (they are still protected)


@pytest.mark.parametrize(
    "bad", ["[drop_tokens]\nx = 'not a token!'\n", "[drop_tokens]\nx = []\n", "drop_tokens = 3\n"]
)
def test_bad_token_rules_are_errors_naming_the_file(tmp_path: Path, bad: str) -> None:
    with pytest.raises(RulesError, match=r"tokens\.toml"):
        parse_rules_file(_write(tmp_path, "tokens.toml", _DOMAIN + bad))


def test_token_rules_match_whole_token_prefixes() -> None:
    from cleaners.pruning import prune

    tree = lxml.html.document_fromstring(
        "<html><body><div class='baca-juga__list'>a</div><div class='box category-baca-juga'>b</div>"
        "<div id='div-gpt-ad-123'>c</div><p>d</p></body></html>"
    )
    rules = RuleRegistry.load().ruleset(None)
    removed: list = []
    prune(tree, rules.drop, removed, tokens=rules.drop_tokens)
    assert [" ".join(e.text_content().split()) for e in tree.xpath("//body/*")] == ["b", "d"]
