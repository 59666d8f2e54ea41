"""`make demo`: the main job on bundled sample data (grows with the crawl demo).

For now it cleans the saved Indonesian news pages of tests/fixtures/id-news into output/ and prints one row
per page; `clean_demo()` is the step a larger demo calls.
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


if __name__ == "__main__":
    sys.exit(clean_demo())
