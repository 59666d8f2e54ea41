"""`make demo`: the main job on bundled sample data.

It cleans the saved Indonesian news pages of tests/fixtures/id-news into output/ and prints one row per page
(`clean_demo()`), then serves the bundled local news site (tests/localsite) on 127.0.0.1, crawls it into
output/demo.sqlite and prints one row per stored article (`crawl_demo()`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsclean.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "id-news"
OUTPUT = ROOT / "output"


def clean_demo(samples: Path = SAMPLES, output: Path = OUTPUT) -> int:
    """Clean every saved page in `samples` into `output`/clean.jsonl and print a table of the records."""
    target = output / "clean.jsonl"
    print(f"== newsclean clean {_shown(samples)}/*.html -o {_shown(target)}")
    code = main(["clean", str(samples / "*.html"), "-o", str(target)])
    if code == 2 or not target.exists():
        return code
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    print(_table(records))
    print(f"records: {_shown(target)}")
    return code


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def _table(records: list[dict[str, object]]) -> str:
    rows = [("page", "status", "outlet", "words", "title")]
    for record in records:
        rows.append(
            (
                Path(str(record["path"])).name[:40],
                str(record["status"]),
                str(record.get("outlet") or "-"),
                str(record.get("word_count", 0)),
                str(record.get("title") or record.get("error") or "")[:60],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(3)] + [row[3].rjust(widths[3]), row[4]]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def crawl_demo(output: Path = OUTPUT) -> int:
    """Crawl the bundled local news site from scratch into `output`/demo.sqlite and print what was stored."""
    sys.path.insert(0, str(ROOT / "tests"))
    from localsite import LocalNewsSite

    from scraper.storage import ArticleStore

    db = output / "demo.sqlite"
    for stale in output.glob("demo.sqlite*"):
        stale.unlink()
    # A local site: no need to wait between requests; the 3 MB page shows the size limit at work.
    fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_MAXSIZE=1000000"]
    with LocalNewsSite() as site:
        print(f"\n== newsclean crawl {site.url('/')} --db {_shown(db)}  (the bundled local news site)")
        code = main(["crawl", site.url("/"), "--db", str(db), *fast])
    if not db.exists():
        return code
    with ArticleStore(db) as store:
        records = list(store.records())
    rows = [("status", "pages", "words", "title")]
    rows += [
        (str(r["status"]), str(len(r["pages"])), str(r["word_count"]), str(r["title"] or r["url"])[:70])
        for r in records
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}")
    print(f"database: {_shown(db)}; export with: newsclean export --db {_shown(db)} --format jsonl")
    print("run the same crawl again and every stored article is skipped without a request")
    return code


if __name__ == "__main__":
    sys.exit(max(clean_demo(), crawl_demo()))
