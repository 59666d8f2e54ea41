"""The scoring metric, leak check, snippet pooling and gold loaders, pinned on cases worked out by hand."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cleaners.evaluation import (
    PageScore,
    SnippetTally,
    count_snippets,
    find_leaks,
    load_gold_dir,
    load_snippet_set,
    overall,
    page_name,
    read_page,
    score_page,
    shingles,
)


def test_identical_texts_score_one() -> None:
    text = "Pemerintah menetapkan harga tiket pesawat baru mulai pekan depan."
    score = score_page(text, text)
    assert (score.tp, score.fp, score.fn) == (1.0, 0.0, 0.0)
    assert score.f1 == 1.0


def test_disjoint_texts_score_zero() -> None:
    score = score_page("satu dua tiga empat lima", "alpha beta gamma delta epsilon")
    assert score.tp == 0.0
    assert score.precision == score.recall == score.f1 == 0.0


def test_missing_tail_shares_by_hand() -> None:
    # gold shingles: 1234, 2345, 3456; the output has the first two.
    score = score_page("one two three four five", "one two three four five six")
    assert score.tp == pytest.approx(2 / 3)
    assert score.fp == 0.0
    assert score.fn == pytest.approx(1 / 3)
    assert (score.precision, score.recall) == (1.0, pytest.approx(2 / 3))
    assert score.f1 == pytest.approx(0.8)


def test_extra_and_missing_shingles_by_hand() -> None:
    # output: 1234, 2345, 3457 against gold 1234, 2345, 3456 -> TP 2, FP 1, FN 1 of 4.
    score = score_page("one two three four five seven", "one two three four five six")
    assert (score.tp, score.fp, score.fn) == (0.5, 0.25, 0.25)
    assert score.f1 == pytest.approx(2 / 3)


def test_shingles_are_a_multiset() -> None:
    # gold "a b c d a b c d" has abcd twice; one copy in the output recalls 1 of its 5 shingles.
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    score = score_page("a b c d", "a b c d a b c d")
    assert (score.precision, score.recall) == (1.0, pytest.approx(0.2))


def test_tokens_are_word_runs_and_case_sensitive() -> None:
    assert score_page("Hello, world! foo-bar", "Hello world foo bar").f1 == 1.0
    assert score_page("hello world foo bar", "Hello world foo bar").f1 == 0.0


def test_short_and_empty_texts() -> None:
    assert score_page("dua kata", "dua kata").f1 == 1.0
    assert score_page("", "") == PageScore(0.0, 0.0, 0.0)
    assert score_page("", "ada isi di sini").recall == 0.0


def test_overall_is_harmonic_mean_of_mean_precision_and_recall() -> None:
    high_precision = score_page("one two three four five", "one two three four five six seven eight")
    high_recall = score_page("one two three four five six seven eight", "one two three four five")
    assert (high_precision.precision, high_precision.recall) == (1.0, 0.4)
    assert (high_recall.precision, high_recall.recall) == (0.4, 1.0)
    total = overall([high_precision, high_recall])
    assert (total.precision, total.recall, total.pages) == (0.7, 0.7, 2)
    assert total.f1 == pytest.approx(0.7)  # the mean of the page F1s would be 0.571
    assert overall([]).f1 == 0.0


def test_leaks_are_whitespace_folded_and_case_insensitive() -> None:
    output = "Isi berita.\nBACA   JUGA:\nHarga  Cabai Naik\nPenutup."
    leaks = ["Baca juga: harga cabai naik", "Editor: Budi", "   "]
    assert find_leaks(output, leaks) == ["Baca juga: harga cabai naik"]


def test_snippets_pool_counts_over_pages() -> None:
    tally = SnippetTally()
    tally.add("Alpha beta\n gamma. Delta", ["Alpha  beta", "Delta", "alpha beta"], ["gamma"])
    tally.add("nothing here", ["missing"], ["absent"])
    # wanted: 2 found of 4 (snippets keep their case); unwanted found: 1.
    assert (tally.with_found, tally.with_total, tally.without_found) == (2, 4, 1)
    assert tally.precision == pytest.approx(2 / 3)
    assert tally.recall == 0.5
    assert tally.f1 == pytest.approx(4 / 7)
    assert count_snippets("a  b c", ["a b", "x"], ["c"]) == (1, 1)


def test_page_names_keep_dots() -> None:
    assert page_name(Path("money.kompas.com-Menhub.html")) == "money.kompas.com-Menhub"
    assert page_name(Path("x.HTML.gz")) == "x"
    assert page_name(Path("x.body.txt")) is None


def _write_gold(directory: Path, name: str, html: bytes, body: str, leaks: str | None = None) -> None:
    (directory / name).write_bytes(html)
    stem = page_name(Path(name))
    (directory / f"{stem}.body.txt").write_text(body, encoding="utf-8")
    if leaks is not None:
        (directory / f"{stem}.leaks.txt").write_text(leaks, encoding="utf-8")


def test_load_gold_dir(tmp_path: Path) -> None:
    leaks = "Baca juga: x\n\n  Editor: Y \n"
    _write_gold(tmp_path, "a.site.com-one.html", b"<html>one</html>", "Satu.\n", leaks)
    _write_gold(tmp_path, "two.html.gz", gzip.compress(b"<html>two</html>"), "Dua.\n")
    (tmp_path / "no-gold.html").write_bytes(b"<html></html>")
    (tmp_path / "manifest.tsv").write_text(
        "file\touter\turl\na.site.com-one.html\tx\thttps://site.com/one\ntwo.html\tx\t\n", encoding="utf-8"
    )
    pages = load_gold_dir(tmp_path)
    assert [p.name for p in pages] == ["a.site.com-one", "two"]
    assert pages[0].leaks == ("Baca juga: x", "Editor: Y")
    assert pages[0].url == "https://site.com/one"
    assert pages[1].url is None and pages[1].leaks == ()
    assert read_page(pages[1].path) == b"<html>two</html>"
    assert all(p.url is None for p in load_gold_dir(tmp_path, manifest_urls=False))


def test_load_snippet_set(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "evaldata.json").write_text(
        '{"https://b.example/": {"file": "b.html", "with": ["x"], "without": []},'
        ' "https://a.example/": {"file": "a.html", "with": ["y", "z"], "without": ["w"]}}',
        encoding="utf-8",
    )
    pages = load_snippet_set(tmp_path / "evaldata.json")
    assert [(p.url, p.path.name, p.with_, p.without) for p in pages] == [
        ("https://a.example/", "a.html", ("y", "z"), ("w",)),
        ("https://b.example/", "b.html", ("x",), ()),
    ]
    assert pages[0].path.parent == tmp_path / "pages"
    (tmp_path / "bad.json").write_text('{"u": {"with": []}}', encoding="utf-8")
    with pytest.raises(ValueError, match="'u'"):
        load_snippet_set(tmp_path / "bad.json")
