"""Checks for option values shared by the commands: a bad value is a usage error that says what is accepted.

Each function is an argparse `type=`: it returns the parsed value or raises ArgumentTypeError, which argparse
turns into `newsclean CMD: error: argument --x: <message>` and exit status 2, before any work starts.
Nothing heavy is imported here, so `newsclean --help` stays instant.
"""

from __future__ import annotations

import argparse
import codecs
import math
import re

#: Statuses a row of the article database can have: the cleaning statuses plus `raw` (stored with cleaning
#: off). Kept here rather than imported so that building the parser does not import the cleaner.
STORED_STATUSES = ("ok", "not_article", "empty", "error", "raw")


class UsageError(Exception):
    """An option value that argparse could not check alone (it depends on others, or on the file system)."""


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None


def positive_int(value: str) -> int:
    number = _integer(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def non_negative_int(value: str) -> int:
    number = _integer(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {number}")
    return number


def finite_float(value: str) -> float:
    """A float that is a number: 'nan' and 'inf' would silently turn a limit or a threshold off."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"must be a finite number, not {value!r}")
    return number


def seconds(value: str) -> float:
    """A duration in seconds, 0 or more (0 means no limit where the option says so)."""
    number = finite_float(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return number


def size(value: str) -> int:
    """Bytes from '20000', '500K', '64M', '1G' (powers of 1024)."""
    match = _SIZE.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (try 500K, 64M)")
    number, unit = float(match.group(1)), match.group(2).lower()
    result = int(number * 1024 ** " kmg".index(unit or " "))
    if result < 1:
        raise argparse.ArgumentTypeError("must be at least 1 byte")
    return result


def megabytes(value: str) -> int:
    """Whole megabytes of memory from '512M', '2G', '1536' (a bare number is megabytes); '0': no limit."""
    if value.strip() == "0":
        return 0
    match = _SIZE.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (try 512M, 2G)")
    number, unit = float(match.group(1)), (match.group(2) or "m").lower()
    result = int(number * 1024 ** " kmg".index(unit) / 1024**2)
    if result < 64:
        raise argparse.ArgumentTypeError(f"{value} is too small for a worker process (at least 64M, or 0)")
    return result


def text_encoding(value: str) -> str:
    """A charset Python can decode bytes with (`codecs.lookup`), as the cleaner will look it up."""
    try:
        info = codecs.lookup(value.strip().lower())
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {value!r} (e.g. utf-8, windows-1252, iso-8859-1)"
        ) from None
    if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13: codecs, not charsets
        raise argparse.ArgumentTypeError(f"{value!r} is a codec, not a text encoding")
    return value
