"""Finding and reading the inputs of `newsclean clean`: files, directories, globs and stdin.

Discovery only lists paths (cheap, so the progress bar knows the total); the bytes are read later, one
input at a time inside a worker, so a batch never holds more than a few pages in memory. What a folder or a
glob turns up that cannot be read as a page (a named pipe, a socket, a device, a directory that cannot be
listed) becomes an input with a `problem`, i.e. an error record saying why, and is never opened: opening a
FIFO would block until something writes to it. A FIFO named on the command line is read (`<(curl ...)` is
one), but waits at most FIFO_WAIT seconds for data. Worker processes have descriptors of their own, so an
input only this process can open (`/dev/fd/N`, what a shell hands over for `<(curl ...)`) is read here
first (`read_here`) and its bytes go to the worker, as stdin's do.
"""

from __future__ import annotations

import errno
import glob
import gzip
import io
import os
import select
import stat
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Literal

#: "auto" (stdin only) is settled by `sniff_kind` once the bytes are read and gunzipped.
Kind = Literal["html", "text", "auto"]

#: What a directory walk picks up (lower-cased endings); files named explicitly are taken whatever their name.
PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")
STDIN = "-"
#: Seconds a named pipe given on the command line may stay silent before its input is an error.
FIFO_WAIT = 10.0
#: Paths that name this process's own descriptors: another process opening them gets its own.
PROCESS_LOCAL = ("/dev/fd/", "/proc/self/", "/dev/stdin")
#: Bytes per read: asking for --max-bytes at once would allocate all of it up front (64G, say).
_CHUNK = 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class InputError(Exception):
    """An input that cannot be read; the message is meant for the user and ends up in the record's `error`."""


@dataclass(frozen=True, slots=True)
class InputItem:
    """One input of a batch; `label` is the path as given or found, and is what the record's `path` says."""

    label: str
    kind: Kind
    #: Bytes read from stdin (or /dev/fd/N); None for files, which are read by the worker.
    data: bytes | None = None
    #: Why this explicitly named input cannot be used (missing file, glob matching nothing), if so.
    problem: str | None = None


def kind_of(name: str, forced: Kind | None = None) -> Kind:
    """`text` for `.txt`/`.txt.gz` names, `html` for everything else, unless the user forced one."""
    if forced:
        return forced
    return "text" if name.lower().endswith(TEXT_SUFFIXES) else "html"


def sniff_kind(data: bytes) -> Literal["html", "text"]:
    """Stdin has no name: markup near the start means a page, anything else is text."""
    head = data[:4096].lstrip().lower()
    return "html" if head.startswith(b"<") or b"<html" in head or b"<body" in head else "text"


def printable_path(label: str) -> str:
    """The name as valid Unicode: bytes that are not UTF-8 (`caf\\xe9.html` from Latin-1) shown as `\\xNN`.

    Python hands such names over with lone surrogates, which no UTF-8 output can hold; the file itself is
    still opened under its real name.
    """
    try:
        label.encode("utf-8")
        return label
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(label).decode("utf-8", "backslashreplace")
    except UnicodeError:
        return label.encode("utf-8", "backslashreplace").decode("utf-8")


def discover(
    args: Sequence[str], *, stdin: BinaryIO | None = None, forced: Kind | None = None, max_bytes: int
) -> Iterator[InputItem]:
    """Expand the command-line PATHs in the order given; directories are walked recursively, sorted.

    `stdin` is None when the process has no stdin (started with it closed).
    """
    stdin_seen = False
    for arg in args:
        if arg == STDIN:
            if stdin_seen:
                yield InputItem(arg, "text", problem="stdin ('-') was given more than once")
                continue
            stdin_seen = True
            yield _read_stdin(stdin, forced, max_bytes)
        elif os.path.isdir(arg):
            yield from _walk(arg, forced)
        elif os.path.lexists(arg):
            yield InputItem(arg, kind_of(arg, forced))
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield InputItem(arg, kind_of(arg, forced), problem="the pattern matches no file")
            for match in matches:
                if os.path.isdir(match):
                    yield from _walk(match, forced)
                else:
                    yield _found(match, forced)
        else:
            yield InputItem(arg, kind_of(arg, forced), problem="no such file or directory")


def _read_stdin(stdin: BinaryIO | None, forced: Kind | None, max_bytes: int) -> InputItem:
    if stdin is None:
        return InputItem(STDIN, forced or "auto", problem="stdin is closed")
    try:
        data = _read_at_most(stdin, max_bytes + 1)
    except OSError as exc:  # `< some-directory`
        return InputItem(STDIN, forced or "auto", problem=f"cannot read stdin: {exc.strerror or exc}")
    return InputItem(STDIN, forced or "auto", data=data)


def _walk(top: str, forced: Kind | None) -> Iterator[InputItem]:
    """Pages and text files under `top`, sorted, depth first, skipping hidden files and directories (.git,
    .cache…); symlinked directories are not followed. A directory that cannot be listed is an input with a
    problem, so the user hears of it and the walk goes on."""
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            yield InputItem(directory, forced or "html", problem=f"cannot list this directory: {reason}")
            continue
        subdirectories = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_directory(entry):
                if not entry.is_symlink():
                    subdirectories.append(entry.path)
            elif entry.name.lower().endswith(PAGE_SUFFIXES + TEXT_SUFFIXES):
                yield _found(entry.path, forced)
        pending.extend(reversed(subdirectories))


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _found(path: str, forced: Kind | None) -> InputItem:
    """A file a walk or a glob turned up: only regular files are read; anything else says what it is."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # a dangling symlink: reading it gives the reason
        return InputItem(path, kind_of(path, forced))
    if stat.S_ISREG(mode):
        return InputItem(path, kind_of(path, forced))
    return InputItem(path, kind_of(path, forced), problem=f"skipped: {file_type(mode)}, not a regular file")


def file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def read_here(item: InputItem, max_bytes: int, fifo_wait: float | None = None) -> InputItem:
    """The item with its bytes read, when only this process can open it (PROCESS_LOCAL); else as it is.

    At most `max_bytes` + 1 bytes are kept, raw: the worker gunzips them and reports one too many.
    """
    if item.data is not None or item.problem or not item.label.startswith(PROCESS_LOCAL):
        return item
    try:
        handle, _ = _open(item.label, fifo_wait)
        with handle:
            data = _read_at_most(handle, max_bytes + 1)
    except InputError as exc:
        return InputItem(item.label, item.kind, problem=str(exc))
    except OSError as exc:
        return InputItem(item.label, item.kind, problem=exc.strerror or str(exc))
    return InputItem(item.label, item.kind, data=data)


def read_input(item: InputItem, max_bytes: int, fifo_wait: float | None = None) -> bytes:
    """The input's bytes, gunzipped when they are gzip data; at most `max_bytes`, else InputError.

    A named pipe waits at most `fifo_wait` seconds for data (default FIFO_WAIT).
    """
    if item.data is not None:
        data = item.data
        if len(data) > max_bytes:
            raise InputError(f"input is over the {max_bytes:,}-byte limit (--max-bytes)")
        return _gunzip_bytes(data, max_bytes) if data.startswith(_GZIP_MAGIC) else data
    try:
        handle, mode = _open(item.label, fifo_wait)
        with handle:
            if stat.S_ISREG(mode):
                head = handle.read(2)
                handle.seek(0)
            else:  # a pipe or a device: no seeking back, and no size to check first
                data = _read_at_most(handle, max_bytes + 1)
                head = data[:2]
            if head == _GZIP_MAGIC:
                return _gunzip(handle, max_bytes) if stat.S_ISREG(mode) else _gunzip_bytes(data, max_bytes)
            if item.label.lower().endswith(".gz"):
                raise InputError("corrupt gzip file: it does not start with the gzip signature")
            if stat.S_ISREG(mode):
                size = os.fstat(handle.fileno()).st_size
                if size > max_bytes:
                    limit = f"{max_bytes:,}-byte limit (--max-bytes)"
                    raise InputError(f"file is {size:,} bytes, over the {limit}")
                data = _read_at_most(handle, max_bytes + 1)
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
    if len(data) > max_bytes:  # a file that grew, or a device
        raise InputError(f"input is over the {max_bytes:,}-byte limit (--max-bytes)")
    return data


def _open(path: str, fifo_wait: float | None = None) -> tuple[BinaryIO, int]:
    """Open for reading without blocking on a FIFO: wait at most `fifo_wait` seconds for data in it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO and _is_socket(path):
            raise InputError("a socket, not a file") from exc
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("is a directory")
        if stat.S_ISFIFO(mode):
            _wait_for_data(fd, FIFO_WAIT if fifo_wait is None else fifo_wait)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), mode
    except BaseException:
        os.close(fd)
        raise


def _wait_for_data(fd: int, seconds: float) -> None:
    """On Linux a FIFO no writer has opened yet polls as not ready (no hang-up), so this waits for one."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if not poller.poll(seconds * 1000):
        raise InputError(f"named pipe: nothing was written to it within {seconds:g} s")


def _is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes, a chunk at a time, so memory follows the data and not the limit."""
    chunks = []
    while limit > 0:
        chunk = handle.read(min(limit, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _gunzip(handle: BinaryIO, max_bytes: int) -> bytes:
    """Decompress at most max_bytes + 1 bytes, so a gzip bomb costs no more memory than a large page."""
    try:
        with gzip.GzipFile(fileobj=handle) as unzipped:
            data = _read_at_most(unzipped, max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"corrupt gzip file: {exc}") from exc
    if len(data) > max_bytes:
        raise InputError(f"decompresses to more than the {max_bytes:,}-byte limit (--max-bytes)")
    return data


def _gunzip_bytes(data: bytes, max_bytes: int) -> bytes:
    return _gunzip(io.BytesIO(data), max_bytes)
