"""A re-run over a sitemap whose articles are already stored: how long to skip them and fetch the new ones?

Stores N articles (default 20,000) in a fresh database, serves a sitemap listing them plus 10 new ones on
127.0.0.1, runs `newsclean crawl SITEMAP` (cleaning off, no delay) and prints the wall time and the requests
the server saw (robots.txt, the sitemap, the 10 new articles). Figures, not a test:

    .venv/bin/python benchmarks/incremental_rerun.py [--stored 20000] [--code DIR]

`--code DIR` runs the crawl from another checkout (e.g. an exported older commit), same server, same run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from localsite import BY_KEY, pages  # noqa: E402
from localsite.hosts import Route, StaticHost  # noqa: E402

from scraper.storage import ArticleStore  # noqa: E402


def run(code: Path, stored: int) -> None:
    with StaticHost() as host, tempfile.TemporaryDirectory() as tmp:
        base = host.base_url
        old = [f"/read/2026/11/20/{n}/berita-lama-nomor-{n}" for n in range(stored)]
        new = [f"/read/2026/11/21/{n}/berita-baru-nomor-{n}" for n in range(10)]
        rows = "".join(f"<url><loc>{base}{path}</loc></url>" for path in old + new)
        host.routes["/sitemap.xml"] = Route(200, f"<urlset>{rows}</urlset>", "application/xml")
        host.routes.update(dict.fromkeys(old + new, Route(200, pages.article_page(BY_KEY["menhub"], base))))
        db = Path(tmp) / "news.sqlite"
        with ArticleStore(db) as store:
            for path in old:
                record = {"url": base + path, "fetched_at": "2026-11-20T00:00:00Z", "status": "ok"}
                store.save(record, [b"x"], requested_url=base + path)
        cmd = [sys.executable, "-c", "import sys; from newsclean.cli import main; sys.exit(main())"]
        cmd += ["-q", "crawl", base + "/sitemap.xml", "--db", str(db)]
        for setting in ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CLEANER_ENABLED=False"):
            cmd += ["-s", setting]
        env = {**os.environ, "PYTHONPATH": str(code), "PYTHONWARNINGS": "ignore"}
        started = time.monotonic()
        subprocess.run(cmd, cwd=tmp, env=env, check=True, capture_output=True, timeout=900)
        elapsed = time.monotonic() - started
        print(f"{code}: {stored} stored + 10 new listed: {elapsed:.1f} s, {len(host.requests)} requests")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stored", type=int, default=20_000)
    parser.add_argument("--code", type=Path, action="append", help="checkout to run (repeatable)")
    args = parser.parse_args()
    for code in args.code or [ROOT]:
        run(code.resolve(), args.stored)
    return 0


if __name__ == "__main__":
    sys.exit(main())
