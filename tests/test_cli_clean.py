"""`newsclean clean`: input discovery, formats, order, exit codes, and the time and memory limits."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hostilesite import SLOW_PROMOS, paragraphs_page, promos_page

from cleaners import RECORD_FIELDS
from newsclean.cli import main
from newsclean.progress import ProgressBar

CORPUS = Path(__file__).parent / "fixtures" / "id-news"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
KOMPAS = CORPUS / "anpandu_kompas-singlepage.html"
DETIK = CORPUS / "tisorlawan_detik_1.html"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["clean", *args])
    out, err = capsys.readouterr()
    return code, out, err


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_directory_is_walked_recursively_for_pages_and_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    shutil.copy(KOMPAS, tmp_path / "b" / "deeper" / "page.HTML")
    shutil.copy(DETIK, tmp_path / "a.htm")
    (tmp_path / "b" / "zipped.html.gz").write_bytes(gzip.compress(KOMPAS.read_bytes()))
    shutil.copy(SEEDS / "seed-000-extracted.txt", tmp_path / "b" / "dump.txt")
    shutil.copy(KOMPAS, tmp_path / ".hidden" / "skipped.html")
    (tmp_path / "notes.json").write_text("{}")

    code, out, err = run(capsys, str(tmp_path), "--workers", "2")

    found = [os.path.relpath(r["path"], tmp_path) for r in records(out)]
    assert found == ["a.htm", "b/dump.txt", "b/zipped.html.gz", "b/deeper/page.HTML"]
    assert [r["status"] for r in records(out)] == ["ok"] * 4
    by_name = {Path(r["path"]).name: r for r in records(out)}
    assert by_name["zipped.html.gz"]["text"] == by_name["page.HTML"]["text"]
    assert by_name["dump.txt"]["editor"] == "Erna Sari Ulina Girsang"  # went through clean_text's rules
    assert code == 0 and err.startswith("cleaned 4 inputs in ")


def test_quoted_glob_is_expanded_in_sorted_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(CORPUS / "anpandu_kompas-*.html"), "--workers", "1")
    got = [Path(r["path"]).name for r in records(out)]
    assert got == [f"anpandu_kompas-singlepage{n}.html" for n in ("", "2", "3")]
    assert {r["outlet"] for r in records(out)} == {"kompas"}
    assert code == 0


def test_input_order_is_kept_with_two_workers(capsys: pytest.CaptureFixture[str]) -> None:
    pages = sorted(str(p) for p in CORPUS.glob("*.html"))[::-1]
    code, out, _ = run(capsys, *pages, "--workers", "2")
    assert [r["path"] for r in records(out)] == pages
    assert all(r["status"] == "ok" for r in records(out))
    assert code == 0


def test_stdin_page_is_sniffed_and_gunzipped(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(KOMPAS.read_bytes()))))
    code, out, _ = run(capsys, "-")
    (record,) = records(out)
    direct = records(run(capsys, str(KOMPAS))[1])[0]
    assert record["path"] == "-" and record["status"] == "ok"
    assert record["text"] == direct["text"] and record["url"] == direct["url"]
    assert code == 0


def test_stdin_text_goes_through_clean_text(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    data = (SEEDS / "seed-003-extracted.txt").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "-")
    (record,) = records(out)
    assert record["status"] == "ok" and "Baca Juga:" not in record["text"]
    assert any(r["rule"] for r in record["removed"])
    assert code == 0


def test_jsonl_keeps_unicode_and_record_fields(capsys: pytest.CaptureFixture[str]) -> None:
    page = CORPUS / "fundus_MediaIndonesia_2025_10_22.html"
    _, out, _ = run(capsys, str(page))
    line = out.splitlines()[0]
    record = json.loads(line)
    assert list(record) == ["path", *RECORD_FIELDS]
    assert "\\u" not in line  # ensure_ascii=False
    assert all(set(r) == {"rule", "text"} for r in record["removed"])
    _, out, _ = run(capsys, str(page), "--no-removed")
    assert "removed" not in json.loads(out) and json.loads(out)["text"] == record["text"]


def test_csv_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"  # the format follows the file ending
    code, out, _ = run(capsys, str(KOMPAS), str(DETIK), str(tmp_path / "absent.html"), "-o", str(target))
    assert out == ""
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["path", *RECORD_FIELDS]
    assert [r["status"] for r in rows] == ["ok", "ok", "error"]
    jsonl = records(run(capsys, str(DETIK))[1])[0]
    assert rows[1]["text"] == jsonl["text"]  # newlines survive CSV quoting
    # lists are JSON text, as in `newsclean export` (writers.csv_cell is shared by both)
    assert json.loads(rows[1]["authors"]) == jsonl["authors"] == ["Mulia Budi"]
    assert json.loads(rows[1]["removed"]) == jsonl["removed"] and jsonl["removed"]
    assert json.loads(rows[1]["tags"]) == jsonl["tags"]
    assert rows[1]["word_count"] == str(jsonl["word_count"])
    assert rows[2]["error"] == "no such file or directory" and rows[2]["title"] == ""
    assert target.read_bytes().count(b"\r\n") == 4  # RFC 4180 rows; bodies keep their "\n"
    _, out, _ = run(capsys, str(DETIK), "--format", "csv", "--no-removed")
    assert "removed" not in next(csv.reader(io.StringIO(out)))
    assert code == 0


def test_txt_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    _, out, _ = run(capsys, str(KOMPAS), str(tmp_path / "empty.html"), "--format", "txt")
    blocks = out.rstrip("\n").split("\n\n")
    assert len(blocks) == 2
    header, status, *body = blocks[0].split("\n")
    assert header == f"==> {KOMPAS} <=="
    assert status.startswith("ok · kompas") and " words" in status
    assert "\n".join(body) == records(run(capsys, str(KOMPAS))[1])[0]["text"]
    assert blocks[1].split("\n") == [f"==> {tmp_path / 'empty.html'} <==", "empty: the input is empty"]


def test_md_shape(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, str(KOMPAS), "--format", "md")
    record = records(run(capsys, str(KOMPAS))[1])[0]
    parts = out.split("\n\n")
    assert parts[0] == f"## {record['title']}"
    assert parts[1].startswith("*") and "kompas" in parts[1] and f"{record['word_count']} words" in parts[1]
    assert parts[2] == record["text"].split("\n")[0]
    assert out.endswith("\n\n---\n\n")


def test_url_option_picks_rules_and_fills_url(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    url = "https://news.detik.com/berita/d-1/contoh"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(DETIK.read_bytes())))
    _, out, _ = run(capsys, "-", "--url", url)
    (record,) = records(out)
    assert record["url"] == url and record["outlet"] == "detik"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.html"], "no input to clean"),
        ([str(KOMPAS), str(DETIK), "--url", "https://example.com/a"], "--url needs exactly one input"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and message in err


def test_directory_without_pages_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.json").write_text("{}")
    code, out, err = run(capsys, str(tmp_path))
    assert code == 2 and out == "" and f"no input to clean: '{tmp_path}'" in err


def test_output_file_in_a_new_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "runs" / "today" / "out.md"
    code, out, _ = run(capsys, str(KOMPAS), "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("## ")  # the format follows the .md ending


def test_rerun_does_not_clean_its_own_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(KOMPAS, tmp_path / "page.html")
    target = tmp_path / "clean.txt"
    for _ in range(2):
        code, _, err = run(capsys, str(tmp_path), "-o", str(target))
        assert code == 0 and err.startswith("cleaned 1 input in ")
    assert target.read_text(encoding="utf-8").startswith(f"==> {tmp_path / 'page.html'} <==")


def test_unwritable_output_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(KOMPAS), "-o", str(tmp_path))  # a directory
    assert code == 2 and f"cannot write '{tmp_path}'" in err


@pytest.mark.parametrize("bad", [["--workers", "0"], ["--max-bytes", "lots"], ["--format", "xml"]])
def test_bad_option_values_exit_2(bad: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", str(KOMPAS), *bad])
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_max_bytes_refuses_large_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(KOMPAS), "--max-bytes", "10K")
    (record,) = records(out)
    assert record["status"] == "error" and "over the 10,240-byte limit (--max-bytes)" in record["error"]
    assert code == 1


def test_strip_dateline_and_min_words(capsys: pytest.CaptureFixture[str]) -> None:
    plain = records(run(capsys, str(KOMPAS))[1])[0]
    stripped = records(run(capsys, str(KOMPAS), "--strip-dateline")[1])[0]
    assert plain["dateline"] and plain["text"].startswith(plain["dateline"])
    assert not stripped["text"].startswith(plain["dateline"])
    strict = records(run(capsys, str(KOMPAS), "--min-words", "100000")[1])[0]
    assert strict["status"] == "not_article" and "min_words" in strict["error"]


def test_timeout_gives_up_on_one_input_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page that takes seconds to clean, under a 0.5 s limit: its worker is killed in the middle of the
    cleaning (lxml and trafilatura run in C for long stretches, where no alarm signal gets through) and
    replaced; the pages around it are cleaned, in order."""
    (tmp_path / "slow.html").write_bytes(promos_page(SLOW_PROMOS))
    for workers in ("1", "2"):
        inputs = [str(KOMPAS), str(tmp_path / "slow.html"), str(DETIK)]
        started = time.monotonic()
        code, out, _ = run(capsys, *inputs, "--timeout", "0.5", "--workers", workers)
        assert time.monotonic() - started < 20
        good, slow, other = records(out)
        assert slow["status"] == "error" and slow["error"] == "gave up after 0.5 s (--timeout)"
        assert [good["status"], other["status"]] == ["ok", "ok"]
        assert [r["path"] for r in records(out)] == inputs
        assert code == 0


def test_memory_limit_gives_up_on_one_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """10^6 paragraphs take lxml alone about 400 MB to parse: over a 200 MB limit, that input is an error
    and the next one is cleaned by a fresh worker."""
    (tmp_path / "huge.html").write_bytes(paragraphs_page())
    code, out, _ = run(
        capsys, str(tmp_path / "huge.html"), str(KOMPAS), "--memory-limit", "200M", "--workers", "1"
    )
    huge, good = records(out)
    assert huge["status"] == "error" and huge["error"] == "over the 200 MB memory limit (--memory-limit)"
    assert good["status"] == "ok"
    assert code == 0


def test_help_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["clean", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    for expected in ("examples:", "exit status:", "--workers", "--no-removed", "'archive/**/*.html.gz'"):
        assert expected in out


def test_no_progress_bar_unless_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, str(KOMPAS), str(DETIK), "--workers", "1")
    assert "\r" not in err and len(err.strip().splitlines()) == 1


def test_progress_bar_draws_and_erases() -> None:
    stream = io.StringIO()
    bar = ProgressBar(2, stream, enabled=True)
    bar.advance("ok")
    bar.advance("error")
    bar.close()
    drawn = stream.getvalue()
    assert "] 2/2 100%" in drawn and "errors 1" in drawn and drawn.endswith("\r\x1b[K")
    quiet = io.StringIO()
    ProgressBar(2, quiet, enabled=False).advance("ok")
    assert quiet.getvalue() == ""
