"""`newsclean eval`: the report on the real corpus, the bare-trafilatura columns, the quality gate."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsclean.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "id-news"

SYSTEMS = ["newsclean", "trafilatura", "trafilatura_precision"]
FIGURES = {"precision", "recall", "f1", "leaks", "leaked"}
#: Bare trafilatura 2.3.1 on the 33 corpus pages, as measured independently (fixtures/id-news/CORPUS.md).
BARE_BASELINE = {"trafilatura": (0.912, 72, 27), "trafilatura_precision": (0.951, 50, 23)}


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("eval") / "report.json"
    assert main(["eval", str(CORPUS), "--json", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_report_covers_every_gold_page_for_every_system(corpus_report: dict[str, Any]) -> None:
    gold = corpus_report["gold"]
    assert corpus_report["systems"] == SYSTEMS
    gold_files = sorted(p.name for p in CORPUS.glob("*.html") if p.with_suffix(".body.txt").exists())
    assert [p["file"] for p in gold["pages"]] == gold_files
    assert gold["errors"] == []
    for page in gold["pages"]:
        assert set(page["systems"]) == set(SYSTEMS)
        for figures in page["systems"].values():
            assert set(figures) >= FIGURES
            assert 0.0 <= figures["f1"] <= 1.0
            assert figures["leaks"] == len(figures["leaked"])
    by_file = {p["file"]: p for p in gold["pages"]}
    assert by_file["anpandu_detik-singlepage.html"]["url"].startswith("http://inet.detik.com/")


def test_overall_figures_agree_with_the_pages(corpus_report: dict[str, Any]) -> None:
    gold = corpus_report["gold"]
    for name in SYSTEMS:
        total = gold["overall"][name]
        pages = [p["systems"][name] for p in gold["pages"]]
        assert total["pages"] == len(pages)
        assert total["precision"] == pytest.approx(sum(p["precision"] for p in pages) / len(pages), abs=1e-3)
        assert total["recall"] == pytest.approx(sum(p["recall"] for p in pages) / len(pages), abs=1e-3)
        assert total["leaks"] == sum(p["leaks"] for p in pages)
        assert total["pages_with_leaks"] == sum(1 for p in pages if p["leaks"])


@pytest.mark.parametrize("name", sorted(BARE_BASELINE))
def test_bare_trafilatura_columns_reproduce_the_published_baseline(
    corpus_report: dict[str, Any], name: str
) -> None:
    f1, leaks, pages_with_leaks = BARE_BASELINE[name]
    total = corpus_report["gold"]["overall"][name]
    assert total["f1"] == pytest.approx(f1, abs=0.005)
    assert (total["leaks"], total["pages_with_leaks"]) == (leaks, pages_with_leaks)


@pytest.fixture
def small_gold(tmp_path: Path) -> Path:
    """Two corpus pages, the first gzipped; the second one's leak list also names its first gold paragraph."""
    for name in ("anpandu_kompas-singlepage", "tisorlawan_detik_1"):
        for suffix in (".body.txt", ".leaks.txt"):
            shutil.copy(CORPUS / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    html = (CORPUS / "anpandu_kompas-singlepage.html").read_bytes()
    (tmp_path / "anpandu_kompas-singlepage.html.gz").write_bytes(gzip.compress(html))
    shutil.copy(CORPUS / "tisorlawan_detik_1.html", tmp_path / "tisorlawan_detik_1.html")
    shutil.copy(CORPUS / "manifest.tsv", tmp_path / "manifest.tsv")
    first = (CORPUS / "tisorlawan_detik_1.body.txt").read_text(encoding="utf-8").splitlines()[0]
    with (tmp_path / "tisorlawan_detik_1.leaks.txt").open("a", encoding="utf-8") as leaks:
        leaks.write(f"\n{first[:60]}\n")
    return tmp_path


def test_min_f1_above_one_fails_the_gate(small_gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(small_gold), "--json", "--min-f1", "1.01"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["gate"]["passed"] is False
    assert "F1" in report["gate"]["failures"][0]
    assert "quality gate failed" in captured.err


def test_max_leaks_counts_newsclean_leaks(small_gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A gold paragraph listed as a leak is found in any good output: one leak at least.
    assert main(["eval", str(small_gold), "--max-leaks", "0", "-v"]) == 1
    out = capsys.readouterr().out
    assert "newsclean leaked:" in out and "tisorlawan_detik_1:" in out
    assert main(["eval", str(small_gold), "--min-f1", "0", "--max-leaks", "1000"]) == 0
    out = capsys.readouterr().out
    assert "quality gate: passed" in out
    assert "anpandu_kompas-singlepage" in out and "overall (2 pages)" in out


def test_gzipped_page_is_scored_with_its_manifest_url(
    small_gold: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(small_gold), "--json"]) == 0
    kompas = json.loads(capsys.readouterr().out)["gold"]["pages"][0]
    assert kompas["file"] == "anpandu_kompas-singlepage.html.gz"
    assert kompas["url"].startswith("http://")
    assert kompas["systems"]["trafilatura"]["recall"] > 0.9  # the page was really read and extracted


def test_url_from_page_passes_no_manifest_url(small_gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(small_gold), "--json", "--url-from", "page"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [p["url"] for p in report["gold"]["pages"]] == [None, None]


def test_unreadable_page_is_reported_and_fails_the_run(
    small_gold: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (small_gold / "broken.html.gz").write_bytes(b"not gzip at all")
    (small_gold / "broken.body.txt").write_text("Isi.\n", encoding="utf-8")
    assert main(["eval", str(small_gold), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [e["page"] for e in report["gold"]["errors"]] == ["broken"]
    assert len(report["gold"]["pages"]) == 2


def test_snippets_are_pooled_per_system(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = FIXTURES / "multilang-snippets"
    entries = json.loads((source / "evaldata.json").read_text(encoding="utf-8"))
    chosen = dict(sorted(entries.items(), key=lambda kv: kv[1]["file"])[:3])
    (tmp_path / "pages").mkdir()
    for entry in chosen.values():
        shutil.copy(source / "pages" / entry["file"], tmp_path / "pages" / entry["file"])
    (tmp_path / "evaldata.json").write_text(json.dumps(chosen), encoding="utf-8")

    assert main(["eval", "--snippets", str(tmp_path / "evaldata.json"), "--json"]) == 0
    snippets = json.loads(capsys.readouterr().out)["snippets"]
    assert len(snippets["pages"]) == 3
    with_total = sum(len(e["with"]) for e in chosen.values())
    for name in SYSTEMS:
        total = snippets["overall"][name]
        found = sum(p["systems"][name]["with_found"] for p in snippets["pages"])
        assert (total["with_total"], total["with_found"]) == (with_total, found)
        assert total["recall"] == pytest.approx(found / with_total, abs=1e-4)


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval"]) == 2
    assert main(["eval", str(tmp_path / "missing")]) == 2
    assert main(["eval", str(tmp_path)]) == 2  # no gold pages
    assert "no PAGE.html" in capsys.readouterr().err


@pytest.mark.parametrize("mode", [["--rules", "off"], ["--mutate", "decoy-card"]])
def test_unreadable_page_fails_the_generalisation_modes_too(
    small_gold: Path, capsys: pytest.CaptureFixture[str], mode: list[str]
) -> None:
    (small_gold / "broken.html.gz").write_bytes(b"not gzip at all")
    (small_gold / "broken.body.txt").write_text("Isi.\n", encoding="utf-8")
    assert main(["eval", str(small_gold), *mode, "--json"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    section = report["modes"] if "modes" in report else report["mutations"]["decoy-card"]
    assert [e["page"] for e in section["errors"]] == ["broken"]
    assert len(section["pages"]) == 2  # the readable pages were still scored
    assert "broken.html.gz" in captured.err


def test_a_plain_run_is_held_to_the_rules_floor(
    small_gold: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a mode flag the run measures the full rules: the baseline's `rules` floor applies to it."""
    baseline = tmp_path / "baseline.json"
    base = ["eval", str(small_gold), "-o", str(tmp_path / "report.txt"), "--baseline", str(baseline)]
    assert main([*base, "--update-baseline"]) == 0
    assert set(json.loads(baseline.read_text(encoding="utf-8"))["floors"]["rules"]) == {
        "f1_min",
        "leaks_max",
        "not_ok_max",
    }
    raised = json.loads(baseline.read_text(encoding="utf-8"))
    raised["floors"]["rules"]["f1_min"] = 1.01
    baseline.write_text(json.dumps(raised), encoding="utf-8")
    capsys.readouterr()
    assert main(base) == 1
    assert "baseline: rules: f1" in capsys.readouterr().err


def test_generalisation_modes_side_by_side(small_gold: Path, tmp_path: Path) -> None:
    out = tmp_path / "modes.json"
    args = ["eval", str(small_gold), "--rules", "off", "--leave-one-template-out", "--json", "-o", str(out)]
    assert main(args) == 0
    modes = json.loads(out.read_text(encoding="utf-8"))["modes"]
    assert list(modes["overall"]) == [
        "rules-off",
        "leave-one-template-out",
        "trafilatura",
        "trafilatura_precision",
    ]
    assert [p["page"] for p in modes["pages"]] == ["anpandu_kompas-singlepage", "tisorlawan_detik_1"]
    for page in modes["pages"]:
        assert page["rules-off"]["status"] == "ok" and page["rules-off"]["body_source"]


def test_mutations_are_scored_against_trafilatura(small_gold: Path, tmp_path: Path) -> None:
    out = tmp_path / "mutations.json"
    assert (
        main(["eval", str(small_gold), "--mutate", "decoy-card,renamed-classes", "--json", "-o", str(out)])
        == 0
    )
    mutations = json.loads(out.read_text(encoding="utf-8"))["mutations"]
    assert list(mutations) == ["renamed-classes", "decoy-card"]
    for mutation in mutations.values():
        assert mutation["overall"]["newsclean"]["pages"] == 2
        assert {"newsclean", "trafilatura", "unmutated_f1", "failures"} <= set(mutation["pages"][0])


def test_unknown_mutation_and_baseline_without_file_are_usage_errors(
    small_gold: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(small_gold), "--mutate", "bogus"]) == 2
    assert "unknown mutation 'bogus'" in capsys.readouterr().err
    assert main(["eval", str(small_gold), "--update-baseline"]) == 2
    assert "need --baseline" in capsys.readouterr().err


def test_baseline_written_compared_and_moved_only_on_purpose(
    small_gold: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    base = [
        "eval",
        str(small_gold),
        "--rules",
        "off",
        "-o",
        str(tmp_path / "report.txt"),
        "--baseline",
        str(baseline),
    ]
    assert main([*base, "--update-baseline"]) == 0
    floors = json.loads(baseline.read_text(encoding="utf-8"))["floors"]
    assert set(floors["rules-off"]) == {"f1_min", "leaks_max", "not_ok_max"}
    assert main(base) == 0  # the same figures pass
    raised = json.loads(baseline.read_text(encoding="utf-8"))
    raised["floors"]["rules-off"]["f1_min"] = 1.01
    baseline.write_text(json.dumps(raised), encoding="utf-8")
    capsys.readouterr()
    assert main(base) == 1
    assert "baseline: rules-off: f1" in capsys.readouterr().err
    assert main([*base, "--update-baseline"]) == 1  # would lower a floor
    assert "--allow-regression" in capsys.readouterr().err
    assert json.loads(baseline.read_text(encoding="utf-8"))["floors"]["rules-off"]["f1_min"] == 1.01
    assert main([*base, "--update-baseline", "--allow-regression"]) == 0
    assert json.loads(baseline.read_text(encoding="utf-8"))["floors"]["rules-off"]["f1_min"] < 1.0
