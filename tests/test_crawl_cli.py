"""`newsclean crawl`, `export` and `reclean` end to end: real crawls in subprocesses against the local site.

Most use the contract-following stub spider (tests/stubspiders.py: RSS + Atom of the local site) so that
they pin the storage/pipeline/CLI half on its own: exact stored set, clean bodies, one row per article, no
re-fetches on the second run, exports and offline re-cleaning. The last ones crawl the site root through
`spiders.targets.resolve`, as a user would.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from crawl_helpers import FAST, newsclean, rows_per_url, stub_crawl, urls
from localsite import (
    BY_KEY,
    CONTINUATION_PATHS,
    DISALLOWED_PATHS,
    EXPECTED_ARTICLES,
    EXPECTED_FEED_ARTICLES,
    MULTIPAGE,
    REDIRECT_PATH,
    REDIRECT_TARGET,
    LocalNewsSite,
)
from localsite.pages import _RAIL_KEYS

from scraper.storage import ArticleStore
from spiders.outlets import crawlable

#: Every path that serves (or redirects to) an article page: none may be requested by a second run.
ARTICLE_PATHS = {a.path for a in BY_KEY.values()} | set(CONTINUATION_PATHS) | {REDIRECT_PATH}


class Crawled:
    def __init__(self, site: LocalNewsSite, db: Path, output: str, requests: list[str]) -> None:
        self.site, self.db, self.output, self.requests = site, db, output, requests


@pytest.fixture(scope="module")
def site() -> Iterator[LocalNewsSite]:
    with LocalNewsSite() as served:
        yield served


@pytest.fixture(scope="module")
def crawled(site: LocalNewsSite, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    work = tmp_path_factory.mktemp("crawl")
    site.clear_log()
    done = stub_crawl(site.base_url, work / "news.sqlite", cwd=work)
    assert done.returncode == 0, done.stderr
    return Crawled(site, work / "news.sqlite", done.stdout, site.requests)


def _summary(output: str, label: str) -> int:
    match = re.search(rf"^\s+{re.escape(label)}\s+(\d+)$", output, re.MULTILINE)
    assert match, f"no {label!r} line in:\n{output}"
    return int(match.group(1))


def _copy_db(db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def test_each_feed_article_is_stored_exactly_once(crawled: Crawled) -> None:
    assert rows_per_url(crawled.db) == dict.fromkeys(urls(crawled.site.base_url, EXPECTED_FEED_ARTICLES), 1)
    assert _summary(crawled.output, "stored") == len(EXPECTED_FEED_ARTICLES)
    assert _summary(crawled.output, "fetch errors") == 0
    bodies = re.search(r"^\s+bodies: (.+)$", crawled.output, re.MULTILINE)
    assert bodies, crawled.output
    counts = [int(part.rsplit(" ", 1)[1]) for part in bodies.group(1).split(", ")]
    assert sum(counts) == len(EXPECTED_FEED_ARTICLES)


@pytest.mark.parametrize("which", ["crawled", "site_crawled"])
def test_stored_bodies_are_clean(which: str, request: pytest.FixtureRequest) -> None:
    crawled: Crawled = request.getfixturevalue(which)
    rail_titles = {BY_KEY[key].title for key in _RAIL_KEYS}
    with ArticleStore(crawled.db) as store:
        records = list(store.records())
    assert {r["status"] for r in records} == {"ok"}
    for record in records:
        text = record["text"]
        assert record["word_count"] > 100, record["url"]
        assert "Baca juga" not in text and "Editor:" not in text, record["url"]
        leaked = {title for title in rail_titles - {record["title"]} if title in text}
        assert not leaked, (record["url"], leaked)


def test_multipage_article_is_one_row_with_every_page_in_order(crawled: Crawled) -> None:
    url = crawled.site.base_url + MULTIPAGE.path
    with ArticleStore(crawled.db) as store:
        record = store.record(url)
        assert [p.removeprefix(crawled.site.base_url) for p in record["pages"]] == [
            MULTIPAGE.path,
            *CONTINUATION_PATHS,
        ]
        assert len(store.raw_pages(url).bodies) == 3
        assert not any("?page=" in stored for stored in store.urls())
    positions = [record["text"].find(part[1][:60]) for part in MULTIPAGE.parts()]
    assert -1 not in positions and positions == sorted(positions)
    assert "(Halaman 2)" not in record["text"]


def test_second_run_requests_no_article_page(crawled: Crawled, tmp_path: Path) -> None:
    site = crawled.site
    db = _copy_db(crawled.db, tmp_path)
    site.clear_log()
    done = stub_crawl(site.base_url, db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    requested = {path.split("#")[0] for path in site.requests}
    assert requested & ARTICLE_PATHS == set(), "stored articles were fetched again"
    assert requested == {"/robots.txt", "/rss", "/atom.xml"}
    assert _summary(done.stdout, "stored") == 0
    assert _summary(done.stdout, "skipped as already stored") >= len(EXPECTED_FEED_ARTICLES)
    assert rows_per_url(db) == rows_per_url(crawled.db)


def test_refetch_after_revisits_and_updates_in_place_and_feeds_still_work(
    crawled: Crawled, tmp_path: Path
) -> None:
    site = crawled.site
    db = _copy_db(crawled.db, tmp_path)
    site.clear_log()
    feed = tmp_path / "feed.jsonl"
    done = stub_crawl(site.base_url, db, "--refetch-after", "0", "-o", str(feed), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {site.base_url + p for p in site.requests} >= urls(site.base_url, EXPECTED_FEED_ARTICLES)
    assert _summary(done.stdout, "updated") == len(EXPECTED_FEED_ARTICLES)
    assert rows_per_url(db) == rows_per_url(crawled.db)
    lines = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert {line["url"] for line in lines} == urls(site.base_url, EXPECTED_FEED_ARTICLES)
    assert all(line["fetched_at"] and line["text"] and "bodies" not in line for line in lines)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_round_trips_every_record(crawled: Crawled, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"articles.{fmt}"
    done = newsclean("export", "--db", str(crawled.db), "--format", fmt, "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with ArticleStore(crawled.db) as store:
        expected = list(store.records())
    if fmt == "jsonl":
        exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    elif fmt == "csv":
        with out.open(encoding="utf-8", newline="") as stream:
            exported = [_from_csv(row) for row in csv.DictReader(stream)]
    else:
        exported = pq.read_table(out).to_pylist()
    assert exported == expected
    assert list(exported[0])[:3] == ["url", "canonical_url", "fetched_at"]


def _from_csv(row: dict[str, str]) -> dict[str, object]:
    parsed: dict[str, object] = {}
    for name, value in row.items():
        if name in ("authors", "tags", "checks", "removed", "pages"):
            parsed[name] = json.loads(value)
        elif name == "word_count":
            parsed[name] = int(value)
        else:
            parsed[name] = value if value != "" else None
    return parsed


def test_export_jsonl_to_stdout_and_usage_errors(crawled: Crawled, tmp_path: Path) -> None:
    done = newsclean("export", "--db", str(crawled.db), "--status", "ok", cwd=tmp_path)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == len(EXPECTED_FEED_ARTICLES)
    assert newsclean("export", "--db", str(crawled.db), "--format", "parquet", cwd=tmp_path).returncode == 2
    missing = newsclean("export", "--db", str(tmp_path / "none.sqlite"), cwd=tmp_path)
    assert missing.returncode == 1 and "no such database" in missing.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_reclean_restores_a_damaged_row_offline(crawled: Crawled, tmp_path: Path) -> None:
    db = _copy_db(crawled.db, tmp_path)
    url = crawled.site.base_url + BY_KEY["menhub"].path
    with ArticleStore(db) as store:
        original = store.record(url)
        store.update_result(url, {**original, "text": "rusak", "status": "error"})
    crawled.site.clear_log()
    done = newsclean("reclean", "--db", str(db), "--workers", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "changed 1 (1 with a new body)" in done.stdout and "error -> ok: 1" in done.stdout
    assert crawled.site.requests == [], "reclean must not download anything"
    with ArticleStore(db) as store:
        assert store.record(url)["text"] == original["text"]
        assert store.record(url)["status"] == "ok"


def test_crawl_with_cleaning_off_stores_raw_and_reclean_cleans_it(crawled: Crawled, tmp_path: Path) -> None:
    db = tmp_path / "raw.sqlite"
    done = stub_crawl(crawled.site.base_url, db, "-s", "CLEANER_ENABLED=False", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with ArticleStore(db) as store:
        assert store.status_counts() == {"raw": len(EXPECTED_FEED_ARTICLES)}
    done = newsclean("reclean", "--db", str(db), cwd=tmp_path)
    assert done.returncode == 0 and f"raw -> ok: {len(EXPECTED_FEED_ARTICLES)}" in done.stdout
    assert "  bodies: " in done.stdout
    with ArticleStore(db) as raw_store, ArticleStore(crawled.db) as clean_store:
        assert {r["url"]: r["text"] for r in raw_store.records()} == {
            r["url"]: r["text"] for r in clean_store.records()
        }


def test_exit_codes(tmp_path: Path) -> None:
    unreachable = stub_crawl("http://127.0.0.1:9", tmp_path / "x.sqlite", "-s", "RETRY_TIMES=0", cwd=tmp_path)
    assert unreachable.returncode == 1 and "nothing could be crawled" in unreachable.stderr
    assert newsclean("crawl", "--since", "kemarin", "spider:stubfeed", cwd=tmp_path).returncode == 2
    assert newsclean("crawl", "-s", "NOVALUE", "spider:stubfeed", cwd=tmp_path).returncode == 2
    assert newsclean("crawl", "--max-articles", "0", "spider:stubfeed", cwd=tmp_path).returncode == 2
    assert not (tmp_path / "output").exists()


def test_an_outlet_that_cannot_be_crawled_is_one_message_naming_it(tmp_path: Path) -> None:
    (tmp_path / "rulesonly.toml").write_text(
        'domains = ["a.id"]\n[body]\nmain = "div.isi"\n', encoding="utf-8"
    )
    offsite = 'domains = ["a.id"]\n[crawl]\nfeeds = ["https://b.id/rss"]\n'
    (tmp_path / "offsite.toml").write_text(offsite, encoding="utf-8")
    done = newsclean("crawl", "rulesonly.toml", "offsite.toml", "nowhere", "missing.toml", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "newsclean crawl: rulesonly.toml: no [crawl] table: say where the outlet announces its articles "
        "(sitemaps, feeds or index_pages)",
        "newsclean crawl: offsite.toml: [crawl] 'feeds' has 'https://b.id/rss', outside the outlet's domains "
        "['a.id']",
        "newsclean crawl: nowhere: unknown outlet 'nowhere': give a URL or one of: "
        + ", ".join(sorted(crawlable())),
        "newsclean crawl: missing.toml: outlet file not found",
    ]
    assert not (tmp_path / "output").exists()


# --- the site root, through spiders.targets.resolve ---


@pytest.fixture(scope="module")
def site_crawled(site: LocalNewsSite, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    work = tmp_path_factory.mktemp("site")
    site.clear_log()
    done = newsclean("crawl", site.url("/"), "--db", str(work / "news.sqlite"), *FAST, cwd=work)
    assert done.returncode == 0, done.stderr
    return Crawled(site, work / "news.sqlite", done.stdout, site.requests)


def test_site_root_crawl_stores_exactly_the_expected_articles(site_crawled: Crawled) -> None:
    with ArticleStore(site_crawled.db) as store:
        stored_ok = {r["url"] for r in store.records(["ok"])}
    assert stored_ok == urls(site_crawled.site.base_url, EXPECTED_ARTICLES)
    assert set(rows_per_url(site_crawled.db).values()) == {1}
    assert not {p.split("?")[0] for p in site_crawled.requests} & DISALLOWED_PATHS, "robots.txt not obeyed"
    assert _summary(site_crawled.output, "stored") >= len(EXPECTED_ARTICLES)


def test_site_root_second_run_fetches_no_stored_article(site_crawled: Crawled, tmp_path: Path) -> None:
    site = site_crawled.site
    db = _copy_db(site_crawled.db, tmp_path)
    stored_paths = {url.removeprefix(site.base_url) for url in rows_per_url(db)}
    site.clear_log()
    done = newsclean("crawl", site.url("/"), "--db", str(db), *FAST, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    refetched = set(site.requests) & (stored_paths | set(CONTINUATION_PATHS) | {REDIRECT_PATH})
    assert refetched == set()
    assert _summary(done.stdout, "stored") == 0
    assert rows_per_url(db) == rows_per_url(site_crawled.db)


def test_targets_on_one_site_run_in_turn_and_fetch_each_article_once(
    site: LocalNewsSite, tmp_path: Path
) -> None:
    site.clear_log()
    db = tmp_path / "news.sqlite"
    done = newsclean(
        "crawl", site.url("/rss"), site.url("/sitemap.xml"), "--db", str(db), *FAST, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert set(rows_per_url(db).values()) == {1}
    assert _summary(done.stdout, "updated") == 0
    retried = BY_KEY["bisnis"].path  # 500 then 200: two requests by design
    fetched_twice = [p for p in ARTICLE_PATHS - {retried} if site.count(p) > 1]
    assert fetched_twice == []


def test_link_crawl_second_run_fetches_no_stored_article(site: LocalNewsSite, tmp_path: Path) -> None:
    """In link mode a stored article reached through a redirecting link (/go/...) is not fetched again."""
    db = tmp_path / "news.sqlite"
    links = ("spider:site", "-a", f"url={site.url('/')}", "-a", "sources=links")
    first = newsclean("crawl", *links, "--db", str(db), *FAST, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    stored_paths = {url.removeprefix(site.base_url) for url in rows_per_url(db)}
    assert REDIRECT_TARGET.path in stored_paths
    site.clear_log()
    second = newsclean("crawl", *links, "--db", str(db), *FAST, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert set(site.requests) & stored_paths == set()
    assert _summary(second.stdout, "stored") == 0
