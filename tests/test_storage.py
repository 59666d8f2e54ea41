"""The article database: one row per URL, upserts, lookups that make crawls incremental, raw HTML kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scraper.storage import EXPORT_FIELDS, SCHEMA_VERSION, ArticleStore, StorageError

PAGE = b"<html><body>" + b"<p>Isi berita yang panjang dan berulang.</p>" * 200 + b"</body></html>"


def _record(url: str, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "url": url,
        "fetched_at": "2026-11-20T10:00:00Z",
        "pages": [url],
        "status": "ok",
        "text": "Isi berita.",
        "authors": ["Ani"],
        "word_count": 2,
        "removed": [{"rule": "generic:baca-juga", "text": "Baca juga: lainnya"}],
    }
    record.update(fields)
    return record


@pytest.fixture
def store(tmp_path: Path) -> ArticleStore:
    with ArticleStore(tmp_path / "db" / "news.sqlite") as opened:
        yield opened


def test_save_is_an_upsert_keyed_by_url(store: ArticleStore) -> None:
    assert store.save(_record("https://a.test/1"), [PAGE]) is True
    assert store.save(_record("https://a.test/1", text="Isi baru.", status="ok"), [PAGE]) is False
    assert len(store) == 1
    assert store.record("https://a.test/1")["text"] == "Isi baru."


def test_records_round_trip_lists_and_removed_blocks(store: ArticleStore) -> None:
    store.save(_record("https://a.test/1", canonical_url="https://a.test/kanonik"), [PAGE])
    (record,) = list(store.records())
    assert list(record) == list(EXPORT_FIELDS)
    assert record["authors"] == ["Ani"]
    assert record["removed"] == [{"rule": "generic:baca-juga", "text": "Baca juga: lainnya"}]
    assert record["pages"] == ["https://a.test/1"]
    assert record["canonical_url"] == "https://a.test/kanonik"
    assert record["fetched_at"] == "2026-11-20T10:00:00Z"


def test_raw_pages_are_compressed_and_restored_in_order(store: ArticleStore, tmp_path: Path) -> None:
    pages = ["https://a.test/multi", "https://a.test/multi?page=2", "https://a.test/multi?page=3"]
    bodies = [PAGE, PAGE + b"<!-- 2 -->", PAGE + b"<!-- 3 -->"]
    store.save(_record(pages[0], pages=pages), bodies, encodings=["utf-8", None, "latin-1"])
    raw = store.raw_pages(pages[0])
    assert raw.pages == pages and raw.bodies == bodies and raw.encodings == ["utf-8", None, "latin-1"]
    blob_sizes = [row[0] for row in sqlite3.connect(store.path).execute("SELECT length(body) FROM raw_pages")]
    assert len(blob_sizes) == 3 and max(blob_sizes) < len(PAGE) / 10


def test_find_matches_redirect_source_canonical_and_aliases(store: ArticleStore) -> None:
    store.save(
        _record("https://a.test/final", canonical_url="https://a.test/canon"),
        [PAGE],
        requested_url="https://a.test/old",
    )
    store.add_aliases("https://a.test/final", ["https://a.test/also", None])
    for url in ("https://a.test/final", "https://a.test/old", "https://a.test/canon", "https://a.test/also"):
        assert store.find(url) == ("https://a.test/final", "2026-11-20T10:00:00Z"), url
    assert store.find("https://a.test/other") is None
    assert "https://a.test/other" not in store


def test_first_requested_url_is_kept_on_update(store: ArticleStore) -> None:
    store.save(_record("https://a.test/final"), [PAGE], requested_url="https://a.test/first")
    store.save(_record("https://a.test/final"), [PAGE], requested_url="https://a.test/final")
    assert store.find("https://a.test/first") is not None


def test_update_result_rewrites_cleaning_fields_only(store: ArticleStore) -> None:
    store.save(_record("https://a.test/1", status="raw", text=""), [PAGE], requested_url="https://a.test/r")
    store.update_result(
        "https://a.test/1", {"status": "ok", "text": "Bersih.", "tags": ["x"], "word_count": 1}
    )
    record = store.record("https://a.test/1")
    assert (record["status"], record["text"], record["tags"]) == ("ok", "Bersih.", ["x"])
    assert record["fetched_at"] == "2026-11-20T10:00:00Z"
    assert store.find("https://a.test/r") is not None
    assert store.status_counts() == {"ok": 1}


def test_pages_and_bodies_must_match(store: ArticleStore) -> None:
    with pytest.raises(ValueError, match="2 bodies for 1 pages"):
        store.save(_record("https://a.test/1"), [PAGE, PAGE])
    assert len(store) == 0


def test_failed_save_leaves_nothing_half_written(store: ArticleStore) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.save(_record("https://a.test/1", fetched_at=None), [PAGE])
    assert len(store) == 0
    assert sqlite3.connect(store.path).execute("SELECT count(*) FROM raw_pages").fetchone()[0] == 0


def test_wal_mode_and_schema_version(store: ArticleStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite"
    with ArticleStore(path) as first:
        first.save(_record("https://a.test/1"), [PAGE])
    with ArticleStore(path) as second:
        assert second.urls() == ["https://a.test/1"]
    assert sqlite3.connect(path).execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite"
    ArticleStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StorageError, match="newer"):
        ArticleStore(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="cannot use"):
        ArticleStore(path)


def test_status_filter_selects_rows(store: ArticleStore) -> None:
    store.save(_record("https://a.test/ok"), [PAGE])
    store.save(_record("https://a.test/raw", status="raw", text=""), [PAGE])
    assert store.urls(["raw"]) == ["https://a.test/raw"]
    assert [r["url"] for r in store.records(["ok"])] == ["https://a.test/ok"]
    assert store.urls() == ["https://a.test/ok", "https://a.test/raw"]


def test_a_schema_1_database_is_upgraded_in_place(tmp_path: Path) -> None:
    """Version 2 added `body_source` and `checks`; a database written by the first release keeps its rows."""
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        """CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
        CREATE TABLE articles (url TEXT PRIMARY KEY, requested_url TEXT, canonical_url TEXT,
        fetched_at TEXT NOT NULL, updated_at TEXT NOT NULL, source TEXT, published_hint TEXT, title_hint TEXT,
        pages TEXT NOT NULL, status TEXT NOT NULL, error TEXT, title TEXT, text TEXT NOT NULL DEFAULT '',
        authors TEXT NOT NULL DEFAULT '[]',
        editor TEXT, date_published TEXT, date_modified TEXT, description TEXT, section TEXT,
        tags TEXT NOT NULL DEFAULT '[]', language TEXT, site_name TEXT, image TEXT, dateline TEXT,
        word_count INTEGER NOT NULL DEFAULT 0, outlet TEXT, removed TEXT NOT NULL DEFAULT '[]');
        INSERT INTO articles (url, fetched_at, updated_at, pages, status, text)
        VALUES ('https://a.example/1', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', '["https://a.example/1"]',
        'ok', 'teks lama');"""
    )
    db.commit()
    db.close()
    with ArticleStore(path) as store:
        rows = list(store.records())
        assert [(r["url"], r["text"], r["body_source"], r["checks"]) for r in rows] == [
            ("https://a.example/1", "teks lama", None, [])
        ]
    assert sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchall() == [
        (SCHEMA_VERSION,)
    ]
