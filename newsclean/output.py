"""Where the commands' output goes (stdout or an -o file), written so a failure never leaves half a record.

Each record is written as one complete UTF-8 byte string straight to the file descriptor, with no buffer left
to flush later, so everything written before a failure is in the file. When a write fails part-way (disk full,
a file size limit) or is interrupted (Ctrl-C), a regular file is cut back to the end of the last complete
record. Reports that are written once (`eval`, `bench`) go to a temporary file renamed over the target, so a
failed write leaves the previous report in place.
"""

from __future__ import annotations

import contextlib
import os
import select
import stat
import sys
from typing import BinaryIO


class OutputError(Exception):
    """The output cannot be opened or written; the message names it and says why."""


class ReaderGone(Exception):
    """The reader of stdout closed it (`newsclean ... | head`): nobody is left to write for."""


def describe_write_error(name: str, exc: OSError) -> str:
    """`cannot write 'x/y': 'x' is not a directory` rather than the bare `File exists` of makedirs."""
    blocker = _non_directory_parent(name)
    if blocker is not None:
        return f"cannot write {name!r}: {blocker!r} is not a directory"
    return f"cannot write {name!r}: {exc.strerror or exc}"


def _non_directory_parent(path: str) -> str | None:
    """The nearest existing ancestor of `path` when it is not a directory (a regular file, a device…)."""
    parent, previous = os.path.dirname(path), path
    while parent and parent != previous:
        if os.path.lexists(parent):
            return None if os.path.isdir(parent) else parent
        parent, previous = os.path.dirname(parent), parent
    return None


def prepare_output_path(path: str) -> None:
    """Create the missing parent directories of an output file; OutputError when it cannot be a file."""
    if os.path.isdir(path):
        raise OutputError(f"cannot write {path!r}: it is a directory")
    parent = os.path.dirname(path)
    if parent:
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as exc:
            raise OutputError(describe_write_error(path, exc)) from exc


def temporary_sibling(path: str) -> str:
    """A hidden name beside `path`, for writing a file whole before renaming it into place."""
    directory, name = os.path.split(path)
    return os.path.join(directory, f".{name}.{os.getpid()}.part")


class Sink:
    """One output, written in whole records: a file opened here, or stdout (UTF-8 whatever the locale)."""

    def __init__(self, name: str, *, fd: int | None = None, stream: BinaryIO | None = None) -> None:
        self.name = name
        self._fd = fd
        self._stream = stream
        self._owned = False
        #: Offset where our output started, when a failed record can be cut off again (a regular file).
        self._start: int | None = None
        self._written = 0
        if fd is not None:
            self._start = _rewind_point(fd)

    @classmethod
    def open(cls, path: str | None) -> Sink:
        """stdout for None or '-', else the file `path` (created, with its directories, or truncated)."""
        if not path or path == "-":
            return cls.stdout()
        prepare_output_path(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise OutputError(describe_write_error(path, exc)) from exc
        sink = cls(path, fd=fd)
        sink._owned = True
        return sink

    @classmethod
    def stdout(cls) -> Sink:
        stream = sys.stdout
        if stream is None:  # started with stdout closed (`>&-`)
            raise OutputError("stdout is closed: give an output file with -o")
        with contextlib.suppress(OSError, ValueError):
            stream.flush()  # anything printed before goes first
        try:
            return cls("stdout", fd=stream.fileno())
        except (OSError, ValueError, AttributeError):  # a stream without a descriptor (a test's capture)
            return cls("stdout", stream=getattr(stream, "buffer", None))

    @property
    def label(self) -> str:
        return self.name if self.name == "stdout" else repr(self.name)

    def write(self, text: str) -> None:
        """Write one whole record; on failure nothing of it stays in a regular file."""
        # a lone surrogate (an undecodable file name) must cost a few characters, not the run
        data = text.encode("utf-8", "backslashreplace")
        try:
            self._write_all(data)
        except BaseException as exc:
            self._cut_back()
            if isinstance(exc, BrokenPipeError):
                raise ReaderGone from exc
            if isinstance(exc, OSError):
                raise OutputError(f"cannot write {self.label}: {exc.strerror or exc}") from exc
            raise
        self._written += len(data)

    def close(self) -> None:
        if self._owned and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError as exc:  # NFS and friends report a failed write only now
                raise OutputError(f"cannot write {self.label}: {exc.strerror or exc}") from exc

    def _write_all(self, data: bytes) -> None:
        if self._fd is None:
            stream = self._stream
            if stream is None:  # a text-only stdout stand-in
                sys.stdout.write(data.decode("utf-8"))
                sys.stdout.flush()
                return
            stream.write(data)
            stream.flush()
            return
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._fd, view)
            except BlockingIOError:  # an inherited non-blocking stdout: wait until it takes more
                select.select([], [self._fd], [])
                continue
            view = view[written:]

    def _cut_back(self) -> None:
        if self._start is None or self._fd is None:
            return
        end = self._start + self._written
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, end)
            os.lseek(self._fd, end, os.SEEK_SET)


def _rewind_point(fd: int) -> int | None:
    """Where writing starts on `fd` when it is a regular file we may cut back (not opened for appending)."""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        import fcntl

        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND:  # shared with other writers: never cut
            return None
        return os.lseek(fd, 0, os.SEEK_CUR)
    except (OSError, ImportError):
        return None


def write_report(path: str | None, text: str) -> None:
    """A whole report to stdout or to `path`; a file is replaced only once the new one is complete."""
    if not path or path == "-":
        Sink.stdout().write(text)
        return
    prepare_output_path(path)
    if os.path.exists(path) and not os.path.isfile(path):  # a device or a pipe: write to it directly
        sink = Sink.open(path)
        try:
            sink.write(text)
        finally:
            sink.close()
        return
    partial = temporary_sibling(path)
    try:
        sink = Sink.open(partial)
    except OutputError as exc:
        raise OutputError(str(exc).replace(repr(partial), repr(path))) from exc
    sink.name = path  # messages name the file the user asked for
    try:
        sink.write(text)
        sink.close()
        os.replace(partial, path)
    except OSError as exc:
        raise OutputError(describe_write_error(path, exc)) from exc
    finally:
        with contextlib.suppress(OutputError):
            sink.close()
        _remove(partial)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def silence_stdout() -> None:
    """Point fd 1 at /dev/null once its reader is gone, so the interpreter's last flush cannot fail."""
    try:
        fd = sys.stdout.fileno() if sys.stdout is not None else 1
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
