"""The cleaning bounds as command-line options, `--timeout` and `--memory-limit`, for `clean` and `reclean`.

Both are enforced by the cleaning pool (`newsclean.pool`): an input over either becomes an error record
with the reason, its worker process is replaced, and the run goes on.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .options import megabytes, seconds

if TYPE_CHECKING:  # the pool is imported when a command runs, not when `--help` builds the parser
    from .pool import Limits

#: Defaults, also those of the crawl's CLEANER_TIMEOUT and CLEANER_MEMORY_MB settings.
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 1024


def add_limit_arguments(parser: argparse.ArgumentParser, *, from_settings: bool = False) -> None:
    """Add --timeout and --memory-limit; `from_settings`: None by default, for the caller to take the
    crawl's CLEANER_TIMEOUT and CLEANER_MEMORY_MB settings instead."""
    timeout_default = f"{DEFAULT_TIMEOUT:g}"
    memory_default = f"{DEFAULT_MEMORY_MB}M"
    if from_settings:
        timeout_default = f"the CLEANER_TIMEOUT setting, {timeout_default}"
        memory_default = f"the CLEANER_MEMORY_MB setting, {memory_default}"
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=None if from_settings else DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="give up on an input after this many seconds (an article: that many per page); its worker "
        f"process is killed and replaced (0: never; default: {timeout_default})",
    )
    parser.add_argument(
        "--memory-limit",
        type=megabytes,
        default=None if from_settings else DEFAULT_MEMORY_MB,
        metavar="SIZE",
        help="give up on an input whose worker process goes over this much memory (e.g. 512M, 2G; "
        f"0: no limit; default: {memory_default})",
    )


def limits(
    timeout: float,
    memory_mb: int,
    *,
    timeout_name: str = "--timeout",
    memory_name: str = "--memory-limit",
) -> Limits:
    """The pool's limits, naming where each was set in its messages ("gave up after 60 s (--timeout)")."""
    from .pool import Limits

    return Limits(timeout, memory_mb, timeout_name=timeout_name, memory_name=memory_name)
