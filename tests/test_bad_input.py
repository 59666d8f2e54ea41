"""Issue 2's bad-input batch through the real `newsclean clean`: every hostile input gets its own record.

The inputs are generated here (nothing binary is committed); real pages come from tests/fixtures/id-news.
The batch runs twice with --workers 2: in-process through `newsclean.cli.main` and as a subprocess.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaners import RECORD_FIELDS, clean_html
from newsclean.cli import main

CORPUS = Path(__file__).parent / "fixtures" / "id-news"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SUMMARY = re.compile(r"^cleaned (\d+) inputs in [\d.]+ s \([\d.]+ pages/s\): (.+)$")


def gold(page: str) -> list[str]:
    return [
        line
        for line in (CORPUS / f"{page}.body.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


ARTICLE_PARAGRAPHS = [
    "Pemerintah Kota Bandung mengumumkan aturan baru untuk kafe dan restoran di kawasan Jalan Braga mulai "
    "Jum’at pekan depan, kata wali kota kepada wartawan di Balai Kota.",
    "Menurut dia, pemilik café yang buka sampai larut malam wajib menyediakan lahan parkir sendiri dan "
    "menjaga kebersihan trotoar di depan usahanya.",
    "“Kami ingin Braga tetap nyaman bagi pejalan kaki,” ujarnya. Anggaran penataan kawasan itu mencapai "
    "Rp1,5 miliar — naik dua kali lipat dari tahun lalu.",
    "Para pelaku usaha menyambut baik rencana itu, meski sebagian meminta waktu sosialisasi yang lebih "
    "panjang sebelum sanksi diterapkan.",
]


def article_page(charset: str, title: str = "Penataan kafe di Braga") -> str:
    body = "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="id"><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><nav><a href='/'>Beranda</a> <a href='/kota'>Kota</a></nav><article><h1>{title}</h1>{body}"
        "</article><footer>© 2026 Kabar Bandung</footer></body></html>"
    )


def entity_bomb() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'
        "<html><head><title>bomb</title></head><body><p>&lol9;</p></body></html>"
    ).encode()


def links_page() -> bytes:
    items = "".join(
        f'<li><a href="/berita/{i}">Berita nomor {i} hari ini di kota</a></li>' for i in range(300)
    )
    return f"<html><head><title>Indeks berita</title></head><body><ul>{items}</ul></body></html>".encode()


def deep_page() -> bytes:
    return (
        "<html><head><title>Dalam</title></head><body>" + "<div>" * 20_000 + "teks" + "</div>" * 20_000
    ).encode()


def huge_page() -> bytes:
    """About 20 MB, shaped like real heavy pages: 14 MB inline JSON, a 3 MB data: image, 1 MB of comments."""
    rng = random.Random(20)
    blob = json.dumps({"props": {"items": [{"id": i, "body": "x" * 190} for i in range(75_000)]}})
    image = base64.b64encode(rng.randbytes(2_300_000)).decode()
    comments = "".join(
        f'<div class="comment"><p>Komentar pembaca {i}: saya setuju dengan berita ini.</p></div>\n'
        for i in range(12_000)
    )
    body = "".join(f"<p>{p}</p>" for p in gold("anpandu_antara-singlepage3"))
    return (
        f"<html><head><title>Halaman besar</title><script id='__NEXT_DATA__' type='application/json'>{blob}"
        f"</script></head><body><article>{body}<img src='data:image/jpeg;base64,{image}'></article>"
        f"<section id='comments'>{comments}</section></body></html>"
    ).encode()


@dataclass(frozen=True)
class Expect:
    status: str
    error: str | None = None  # a substring of the record's `error`
    text: tuple[str, ...] = ()  # substrings the body must contain
    not_text: tuple[str, ...] = ()  # substrings it must not contain


@dataclass
class Batch:
    root: Path
    names: list[str]  # relative to root, or absolute for corpus pages; the order of the command line
    expect: dict[str, Expect]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    root = tmp_path_factory.mktemp("bad")
    files: dict[str, bytes] = {}
    expect: dict[str, Expect] = {}
    kompas = (CORPUS / "anpandu_kompas-singlepage.html").read_bytes()
    detik = (CORPUS / "tisorlawan_detik_4.html").read_bytes()
    detik_gold = gold("tisorlawan_detik_4")

    def add(name: str, data: bytes | None, expectation: Expect) -> None:
        if data is not None:
            (root / name).write_bytes(data)
        files[name] = data or b""
        expect[name] = expectation

    good = str(CORPUS / "anpandu_kompas-singlepage.html")
    expect[good] = Expect("ok", text=(gold("anpandu_kompas-singlepage")[0][:60],))
    add("empty.html", b"", Expect("empty", "empty"))
    add("random.html", random.Random(1).randbytes(65_536), Expect("error", "binary data"))
    add("zeros.html", bytes(4096), Expect("error", "binary data"))
    cut = detik.index(detik_gold[8][:50].encode())
    add(
        "truncated.html",
        detik[:cut],
        Expect("ok", text=(detik_gold[1][:60], detik_gold[5][:60]), not_text=(detik_gold[10][:50],)),
    )
    add(
        "huge.html",
        huge_page(),
        Expect("ok", text=(gold("anpandu_antara-singlepage3")[0][:60],), not_text=("Komentar pembaca",)),
    )
    add("deep.html", deep_page(), Expect("error", "nested more than"))
    add(
        "declared-latin1-is-utf8.html",
        article_page("iso-8859-1").encode("utf-8"),
        Expect("ok", text=("café", "Jum’at", "“Kami ingin Braga", "Rp1,5 miliar — naik"), not_text=("Ã",)),
    )
    add(
        "declared-utf8-is-cp1252.html",
        article_page("utf-8").encode("cp1252"),
        Expect(
            "ok", text=("café", "Jum’at", "“Kami ingin Braga", "Rp1,5 miliar — naik"), not_text=("\ufffd",)
        ),
    )
    add("nul-bytes.html", kompas.replace(b"</p>", b"</p>\x00\x00"), Expect("ok"))
    packed = gzip.compress(detik)
    add("good.html.gz", packed, Expect("ok", text=(detik_gold[1][:60], detik_gold[-1][:60])))
    add("corrupt.html.gz", packed[: len(packed) // 2], Expect("error", "corrupt gzip"))
    add("plain-named.html.gz", kompas, Expect("error", "gzip signature"))
    add(
        "gzip-bomb.html.gz",
        gzip.compress(b" " * (40 * 1024 * 1024)),
        Expect("error", "decompresses to more than"),
    )
    add("entity-bomb.html", entity_bomb(), Expect("not_article", "too short", not_text=("lollol", "]>")))
    add("links-only.html", links_page(), Expect("not_article", "links only"))
    add("nama dengan spasi.html", kompas, Expect("ok"))
    add("berita-ünïcödé-日本.html", kompas, Expect("ok"))
    add("-dash-first.html", kompas, Expect("ok"))
    add("new\nline.html", kompas, Expect("ok"))
    add("missing.html", None, Expect("error", "no such file"))
    add("binary.txt", random.Random(2).randbytes(4096), Expect("error", "binary data, not text"))
    add("blank.txt", b"  \n\n ", Expect("empty", "empty"))
    seed = str(SEEDS / "seed-003-extracted.txt")
    expect[seed] = Expect("ok", not_text=("Baca Juga:",))
    names = list(expect)
    return Batch(root, names, expect)


def _args(batch: Batch, absolute: bool) -> list[str]:
    return [str(batch.root / n) if absolute and not n.startswith("/") else n for n in batch.names]


@pytest.fixture(scope="module")
def in_process(batch: Batch) -> tuple[int, list[dict], str]:
    out = batch.root.parent / "in-process.jsonl"
    stderr = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stderr(stderr):
        code = main(["clean", "--workers", "2", "-o", str(out), "--", *_args(batch, absolute=True)])
    print(f"\nbad batch in-process: {len(batch.names)} inputs in {time.perf_counter() - started:.2f} s")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return code, records, stderr.getvalue()


@pytest.fixture(scope="module")
def as_subprocess(batch: Batch) -> tuple[int, list[dict], str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "newsclean", "clean", "--workers", "2", "--", *_args(batch, absolute=False)],
        cwd=batch.root,
        capture_output=True,
        timeout=300,
        check=False,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"\nbad batch as a subprocess: {len(batch.names)} inputs in {time.perf_counter() - started:.2f} s")
    print(
        f"\nbad batch as a subprocess: peak RSS of a child {peak / 1024:.0f} MB (before: {before / 1024:.0f})"
    )
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    return proc.returncode, records, proc.stderr.decode("utf-8")


def _check_records(batch: Batch, records: list[dict], absolute: bool) -> None:
    assert [r["path"] for r in records] == _args(batch, absolute)
    for name, record in zip(batch.names, records, strict=True):
        expectation = batch.expect[name]
        assert list(record) == ["path", *RECORD_FIELDS], name
        assert record["status"] == expectation.status, (name, record["error"])
        if expectation.error:
            assert expectation.error in (record["error"] or ""), (name, record["error"])
        if expectation.status == "ok":
            assert record["error"] is None and record["word_count"] >= 20, name
        else:
            assert record["error"], f"{name}: a failed record must say why"
        for snippet in expectation.text:
            assert snippet in record["text"], (name, snippet)
        for snippet in expectation.not_text:
            assert snippet not in record["text"], (name, snippet)


def _check_summary(batch: Batch, stderr: str) -> None:
    last = stderr.strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    counts = Counter(e.status for e in batch.expect.values())
    assert int(match.group(1)) == len(batch.names)
    expected = ", ".join(f"{counts[s]} {s}" for s in ("ok", "not_article", "empty", "error") if counts[s])
    assert match.group(2) == expected


def test_bad_batch_in_process(batch: Batch, in_process: tuple[int, list[dict], str]) -> None:
    code, records, stderr = in_process
    _check_records(batch, records, absolute=True)
    _check_summary(batch, stderr)
    assert "missing.html': no such file or directory" in stderr  # the warning, besides the record
    assert code == 0


def test_bad_batch_as_subprocess(batch: Batch, as_subprocess: tuple[int, list[dict], str]) -> None:
    code, records, stderr = as_subprocess
    _check_records(batch, records, absolute=False)
    _check_summary(batch, stderr)
    assert code == 0


def test_nul_bytes_change_nothing(in_process: tuple[int, list[dict], str]) -> None:
    """NULs between tags are dropped before parsing: the text is that of the same page without them."""
    by_name = {Path(r["path"]).name: r for r in in_process[1]}
    clean = clean_html((CORPUS / "anpandu_kompas-singlepage.html").read_bytes())
    assert by_name["nul-bytes.html"]["text"] == clean.text
    assert by_name["new\nline.html"]["text"] == clean.text


def test_only_bad_inputs_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "links.html").write_bytes(links_page())
    code = main(["clean", "--workers", "2", str(tmp_path)])
    out, err = capsys.readouterr()
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["empty", "not_article"]
    assert err.strip().endswith("1 not_article, 1 empty")
    assert code == 1
