"""Running `newsclean crawl` in a subprocess against the local site (a reactor cannot restart in-process)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent
#: Fast and deterministic against 127.0.0.1; the 3 MB page is over the size limit.
FAST = (
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "DOWNLOAD_MAXSIZE=1000000",
    "-s",
    "CLEANER_WORKERS=2",
)
#: The contract-following stub spider in tests/stubspiders.py (RSS + Atom of the local site).
STUB = ("-s", "SPIDER_MODULES=stubspiders")


def env() -> dict[str, str]:
    paths = [str(TESTS), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONWARNINGS": "ignore"}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsclean", *args]


def newsclean(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout, check=False
    )


def stub_crawl(base_url: str, db: Path, *extra: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return newsclean(
        "crawl", "spider:stubfeed", "-a", f"url={base_url}", "--db", str(db), *STUB, *FAST, *extra, cwd=cwd
    )


def rows_per_url(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as connection:
        return Counter(url for (url,) in connection.execute("SELECT url FROM articles"))


def urls(base_url: str, paths: frozenset[str] | set[str]) -> set[str]:
    return {base_url + path for path in paths}


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children of any of its threads, their children...), from /proc."""
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(child) for child in children.read_text().split()]
            except OSError:  # the thread or process just ended
                continue
            found.extend(kids)
            stack.extend(kids)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped is dead: the container's init may never reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def summary_count(output: str, label: str) -> int:
    """A figure of the crawl's closing summary (`  stored     12`)."""
    match = re.search(rf"^\s+{re.escape(label)}\s+(\d+)$", output, re.MULTILINE)
    assert match, f"no {label!r} line in:\n{output}"
    return int(match.group(1))


def worker_pids(pid: int) -> list[int]:
    """The cleaning worker processes below `pid` (named newsclean-clean by newsclean.pool)."""
    named = []
    for child in descendants(pid):
        try:
            if Path(f"/proc/{child}/comm").read_text().strip() == "newsclean-clean":
                named.append(child)
        except OSError:
            continue
    return named
