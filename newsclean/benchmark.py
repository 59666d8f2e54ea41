"""Speed measurements behind `newsclean bench`: in-process extraction timing and `clean --workers` scaling.

Systems are timed alternately page by page (the order flips every page and every round), so drift in CPU
frequency, caches or background load hits all of them alike. Figures only: nothing here asserts a speed.
"""

from __future__ import annotations

import gc
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaners.evaluation import page_name, read_manifest_urls, read_page

from .extractors import Extractor

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Page:
    path: Path
    html: bytes
    url: str | None


def collect_pages(directory: Path, limit: int | None = None) -> list[Page]:
    """The saved pages of `directory` (not recursive), with their manifest URL when there is one."""
    urls = read_manifest_urls(directory)
    pages = []
    for path in sorted(directory.iterdir()):
        name = page_name(path)
        if name is None or not path.is_file():
            continue
        try:
            pages.append(Page(path, read_page(path), urls.get(name)))
        except (OSError, EOFError, ValueError) as exc:
            logger.warning("skipping %s: %s", path, exc)
        if limit and len(pages) >= limit:
            break
    return pages


def time_alternating(
    pages: Sequence[Page], systems: Mapping[str, Extractor], rounds: int
) -> dict[str, list[float]]:
    """Seconds each system spent on the whole page set, per round (after one untimed warm-up pass)."""
    names = list(systems)
    for page in pages:  # warm-up: imports, rule loading, lxml and regex caches
        for name in names:
            systems[name](page.html, page.url)
    seconds = {name: [0.0] * rounds for name in names}
    for round_no in range(rounds):
        gc.collect()
        for index, page in enumerate(pages):
            shift = (index + round_no) % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                systems[name](page.html, page.url)
                seconds[name][round_no] += time.perf_counter() - start
    return seconds


def speed_summary(seconds: Sequence[float], pages: int) -> dict[str, float]:
    """ms/page and pages/s of one system: median and mean over rounds."""
    ms = [s * 1000 / pages for s in seconds]
    rates = [pages / s for s in seconds]
    return {
        "ms_per_page_median": round(statistics.median(ms), 3),
        "ms_per_page_mean": round(statistics.fmean(ms), 3),
        "pages_per_s_median": round(statistics.median(rates), 2),
        "pages_per_s_mean": round(statistics.fmean(rates), 2),
    }


def extraction_benchmark(
    pages: Sequence[Page], systems: Mapping[str, Extractor], rounds: int
) -> dict[str, Any]:
    """Per-system speed plus the ratio of the first system (ours) to the second (bare trafilatura)."""
    seconds = time_alternating(pages, systems, rounds)
    summary = {name: speed_summary(values, len(pages)) for name, values in seconds.items()}
    ours, bare = list(systems)[:2]
    return {
        "pages": len(pages),
        "rounds": rounds,
        "systems": summary,
        "ratio": {
            "of": f"{ours}/{bare}",
            "ms_per_page_median": round(
                summary[ours]["ms_per_page_median"] / summary[bare]["ms_per_page_median"], 3
            ),
            "ms_per_page_mean": round(
                summary[ours]["ms_per_page_mean"] / summary[bare]["ms_per_page_mean"], 3
            ),
        },
    }


def clean_command_available() -> bool:
    """True when `newsclean clean` exists in this install (it is imported lazily, like the CLI does)."""
    import importlib.util

    return importlib.util.find_spec("newsclean.commands.clean") is not None


def workers_benchmark(
    pages: Sequence[Page], workers: Sequence[int], repeat: int, rounds: int
) -> dict[str, Any]:
    """Wall-clock throughput of the real `newsclean clean --workers N`, each N run alternately `rounds` times.

    The page set is copied `repeat` times into a temporary directory so process-pool start-up is amortised.
    """
    with tempfile.TemporaryDirectory(prefix="newsclean-bench-") as tmp:
        root = Path(tmp)
        inputs = root / "pages"
        for copy in range(repeat):
            target = inputs / f"copy{copy:03d}"
            target.mkdir(parents=True)
            for page in pages:
                shutil.copyfile(page.path, target / page.path.name)
        total = len(pages) * repeat
        seconds: dict[int, list[float]] = {n: [] for n in workers}
        for round_no in range(rounds):
            order = list(workers) if round_no % 2 == 0 else list(reversed(workers))
            for n in order:
                seconds[n].append(_time_clean(inputs, n, root / f"out-{n}.jsonl", total))
    figures = {
        str(n): {
            "seconds_median": round(statistics.median(values), 3),
            "pages_per_s_median": round(total / statistics.median(values), 2),
        }
        for n, values in seconds.items()
    }
    low, high = str(min(workers)), str(max(workers))
    scaling = figures[high]["pages_per_s_median"] / figures[low]["pages_per_s_median"]
    return {
        "pages": total,
        "repeat": repeat,
        "rounds": rounds,
        "workers": figures,
        "scaling": {"of": f"{high}/{low}", "throughput_ratio": round(scaling, 3)},
    }


def _time_clean(inputs: Path, workers: int, output: Path, expected: int) -> float:
    command = [sys.executable, "-m", "newsclean", "-q", "clean", str(inputs), "--workers", str(workers)]
    command += ["-o", str(output)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    with output.open(encoding="utf-8") as handle:
        records = sum(1 for line in handle if line.strip())
    if records != expected:
        raise RuntimeError(f"newsclean clean wrote {records} records for {expected} inputs")
    return elapsed
