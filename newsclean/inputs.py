"""Finding and reading the inputs of `newsclean clean`: files, directories, globs and stdin.

Discovery only lists paths (cheap, so the progress bar knows the total); the bytes are read later, one
input at a time inside a worker, so a batch never holds more than a few pages in memory.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
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
_GZIP_MAGIC = b"\x1f\x8b"


class InputError(Exception):
    """An input that cannot be read; the message is meant for the user and ends up in the record's `error`."""


@dataclass(frozen=True, slots=True)
class InputItem:
    """One input of a batch; `label` is the path as given or found, and is what the record's `path` says."""

    label: str
    kind: Kind
    #: Bytes read from stdin; None for files, which are read by the worker.
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


def discover(
    args: Sequence[str], *, stdin: BinaryIO | None = None, forced: Kind | None = None, max_bytes: int
) -> Iterator[InputItem]:
    """Expand the command-line PATHs in the order given; directories are walked recursively, sorted."""
    stdin_seen = False
    for arg in args:
        if arg == STDIN:
            if stdin_seen:
                yield InputItem(arg, "text", problem="stdin ('-') was given more than once")
                continue
            stdin_seen = True
            data = stdin.read(max_bytes + 1) if stdin is not None else b""
            yield InputItem(arg, forced or "auto", data=data)
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
                    yield InputItem(match, kind_of(match, forced))
        else:
            yield InputItem(arg, kind_of(arg, forced), problem="no such file or directory")


def _walk(top: str, forced: Kind | None) -> Iterator[InputItem]:
    """Pages and text files under `top`, sorted, skipping hidden files and directories (.git, .cache…)."""
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            lowered = name.lower()
            if not name.startswith(".") and lowered.endswith(PAGE_SUFFIXES + TEXT_SUFFIXES):
                yield InputItem(os.path.join(root, name), kind_of(name, forced))


def read_input(item: InputItem, max_bytes: int) -> bytes:
    """The input's bytes, gunzipped when they are gzip data; at most `max_bytes`, else InputError."""
    if item.data is not None:
        data = item.data
        if len(data) > max_bytes:
            raise InputError(f"input is over the {max_bytes:,}-byte limit (--max-bytes)")
        return _gunzip_bytes(data, max_bytes) if data.startswith(_GZIP_MAGIC) else data
    try:
        with open(item.label, "rb") as handle:
            head = handle.read(2)
            handle.seek(0)
            if head == _GZIP_MAGIC:
                return _gunzip(handle, max_bytes)
            if item.label.lower().endswith(".gz"):
                raise InputError("corrupt gzip file: it does not start with the gzip signature")
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)")
            data = handle.read(max_bytes + 1)
    except IsADirectoryError as exc:
        raise InputError("is a directory") from exc
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
    if len(data) > max_bytes:  # a file that grew, or a device
        raise InputError(f"input is over the {max_bytes:,}-byte limit (--max-bytes)")
    return data


def _gunzip(handle: BinaryIO, max_bytes: int) -> bytes:
    """Decompress at most max_bytes + 1 bytes, so a gzip bomb costs no more memory than a large page."""
    try:
        with gzip.GzipFile(fileobj=handle) as unzipped:
            data = unzipped.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"corrupt gzip file: {exc}") from exc
    if len(data) > max_bytes:
        raise InputError(f"decompresses to more than the {max_bytes:,}-byte limit (--max-bytes)")
    return data


def _gunzip_bytes(data: bytes, max_bytes: int) -> bytes:
    return _gunzip(io.BytesIO(data), max_bytes)
