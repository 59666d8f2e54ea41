"""A crawl with pathological pages among 1,000 normal articles finishes, and what the pathological pages cost.

Serves tests/hostilesite.py (normal articles: real Indonesian bodies in real-world boilerplate; pathological:
10^6 `<p>` and 50,000 "Baca juga" links, which the cleaner's pre-check turns away once parsed, and 9,000
links, under the pre-check and seconds to clean) on 127.0.0.1 and crawls its feed with the real
`newsclean crawl` (the feed spider, as a user would), in the same run: without the pathological pages,
then with them, each round alternating; `--no-precheck` lifts the cleaner's element and link limits, to
see what the pool's time and memory limits alone do. Prints the outcome of every pathological page, the
wall-clock time of both crawls and the extra time the pathological pages cost. Figures, not a test:

    .venv/bin/python benchmarks/pathological_crawl.py [--articles 1000] [--timeout 10] [--no-precheck]
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostilesite import PARAGRAPHS_PATH, PROMOS_PATH, SLOW_PATH, HostileSite  # noqa: E402


def crawl(
    site: HostileSite, db: Path, timeout: float, workers: int, spider: str, precheck: bool
) -> tuple[float, str]:
    """(wall-clock seconds, stdout) of one `newsclean crawl` of the site's feed."""
    settings: dict[str, object] = {
        "CLEANER_TIMEOUT": timeout,
        "CLEANER_WORKERS": workers,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "DOWNLOAD_MAXSIZE": 20_000_000,
    }
    if not precheck:
        settings["CLEANER_OPTIONS"] = '{"max_elements": 1000000000, "max_links": 1000000000}'
    if spider == "stub":
        args = ["crawl", "spider:stubfeed", "-a", f"url={site.base_url}", "-s", "SPIDER_MODULES=stubspiders"]
    else:
        args = ["crawl", f"{site.base_url}/rss"]
    args = [sys.executable, "-m", "newsclean", *args, "--db", str(db)]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    env = {"PYTHONPATH": str(ROOT / "tests"), "PATH": "/usr/bin:/bin"}
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT, env=env)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"crawl failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def outcomes(db: Path, urls: set[str]) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT url, status, error FROM articles").fetchall()
    return {url: (status, error) for url, status, error in rows if url in urls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="normal articles behind the feed")
    parser.add_argument("--timeout", type=float, default=10.0, help="CLEANER_TIMEOUT, seconds a page")
    parser.add_argument("--workers", type=int, default=2, help="CLEANER_WORKERS")
    parser.add_argument("--rounds", type=int, default=1, help="pairs of crawls (without, with)")
    parser.add_argument("--no-precheck", action="store_true", help="lift max_elements and max_links")
    parser.add_argument(
        "--spider", choices=("feed", "stub"), default="feed", help="the real feed spider, or tests' stub"
    )
    args = parser.parse_args()

    pathological = (PARAGRAPHS_PATH, PROMOS_PATH, SLOW_PATH)
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(args.rounds):
            for with_bad in (False, True):
                bad = pathological if with_bad else ()
                with HostileSite(normal=args.articles, pathological=bad, slow_promos=9_000) as site:
                    db = Path(tmp) / f"r{round_no}-{int(with_bad)}.sqlite"
                    seconds, out = crawl(
                        site, db, args.timeout, args.workers, args.spider, not args.no_precheck
                    )
                    stored = re.search(r"^\s+stored\s+(\d+)$", out, re.MULTILINE)
                    label = "with the pathological pages" if with_bad else "normal pages only        "
                    count = stored.group(1) if stored else "?"
                    print(f"round {round_no + 1}, {label}: {count} stored, {seconds:.1f} s")
                    times[with_bad].append(seconds)
                    if with_bad:
                        for url, (status, error) in sorted(outcomes(db, site.pathological_urls).items()):
                            print(f"    {url.removeprefix(site.base_url)}: {status} ({error})")
                        missing = site.pathological_urls - set(outcomes(db, site.pathological_urls))
                        for url in sorted(missing):
                            print(
                                f"    {url.removeprefix(site.base_url)}: not stored (refused by the spider?)"
                            )
    without, with_bad = min(times[False]), min(times[True])
    print(f"\n{args.articles} normal articles + {len(pathological)} pathological, ", end="")
    print(f"{args.workers} cleaning workers,")
    precheck = "lifted" if args.no_precheck else "on"
    print(f"CLEANER_TIMEOUT {args.timeout:g} s, spider {args.spider}, the cleaner's pre-check {precheck}")
    print(f"crawl without them: {without:7.1f} s")
    extra = with_bad - without
    print(
        f"crawl with them:    {with_bad:7.1f} s  (+{extra:.1f} s; a page may cost at most {args.timeout:g} s",
        end="",
    )
    print(" of one worker)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
