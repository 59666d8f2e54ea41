"""The article database: SQLite, one row per article, the source of truth of every crawl.

Why SQLite: one file, no server, atomic commits. Each article is committed in its own transaction (WAL
journal), so a crawl killed at any instant leaves every article either fully stored or absent; the next run
skips what is stored and fetches the rest, so nothing is lost and nothing is stored twice (the URL is the
primary key and writes are upserts). Raw HTML of every page is kept zlib-compressed so `newsclean reclean`
can re-run cleaning offline after a rules change.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaners import RECORD_FIELDS
from scraper.sites import same_site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
DEFAULT_DB = "output/newsclean.sqlite"

#: Fields of an exported record, in order: where it was fetched, then the cleaning result.
EXPORT_FIELDS: tuple[str, ...] = (
    "url",
    "canonical_url",
    "fetched_at",
    *(name for name in RECORD_FIELDS if name not in ("url", "canonical_url")),
    "pages",
)
#: Cleaning-result fields stored as JSON text.
JSON_FIELDS = frozenset({"authors", "tags", "checks", "removed", "pages"})
#: Cleaning-result fields of a row (everything `reclean` rewrites).
RESULT_FIELDS: tuple[str, ...] = tuple(name for name in RECORD_FIELDS if name != "url")
#: Status of a row stored with cleaning turned off (CLEANER_ENABLED=False); `reclean` cleans it later.
STATUS_RAW = "raw"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    requested_url TEXT,
    canonical_url TEXT,
    fetched_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    source TEXT,
    published_hint TEXT,
    title_hint TEXT,
    pages TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    title TEXT,
    text TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    editor TEXT,
    date_published TEXT,
    date_modified TEXT,
    description TEXT,
    section TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    site_name TEXT,
    image TEXT,
    dateline TEXT,
    word_count INTEGER NOT NULL DEFAULT 0,
    outlet TEXT,
    body_source TEXT,
    checks TEXT NOT NULL DEFAULT '[]',
    removed TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS articles_requested_url ON articles (requested_url);
CREATE INDEX IF NOT EXISTS articles_canonical_url ON articles (canonical_url);
CREATE INDEX IF NOT EXISTS articles_status ON articles (status);
CREATE TABLE IF NOT EXISTS raw_pages (
    url TEXT NOT NULL REFERENCES articles (url) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    page_url TEXT NOT NULL,
    encoding TEXT,
    body BLOB NOT NULL,
    PRIMARY KEY (url, seq)
);
CREATE TABLE IF NOT EXISTS url_aliases (
    alias TEXT PRIMARY KEY,
    url TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS url_aliases_url ON url_aliases (url);
"""


class StorageError(RuntimeError):
    """The database cannot be used (newer schema, not a newsclean database, unwritable)."""


@dataclass(slots=True)
class RawPages:
    """What `reclean` needs to clean a stored article again."""

    url: str
    pages: list[str]
    bodies: list[bytes]
    encodings: list[str | None]
    outlet: str | None


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime:
    """Parse the ISO 8601 times we store (`Z` suffix or offset; naive means UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ArticleStore:
    """One open article database. Not thread-safe: use it from one thread (the reactor's, or the CLI's)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._db.create_function("same_site", 2, same_site, deterministic=True)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives the process being killed (it is in the OS's hands);
            # only a power cut may drop the last commits, and those articles are simply fetched again.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{path}: cannot use as an article database: {exc}") from exc

    @classmethod
    def open_existing(cls, path: str | Path) -> ArticleStore:
        """Open a database that must already exist (export, reclean): a typo must not create an empty one."""
        if not Path(path).is_file():
            raise StorageError(f"{path}: no such database")
        return cls(path)

    # --- lifecycle ---
    def _migrate(self) -> None:
        with self._transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
            version = row[0]
            if version is None:
                self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            elif version > SCHEMA_VERSION:
                raise StorageError(
                    f"{self.path}: schema version {version} is newer than this newsclean ({SCHEMA_VERSION})"
                )
            elif version < SCHEMA_VERSION:
                self._upgrade(version)

    def _upgrade(self, version: int) -> None:
        """Bring an older database up to SCHEMA_VERSION in place (inside the opening transaction)."""
        if version < 2:  # version 2: how each body was chosen (cleaners/choice.py)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
            if "body_source" not in columns:
                self._db.execute("ALTER TABLE articles ADD COLUMN body_source TEXT")
            if "checks" not in columns:
                self._db.execute("ALTER TABLE articles ADD COLUMN checks TEXT NOT NULL DEFAULT '[]'")
        self._db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))
        logger.info(
            "%s: upgraded the article database from schema %d to %d", self.path, version, SCHEMA_VERSION
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # --- incremental crawling ---
    def find(self, url: str) -> tuple[str, str] | None:
        """(stored URL, fetched_at) of the article stored under or reached from this URL, if any.

        Matches the row's URL, the URL it was requested as (redirects), its aliases, and its canonical URL
        when that is on the row's own site: an article's identity is the URL it was fetched at, and a
        canonical pointing to another site (a syndicated copy, a hostile page) must not make the article
        there "stored".
        """
        row = self._db.execute(
            """SELECT url, fetched_at FROM articles
               WHERE url = ?1 OR requested_url = ?1 OR (canonical_url = ?1 AND same_site(url, canonical_url))
               UNION ALL
               SELECT a.url, a.fetched_at FROM url_aliases AS u JOIN articles AS a ON a.url = u.url
               WHERE u.alias = ?1
               LIMIT 1""",
            (url,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def __contains__(self, url: str) -> bool:
        return self.find(url) is not None

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    # --- writing ---
    def save(
        self,
        record: Mapping[str, Any],
        bodies: Iterable[bytes],
        *,
        encodings: Iterable[str | None] = (),
        requested_url: str | None = None,
        source: str | None = None,
        published_hint: str | None = None,
        title_hint: str | None = None,
        aliases: Iterable[str] = (),
    ) -> bool:
        """Insert or update one article with its raw pages, in one transaction. True when it was new.

        `record` holds `url`, `fetched_at`, `pages` and the cleaning-result fields (missing ones are empty).
        """
        url = record["url"]
        pages = list(record.get("pages") or [url])
        bodies = list(bodies)
        if len(bodies) != len(pages):
            raise ValueError(f"{url}: {len(bodies)} bodies for {len(pages)} pages")
        encodings = list(encodings)[: len(pages)]
        encodings += [None] * (len(pages) - len(encodings))
        row = _row_values(record)
        row.update(
            url=url,
            requested_url=requested_url,
            fetched_at=record["fetched_at"],
            updated_at=utc_now(),
            source=source,
            published_hint=published_hint,
            title_hint=title_hint,
            pages=json.dumps(pages, ensure_ascii=False),
        )
        columns = list(row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("url", "requested_url"))
        with self._transaction():
            new = self._db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is None
            self._db.execute(
                f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                f"ON CONFLICT (url) DO UPDATE SET {updates}, "
                "requested_url = coalesce(articles.requested_url, excluded.requested_url)",
                [row[c] for c in columns],
            )
            self._db.execute("DELETE FROM raw_pages WHERE url = ?", (url,))
            self._db.executemany(
                "INSERT INTO raw_pages (url, seq, page_url, encoding, body) VALUES (?, ?, ?, ?, ?)",
                [
                    (url, seq, page, encoding, zlib.compress(body, 6))
                    for seq, (page, body, encoding) in enumerate(zip(pages, bodies, encodings, strict=True))
                ],
            )
            self._add_aliases(url, [requested_url, *aliases])
        return new

    def add_aliases(self, url: str, aliases: Iterable[str | None]) -> None:
        """Remember other URLs that lead to an article, so they are not requested again.

        `url` need not be stored yet (a redirect to an article still being fetched): an alias only counts
        once its article is stored.
        """
        aliases = [alias for alias in aliases if alias and alias != url]
        if aliases:
            with self._transaction():
                self._add_aliases(url, aliases)

    def _add_aliases(self, url: str, aliases: Iterable[str | None]) -> None:
        self._db.executemany(
            "INSERT INTO url_aliases (alias, url) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING",
            [(alias, url) for alias in dict.fromkeys(aliases) if alias and alias != url],
        )

    def update_result(self, url: str, result: Mapping[str, Any]) -> None:
        """Replace the cleaning-result fields of one row (used by `reclean`)."""
        row = _row_values(result)
        row["updated_at"] = utc_now()
        assignments = ", ".join(f"{c} = ?" for c in row)
        with self._transaction():
            self._db.execute(f"UPDATE articles SET {assignments} WHERE url = ?", [*row.values(), url])

    # --- reading ---
    def records(self, statuses: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
        """Every stored article as an export record (EXPORT_FIELDS), oldest fetch first."""
        where, params = _status_filter(statuses)
        query = f"SELECT {', '.join(EXPORT_FIELDS)} FROM articles {where} ORDER BY fetched_at, url"
        for row in self._db.execute(query, params):
            yield _record_from_row(row)

    def record(self, url: str) -> dict[str, Any] | None:
        query = f"SELECT {', '.join(EXPORT_FIELDS)} FROM articles WHERE url = ?"
        row = self._db.execute(query, (url,)).fetchone()
        return _record_from_row(row) if row else None

    def urls(self, statuses: Iterable[str] = ()) -> list[str]:
        statuses = list(statuses)
        where = f"WHERE status IN ({', '.join('?' * len(statuses))})" if statuses else ""
        return [
            row[0] for row in self._db.execute(f"SELECT url FROM articles {where} ORDER BY url", statuses)
        ]

    def raw_pages(self, url: str) -> RawPages:
        outlet = self._db.execute("SELECT outlet FROM articles WHERE url = ?", (url,)).fetchone()
        if outlet is None:
            raise KeyError(url)
        rows = self._db.execute(
            "SELECT page_url, encoding, body FROM raw_pages WHERE url = ? ORDER BY seq", (url,)
        ).fetchall()
        return RawPages(
            url=url,
            pages=[r["page_url"] for r in rows],
            bodies=[zlib.decompress(r["body"]) for r in rows],
            encodings=[r["encoding"] for r in rows],
            outlet=outlet[0],
        )

    def status_counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT status, count(*) FROM articles GROUP BY status ORDER BY status")
        return {status: count for status, count in rows}


def crawler_store(crawler: Crawler) -> ArticleStore:
    """The crawl's one connection to NEWSCLEAN_DB, shared by the skip middleware and the pipeline."""
    store: ArticleStore | None = getattr(crawler, "_newsclean_store", None)
    if store is None:
        from scrapy import signals

        store = ArticleStore(crawler.settings.get("NEWSCLEAN_DB") or DEFAULT_DB)
        crawler._newsclean_store = store  # type: ignore[attr-defined]
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
        logger.info("article database: %s (%d articles stored)", store.path, len(store))
    return store


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error (autocommit connections have no implicit ones)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _status_filter(statuses: Iterable[str]) -> tuple[str, list[str]]:
    statuses = list(statuses)
    return (f"WHERE status IN ({', '.join('?' * len(statuses))})" if statuses else "", statuses)


def _row_values(result: Mapping[str, Any]) -> dict[str, Any]:
    """Column values of the cleaning-result fields; lists and removed blocks become JSON text."""
    values: dict[str, Any] = {}
    for name in RESULT_FIELDS:
        value = result.get(name)
        if name in JSON_FIELDS:
            value = json.dumps(value or [], ensure_ascii=False)
        elif name == "text":
            value = value or ""
        elif name == "word_count":
            value = int(value or 0)
        elif name == "status":
            value = value or STATUS_RAW
        values[name] = value
    return values


def _record_from_row(row: sqlite3.Row) -> dict[str, Any]:
    record = dict(row)
    for name in JSON_FIELDS & record.keys():
        record[name] = json.loads(record[name]) if record[name] else []
    return record
