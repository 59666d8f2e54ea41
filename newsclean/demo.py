"""`make demo`: the main job on bundled sample data (grows with the crawl demo)."""

from __future__ import annotations

import sys
from pathlib import Path

from newsclean.cli import main

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    sys.exit(
        main(
            ["clean", str(ROOT / "tests" / "fixtures" / "id-news"), "-o", str(ROOT / "output" / "demo.jsonl")]
        )
    )
