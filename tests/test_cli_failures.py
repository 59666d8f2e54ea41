"""Issue 7: every failure of `newsclean clean`, `export`, `eval` and `bench` is a message and an exit status,
not a traceback, and what was written before it stays, in whole records.

In-process runs (`newsclean.cli.main`) pin the messages; what depends on real file descriptors (a closed
stdin or stdout, `| head`, a file size limit hit mid-write, SIGINT) runs the real command in a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import newsclean.inputs
from cleaners import RECORD_FIELDS, clean_html
from newsclean.cli import main
from scraper.storage import EXPORT_FIELDS, ArticleStore, utc_now

CORPUS = Path(__file__).parent / "fixtures" / "id-news"
PAGES = sorted(CORPUS.glob("*.html"))
KOMPAS = CORPUS / "anpandu_kompas-singlepage.html"
DETIK = CORPUS / "tisorlawan_detik_1.html"
NEWSCLEAN = (sys.executable, "-m", "newsclean")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A crawl database of 40 articles (the corpus pages, cleaned), built directly: no crawl needed."""
    path = tmp_path_factory.mktemp("db") / "news.sqlite"
    with ArticleStore(path) as store:
        for i in range(40):
            html = PAGES[i % len(PAGES)].read_bytes()
            url = f"https://news.example.com/read/{i:03d}"
            result = clean_html(html, url=url).to_dict()
            record = {**result, "url": url, "fetched_at": utc_now(), "pages": [url]}
            store.save(record, [html])
    return path


# --- names and encodings -------------------------------------------------------------------------------


def test_file_name_that_is_not_utf8_gets_its_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """b'caf\\xe9.html' (Latin-1) used to kill the batch with UnicodeEncodeError, or with a C locale to write
    invalid UTF-8; its `path` now shows the odd byte as \\xe9, the file is read under its real name."""
    latin1 = os.fsdecode(b"caf\xe9.html")
    (tmp_path / "a.html").write_bytes(KOMPAS.read_bytes())
    (tmp_path / latin1).write_bytes(KOMPAS.read_bytes())
    (tmp_path / "z.html").write_bytes(DETIK.read_bytes())
    target = tmp_path.parent / f"{tmp_path.name}.jsonl"
    code, _, _ = run(capsys, "clean", str(tmp_path), "-o", str(target), "--workers", "2")
    written = jsonl(target.read_bytes().decode("utf-8"))  # strict: the file is valid UTF-8
    assert [Path(r["path"]).name for r in written] == ["a.html", "caf\\xe9.html", "z.html"]
    assert [r["status"] for r in written] == ["ok"] * 3 and code == 0
    assert written[1]["text"] == written[0]["text"]
    _, out, _ = run(capsys, "clean", str(tmp_path / latin1), "--workers", "1")  # stdout alike
    assert jsonl(out)[0]["path"] == str(tmp_path / "caf\\xe9.html")


# --- output that cannot be written ---------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["clean", str(KOMPAS)], ["export", "--db", "DB"]])
def test_disk_full_is_a_message_and_exit_1(
    command: list[str], db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(db) if a == "DB" else a for a in command]
    code, _, err = run(capsys, *args, "-o", "/dev/full")
    assert code == 1
    assert "error: cannot write '/dev/full': No space left on device" in err


def _limited(limit: int, *args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """The real command with a file size limit (RLIMIT_FSIZE): a write crossing it is cut short by the
    kernel, the next fails with EFBIG: a disk filling up mid-record, for any user, root included."""
    program = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from newsclean.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("where", ["-o jsonl", "-o csv", "stdout"])
def test_clean_output_cut_mid_record_keeps_whole_records(tmp_path: Path, where: str) -> None:
    inputs = [str(p) for p in PAGES[:8]]  # about 3 KB of JSON each: the 10,000-byte limit falls mid-record
    target = tmp_path / ("out.csv" if where == "-o csv" else "out.jsonl")
    if where == "stdout":
        with target.open("wb") as stdout:
            done = _limited(10_000, "clean", "--workers", "1", *inputs, stdout=stdout)
    else:
        done = _limited(10_000, "clean", "--workers", "1", *inputs, "-o", str(target))
    assert done.returncode == 1, done.stderr
    assert "error: cannot write" in done.stderr and "File too large" in done.stderr
    assert "Traceback" not in done.stderr
    data = target.read_bytes()
    assert 0 < len(data) <= 10_000
    if where == "-o csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        assert data.endswith(b"\r\n") and 1 <= len(rows) < 8
        assert all(set(row) == {"path", *RECORD_FIELDS} and None not in row.values() for row in rows)
        assert [row["path"] for row in rows] == inputs[: len(rows)]
    else:
        written = jsonl(data.decode("utf-8"))  # every line whole: a cut line would not parse
        assert data.endswith(b"\n") and 1 <= len(written) < 8
        assert [r["path"] for r in written] == inputs[: len(written)]


def test_export_cut_mid_record_keeps_whole_records(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "articles.jsonl"
    done = _limited(100_000, "export", "--db", str(db), "-o", str(target))  # sqlite's -shm needs 32K
    assert done.returncode == 1 and "File too large" in done.stderr, done.stderr
    written = jsonl(target.read_text(encoding="utf-8"))
    assert 1 <= len(written) < 40 and target.read_bytes().endswith(b"\n")
    assert [r["url"] for r in written] == [
        f"https://news.example.com/read/{i:03d}" for i in range(len(written))
    ]


@pytest.mark.parametrize("command", ["clean", "export"])
def test_output_under_a_regular_file_says_what_is_wrong(
    command: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    args = ["clean", str(KOMPAS)] if command == "clean" else ["export", "--db", str(db)]
    code, _, err = run(capsys, *args, "-o", str(tmp_path / "file" / "x.jsonl"))
    assert code == 2
    assert f"cannot write '{tmp_path}/file/x.jsonl': '{tmp_path}/file' is not a directory" in err
    assert "File exists" not in err


# --- formats follow -o ---------------------------------------------------------------------------------


def test_clean_writes_parquet_for_a_parquet_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [str(KOMPAS), str(DETIK), str(tmp_path / "absent.html")]
    _, out, _ = run(capsys, "clean", *inputs, "--workers", "1")
    code, _, _ = run(capsys, "clean", *inputs, "--workers", "1", "-o", str(tmp_path / "x.parquet"))
    table = pq.read_table(tmp_path / "x.parquet")
    assert table.column_names == ["path", *RECORD_FIELDS]
    assert str(table.schema.field("authors").type) == "list<element: string>"
    assert table.to_pylist() == jsonl(out)  # the same records as JSON Lines, typed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.parquet"]  # no temporary file left
    assert code == 0
    run(capsys, "clean", str(KOMPAS), "--no-removed", "-o", str(tmp_path / "y.parquet"))
    assert "removed" not in pq.read_table(tmp_path / "y.parquet").column_names
    code, _, err = run(capsys, "clean", str(KOMPAS), "--format", "parquet")
    assert code == 2 and "give an output file with -o" in err


@pytest.mark.parametrize("command", ["clean", "export"])
def test_unknown_output_extension_is_a_usage_error(
    command: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["clean", str(KOMPAS)] if command == "clean" else ["export", "--db", str(db)]
    code, _, err = run(capsys, *args, "-o", str(tmp_path / "x.xml"))
    assert code == 2 and "cannot tell the output format from" in err and ".parquet" in err
    assert not (tmp_path / "x.xml").exists()
    assert run(capsys, *args, "--format", "jsonl", "-o", str(tmp_path / "x.xml"))[0] == 0
    assert json.loads((tmp_path / "x.xml").read_text(encoding="utf-8").splitlines()[0])["status"] == "ok"
    assert run(capsys, *args, "-o", str(tmp_path / "no-ending"))[0] == 0  # no ending at all: JSON Lines
    assert jsonl((tmp_path / "no-ending").read_text(encoding="utf-8"))


def test_csv_lists_are_json_text_in_clean_and_export_alike(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "export", "--db", str(db), "-o", str(tmp_path / "export.csv"))
    run(capsys, "clean", str(PAGES[0]), "-o", str(tmp_path / "clean.csv"))
    with (tmp_path / "export.csv").open(encoding="utf-8", newline="") as handle:
        exported = next(csv.DictReader(handle))
    with (tmp_path / "clean.csv").open(encoding="utf-8", newline="") as handle:
        cleaned = next(csv.DictReader(handle))
    assert list(exported) == list(EXPORT_FIELDS)
    for name in ("authors", "tags", "removed"):  # the same page, so the same lists, written the same way
        assert exported[name] == cleaned[name]
        assert isinstance(json.loads(cleaned[name]), list)
    assert json.loads(exported["pages"]) == ["https://news.example.com/read/000"]


# --- bad option values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clean", str(KOMPAS), "--encoding", "bogus"], "argument --encoding: unknown encoding 'bogus'"),
        (["clean", str(KOMPAS), "--encoding", "base64"], "'base64' is a codec, not a text encoding"),
        (["clean", str(KOMPAS), "--timeout", "-1"], "argument --timeout: must not be negative"),
        (["clean", str(KOMPAS), "--timeout", "nan"], "argument --timeout: must be a finite number"),
        (["clean", str(KOMPAS), "--workers", "two"], "argument -j/--workers: not a whole number: 'two'"),
        (["clean", str(KOMPAS), "--max-bytes", "0"], "argument --max-bytes: must be at least 1 byte"),
        (["export", "--status", "bogus"], "argument --status: invalid choice: 'bogus' (choose from 'ok', "),
        (["export", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["reclean", "--status", "stored"], "argument --status: invalid choice: 'stored'"),
        (["reclean", "--workers", "-2"], "argument --workers: must not be negative, not -2"),
        (["eval", ".", "--max-leaks", "-1"], "argument --max-leaks: must not be negative"),
        (["eval", ".", "--min-f1", "nan"], "argument --min-f1: must be a finite number"),
        (["bench", ".", "--limit", "0"], "argument --limit: must be at least 1, not 0"),
        (["bench", ".", "--rounds", "0"], "argument --rounds: must be at least 1, not 0"),
    ],
)
def test_bad_option_value_is_a_usage_error(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert message in err and "Traceback" not in err


def test_export_status_lists_every_valid_status_and_filters(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--db", str(db), "--status", "bogus"])
    assert "(choose from 'ok', 'not_article', 'empty', 'error', 'raw')" in capsys.readouterr().err
    code, out, err = run(capsys, "export", "--db", str(db), "--status", "not_article", "--status", "ok")
    assert len(jsonl(out)) == 40 and code == 0 and "exported 40 articles" in err


def test_a_valid_encoding_is_used(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "clean", str(KOMPAS), "--encoding", "Windows-1252")
    assert jsonl(out)[0]["status"] == "ok" and code == 0


# --- closed standard streams ---------------------------------------------------------------------------


def _with_closed_fd(redirect: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command started as `newsclean ARGS <&-` (or `>&-`): the descriptor is not open at all."""
    return subprocess.run(
        ["sh", "-c", f'exec "$0" "$@" {redirect}', *NEWSCLEAN, *args],
        stdout=subprocess.PIPE if redirect != ">&-" else None,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )


def test_closed_stdin(tmp_path: Path) -> None:
    done = _with_closed_fd("<&-", "clean", str(KOMPAS), "--workers", "1")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert jsonl(done.stdout)[0]["status"] == "ok"
    done = _with_closed_fd("<&-", "clean", "-", "--workers", "1")
    assert done.returncode == 2
    assert "'-': stdin is closed" in done.stderr and "no input to clean" in done.stderr


def test_closed_stdout(tmp_path: Path) -> None:
    done = _with_closed_fd(">&-", "clean", str(KOMPAS), "--workers", "1")
    assert done.returncode == 2 and "stdout is closed: give an output file with -o" in done.stderr
    done = _with_closed_fd(">&-", "clean", str(KOMPAS), "--workers", "1", "-o", str(tmp_path / "o.jsonl"))
    assert done.returncode == 0, done.stderr
    assert jsonl((tmp_path / "o.jsonl").read_text(encoding="utf-8"))[0]["status"] == "ok"


# --- the reader goes away: `| head` ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "--workers", "2", *(str(p) for p in PAGES[:12] * 3)],  # ~110 KB: more than a pipe holds
        ["export", "--db", "DB"],
        ["export", "--db", "DB", "--format", "csv"],
    ],
    ids=["clean", "export", "export-csv"],
)
def test_closed_pipe_is_a_quiet_exit_141(args: list[str], db: Path, tmp_path: Path) -> None:
    args = [str(db) if a == "DB" else a for a in args]
    with (tmp_path / "stderr").open("w+") as stderr:
        proc = subprocess.Popen([*NEWSCLEAN, *args], stdout=subprocess.PIPE, stderr=stderr)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # what `| head -1` does: read a line, then close the pipe
        proc.stdout.close()
        code = proc.wait(timeout=60)
        stderr.seek(0)
        message = stderr.read()
    assert first.endswith(b"\n")
    assert code == 141, message  # 128 + SIGPIPE, as a shell reports for `cat` in the same place
    assert message == ""


# --- Ctrl-C --------------------------------------------------------------------------------------------


_REAL_PRINTABLE = newsclean.inputs.printable_path


def _interrupt_on_marker(path: str) -> str:
    """Ctrl-C in the parent as the third record comes back (cleaning runs in worker processes)."""
    if "stop.html" in path:
        raise KeyboardInterrupt
    return _REAL_PRINTABLE(path)


@pytest.mark.parametrize("ending", ["jsonl", "csv", "parquet"])
def test_ctrl_c_in_clean_keeps_what_was_written(
    ending: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(newsclean.inputs, "printable_path", _interrupt_on_marker)
    (tmp_path / "stop.html").write_bytes(b"<html><body><p>Berhenti di sini.</p></body></html>")
    inputs = [str(KOMPAS), str(DETIK), str(tmp_path / "stop.html"), str(KOMPAS)]
    target = tmp_path / f"out.{ending}"
    code, _, err = run(capsys, "clean", *inputs, "--workers", "1", "-o", str(target))
    assert code == 130
    assert err.endswith("newsclean clean: interrupted\n") and "cleaned 2 inputs" in err
    assert "Traceback" not in err
    if ending == "parquet":
        kept = pq.read_table(target).to_pylist()
    elif ending == "csv":
        kept = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    else:
        kept = jsonl(target.read_text(encoding="utf-8"))
    assert [r["path"] for r in kept] == inputs[:2]


def test_ctrl_c_in_export_keeps_what_was_written(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_records = ArticleStore.records

    def records(self: ArticleStore, statuses: object = ()) -> Iterator[dict]:
        for count, record in enumerate(real_records(self, statuses)):  # type: ignore[arg-type]
            if count == 5:
                raise KeyboardInterrupt
            yield record

    monkeypatch.setattr(ArticleStore, "records", records)
    code, _, err = run(capsys, "export", "--db", str(db), "-o", str(tmp_path / "a.jsonl"))
    assert code == 130 and err == "newsclean export: interrupted\n"
    assert len(jsonl((tmp_path / "a.jsonl").read_text(encoding="utf-8"))) == 5


def test_sigint_to_the_real_command(tmp_path: Path) -> None:
    """SIGINT while a worker waits on a silent FIFO: exit 130 with a message, the records so far kept."""
    os.mkfifo(tmp_path / "silent.html")
    target = tmp_path / "out.jsonl"
    inputs = [str(KOMPAS), str(DETIK), str(tmp_path / "silent.html")]
    with (tmp_path / "stderr").open("w+") as stderr:
        proc = subprocess.Popen(
            [*NEWSCLEAN, "clean", *inputs, "--workers", "2", "-o", str(target)], stderr=stderr
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (not target.exists() or target.read_bytes().count(b"\n") < 2):
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
        stderr.seek(0)
        message = stderr.read()
    assert code == 130, message
    assert "newsclean clean: interrupted" in message and "Traceback" not in message
    assert [r["path"] for r in jsonl(target.read_text(encoding="utf-8"))] == inputs[:2]


# --- eval and bench: a report written once ------------------------------------------------------------


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    """One saved page with its gold body: enough for `eval` and for `bench`."""
    pages = tmp_path / "gold"
    pages.mkdir()
    for name in (KOMPAS.name, KOMPAS.with_suffix(".body.txt").name):
        (pages / name).write_bytes((CORPUS / name).read_bytes())
    return pages


def _report_command(command: str, gold_dir: Path) -> list[str]:
    if command == "eval":
        return ["eval", str(gold_dir), "--json"]
    return ["bench", str(gold_dir), "--no-workers", "--rounds", "1", "--json"]


@pytest.mark.parametrize("command", ["eval", "bench"])
def test_report_output_failures(
    command: str, gold_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _report_command(command, gold_dir)
    (tmp_path / "file").write_text("")
    code, _, err = run(capsys, *args, "-o", str(tmp_path / "file" / "report.json"))
    assert code == 2 and f"'{tmp_path}/file' is not a directory" in err  # checked before the work
    code, _, err = run(capsys, *args, "-o", str(tmp_path))
    assert code == 2 and f"cannot write '{tmp_path}': it is a directory" in err
    if os.path.exists("/dev/full"):
        code, _, err = run(capsys, *args, "-o", "/dev/full")
        assert code == 1 and f"newsclean {command}: error: cannot write '/dev/full': No space left" in err
    code, _, _ = run(capsys, *args, "-o", str(tmp_path / "reports" / "r.json"))
    assert code == 0 and json.loads((tmp_path / "reports" / "r.json").read_text(encoding="utf-8"))
    assert os.listdir(tmp_path / "reports") == ["r.json"]  # written whole, then renamed into place


@pytest.mark.parametrize("command", ["eval", "bench"])
def test_report_to_a_closed_pipe_is_a_quiet_exit_141(
    command: str, gold_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the report is written, as with `| head -0`
    with open(write_end, "w", encoding="utf-8") as stdout:
        monkeypatch.setattr("sys.stdout", stdout)
        code = main(_report_command(command, gold_dir))
        monkeypatch.undo()
    assert code == 141 and capsys.readouterr().err == ""


@pytest.mark.parametrize("command", ["eval", "bench"])
def test_unreadable_report_dir_is_a_message(command: str, gold_dir: Path) -> None:
    """chmod 000 on DIR, as root without the capabilities that read anything (see test_cli_inputs)."""
    base = [*NEWSCLEAN, *_report_command(command, gold_dir)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: no way to make a directory unreadable")
        base = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *base]
    gold_dir.chmod(0)
    try:
        done = subprocess.run(base, capture_output=True, text=True, timeout=60, check=False)
    finally:
        gold_dir.chmod(0o755)
    if done.returncode != 0 and done.stderr.startswith("setpriv"):
        pytest.skip(f"setpriv cannot drop capabilities here: {done.stderr.strip()}")
    assert done.returncode == 2, done.stderr
    assert f"{gold_dir}/manifest.tsv: Permission denied" in done.stderr
    assert "Traceback" not in done.stderr


# --- a bug is still a message --------------------------------------------------------------------------


def test_internal_error_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr("newsclean.commands.export.run", broken)
    code, _, err = run(capsys, "export")
    assert code == 1
    assert (
        err == "newsclean export: internal error: RuntimeError: a bug (run with -vv to see the traceback)\n"
    )
    code, _, err = run(capsys, "-vv", "export")
    assert code == 1 and "Traceback (most recent call last)" in err  # asked for
