"""Inputs of `newsclean clean` that are not plain files: FIFOs, sockets, devices, unreadable folders, pipes.

Opening a FIFO blocks until something writes to it, so a walk must never open one; a FIFO named on the
command line (or a `<(...)` pipe) is read, within a bounded wait. Tests run as root here, and root lists any
directory: one test simulates the refusal where the walk lists directories, the other gets a real EACCES
from the kernel by dropping the capabilities that let root read anything (setpriv), or runs as is when the
suite is not root.
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import newsclean.inputs
from newsclean.cli import main

CORPUS = Path(__file__).parent / "fixtures" / "id-news"
KOMPAS = CORPUS / "anpandu_kompas-singlepage.html"
DETIK = CORPUS / "tisorlawan_detik_1.html"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict], str]:
    code = main(["clean", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def by_name(records: list[dict]) -> dict[str, dict]:
    return {Path(r["path"]).name: r for r in records}


def test_fifo_socket_and_device_in_a_folder_are_skipped_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(KOMPAS, tmp_path / "a.html")
    os.mkfifo(tmp_path / "pipe.html")
    (tmp_path / "null.html").symlink_to(os.devnull)
    shutil.copy(DETIK, tmp_path / "z.html")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock.html"))
        started = time.monotonic()
        code, records, err = run(capsys, str(tmp_path), "--workers", "2")  # --timeout stays 300 s
    assert time.monotonic() - started < 20  # opening the FIFO would have blocked for the whole --timeout
    found = by_name(records)
    assert list(found) == ["a.html", "null.html", "pipe.html", "sock.html", "z.html"]
    assert found["pipe.html"]["error"] == "skipped: a named pipe (FIFO), not a regular file"
    assert found["sock.html"]["error"] == "skipped: a socket, not a regular file"
    assert found["null.html"]["error"] == "skipped: a character device, not a regular file"
    assert {found[n]["status"] for n in ("pipe.html", "sock.html", "null.html")} == {"error"}
    assert found["a.html"]["status"] == found["z.html"]["status"] == "ok"
    assert f"'{tmp_path / 'pipe.html'}': skipped: a named pipe (FIFO)" in err
    assert code == 0


def test_unlistable_folder_is_reported_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Simulated: as root os.scandir lists anything, so here it refuses the one folder as the kernel would."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "later").mkdir()
    shutil.copy(KOMPAS, tmp_path / "a.html")
    shutil.copy(KOMPAS, tmp_path / "locked" / "hidden-from-us.html")
    shutil.copy(DETIK, tmp_path / "later" / "c.html")
    real_scandir = os.scandir
    locked = str(tmp_path / "locked")

    def scandir(path: str) -> object:
        if os.fspath(path) == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), locked)
        return real_scandir(path)

    monkeypatch.setattr(newsclean.inputs.os, "scandir", scandir)
    code, records, err = run(capsys, str(tmp_path), "--workers", "1")
    assert [os.path.relpath(r["path"], tmp_path) for r in records] == ["a.html", "later/c.html", "locked"]
    assert [r["status"] for r in records] == ["ok", "ok", "error"]
    assert records[2]["error"] == "cannot list this directory: Permission denied"
    assert f"warning: '{locked}': cannot list this directory: Permission denied" in err
    assert code == 0


def test_unlistable_folder_for_real(tmp_path: Path) -> None:
    """chmod 000 and the real command: as root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv), so
    the refusal comes from the kernel, as for any user."""
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(KOMPAS, tmp_path / "a.html")
    shutil.copy(KOMPAS, locked / "b.html")
    command = [sys.executable, "-m", "newsclean", "clean", "--workers", "1", str(tmp_path)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: no way to make a directory unreadable")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    locked.chmod(0)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    finally:
        locked.chmod(0o755)
    if done.returncode != 0 and done.stderr.startswith("setpriv"):
        pytest.skip(f"setpriv cannot drop capabilities here: {done.stderr.strip()}")
    records = by_name([json.loads(line) for line in done.stdout.splitlines()])
    assert list(records) == ["a.html", "locked"], done.stderr
    assert records["locked"]["error"] == "cannot list this directory: Permission denied"
    assert "Traceback" not in done.stderr and done.returncode == 0


def test_fifo_named_on_the_command_line_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)

    def writer() -> None:
        with open(fifo, "wb") as pipe:  # blocks until newsclean opens the FIFO for reading
            time.sleep(0.2)  # and newsclean waits for the data
            pipe.write(KOMPAS.read_bytes())

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    code, (record,), _ = run(capsys, str(fifo), "--workers", "1")
    thread.join(5)
    direct = run(capsys, str(KOMPAS))[1][0]
    assert record["status"] == "ok" and record["text"] == direct["text"]
    assert code == 0


def test_silent_fifo_named_on_the_command_line_gives_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No writer and --timeout 0 (no limit at all): the FIFO still costs only FIFO_WAIT (10 s, 0.5 here)."""
    monkeypatch.setattr(newsclean.inputs, "FIFO_WAIT", 0.5)
    os.mkfifo(tmp_path / "silent.html")
    started = time.monotonic()
    silent_fifo = str(tmp_path / "silent.html")
    code, (silent, good), _ = run(capsys, silent_fifo, str(KOMPAS), "--timeout", "0", "--workers", "1")
    assert time.monotonic() - started < 10
    assert silent["status"] == "error"
    assert silent["error"] == "named pipe: nothing was written to it within 0.5 s"
    assert good["status"] == "ok" and code == 0


def test_anonymous_pipe_of_gzip_data_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    """What `newsclean clean <(curl ... | gzip)` hands over: /dev/fd/N, a pipe that cannot seek back."""
    read_end, write_end = os.pipe()
    try:
        packed = gzip.compress(KOMPAS.read_bytes())
        assert len(packed) < 65536  # fits in the pipe buffer: no writer thread needed
        os.write(write_end, packed)
        os.close(write_end)
        code, (record,), _ = run(capsys, f"/dev/fd/{read_end}", "--workers", "1")
    finally:
        os.close(read_end)
    assert record["status"] == "ok", record["error"]  # was "Illegal seek"
    assert record["title"] == run(capsys, str(KOMPAS))[1][0]["title"]
    assert code == 0


def test_huge_max_bytes_costs_only_the_bytes_there_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading at most --max-bytes used to allocate all of it up front: a MemoryError at 64G."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(DETIK.read_bytes())))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(KOMPAS.read_bytes()))
    code, records, err = run(capsys, "-", str(KOMPAS), str(tmp_path / "page.html.gz"), "--max-bytes", "64G")
    assert [r["status"] for r in records] == ["ok", "ok", "ok"], err
    assert code == 0
