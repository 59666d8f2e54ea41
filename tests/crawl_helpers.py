"""Running crawls in a subprocess against local sites (a reactor cannot restart in-process): `newsclean crawl`
as a user would, or one spider alone through tests/localsite/runner.py (`crawl`: items and stats as JSON)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
#: DOWNLOAD_MAXSIZE of spider crawls: below the local site's 3 MB page.
MAXSIZE = 1024 * 1024
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


@dataclass
class Crawl:
    """What one spider crawl yielded (RawArticle fields as JSON), its stats and its log."""

    items: list[dict]
    stats: dict
    log: str

    @property
    def paths(self) -> list[str]:
        return [url_path(item["url"]) for item in self.items]

    def item(self, path: str) -> dict:
        (found,) = [i for i in self.items if url_path(i["url"]) == path]
        return found


def url_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(tmp_path: Path, spider: str, *args: str, settings: tuple[str, ...] = ()) -> Crawl:
    """One spider crawl (no article database, no cleaning) with `-a` args and `-s` settings."""
    out = tmp_path / f"{spider}-{len(list(tmp_path.iterdir()))}"
    cmd = [sys.executable, "-m", "tests.localsite.runner", str(out), spider]
    for arg in args:
        cmd += ["-a", arg]
    for setting in (f"DOWNLOAD_MAXSIZE={MAXSIZE}", *settings):
        cmd += ["-s", setting]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    items = [json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    return Crawl(items, stats, proc.stderr)
