"""`newsclean bench` smoke test on three real pages: the figures are there, positive and consistent.

No speed is asserted: a benchmark prints figures, the targets are read off its output on a quiet machine.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsclean.cli import main
from newsclean.commands.bench import render

CORPUS = Path(__file__).parent / "fixtures" / "id-news"
PAGES = ("anpandu_kompas-singlepage.html", "tisorlawan_detik_1.html", "ogs_okezone.html")


@pytest.fixture
def three_pages(tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in PAGES:
        shutil.copy(CORPUS / name, pages / name)
    shutil.copy(CORPUS / "manifest.tsv", pages / "manifest.tsv")
    return pages


def _bench(args: list[str], tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "bench.json"
    assert main(["bench", *args, "--rounds", "1", "--json", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_extraction_figures_and_ratio(three_pages: Path, tmp_path: Path) -> None:
    report = _bench([str(three_pages), "--no-workers"], tmp_path)
    extraction = report["extraction"]
    assert (extraction["pages"], extraction["rounds"]) == (3, 1)
    systems = extraction["systems"]
    assert set(systems) == {"newsclean", "trafilatura"}
    for figures in systems.values():
        assert all(value > 0 for value in figures.values()), figures
        assert figures["pages_per_s_median"] == pytest.approx(1000 / figures["ms_per_page_median"], rel=0.01)
    ours, bare = systems["newsclean"], systems["trafilatura"]
    ratio = extraction["ratio"]
    assert ratio["of"] == "newsclean/trafilatura"
    assert ratio["ms_per_page_median"] == pytest.approx(
        ours["ms_per_page_median"] / bare["ms_per_page_median"], rel=0.01
    )
    assert ratio["ms_per_page_mean"] == pytest.approx(
        ours["ms_per_page_mean"] / bare["ms_per_page_mean"], rel=0.01
    )
    assert report["clean_workers"] == {"skipped": "--no-workers"}


def test_text_report(three_pages: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", str(three_pages), "--rounds", "1", "--limit", "2", "--no-workers"]) == 0
    out = capsys.readouterr().out
    assert "Extraction on 2 pages" in out
    assert "ratio newsclean/trafilatura:" in out


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", str(tmp_path / "missing")]) == 2
    assert main(["bench", str(tmp_path)]) == 2  # no pages
    for bad in (["--rounds", "0"], ["--limit", "-1"], ["--repeat", "x"]):
        with pytest.raises(SystemExit) as exit_info:  # argparse checks them before any work
            main(["bench", str(CORPUS), *bad])
        assert exit_info.value.code == 2
        assert f"error: argument {bad[0]}: " in capsys.readouterr().err


def test_clean_workers_scaling_is_computed_from_real_runs(three_pages: Path, tmp_path: Path) -> None:
    report = _bench([str(three_pages), "--limit", "2", "--repeat", "2", "--worker-rounds", "1"], tmp_path)
    workers = report["clean_workers"]
    assert (workers["pages"], workers["repeat"], workers["rounds"]) == (4, 2, 1)
    one, two = workers["workers"]["1"], workers["workers"]["2"]
    for figures in (one, two):
        assert figures["seconds_median"] > 0
        assert figures["pages_per_s_median"] == pytest.approx(4 / figures["seconds_median"], rel=0.01)
    scaling = workers["scaling"]
    assert scaling["of"] == "2/1"
    assert scaling["throughput_ratio"] == pytest.approx(
        two["pages_per_s_median"] / one["pages_per_s_median"], rel=0.01
    )
    text = render(report)
    assert "--workers 2" in text and f"{scaling['throughput_ratio']:.2f}x throughput" in text
