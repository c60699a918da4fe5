"""The one database proxy, bound at start-up from a URL, and its per-request connection."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, DatabaseProxy, SqliteDatabase
from playhouse import db_url
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

SQLITE_SCHEMES = {"sqlite"}
POSTGRESQL_SCHEMES = {"postgresql", "postgres"}


class UnsupportedDatabase(ValueError):
    """The URL names a database vendorcheck does not support."""


def open_database(url: str, *, busy_timeout_ms: int = 10000, pool_size: int = 10) -> Database:
    """Create (but do not connect) a peewee database for a sqlite:// or postgresql:// URL.

    The URL is read by peewee's own parser (``playhouse.db_url``): ``sqlite:////abs/path.db``
    (four slashes) or ``sqlite:///relative.db``; query parameters are passed to the driver.
    """
    scheme = urlparse(url).scheme
    if scheme in SQLITE_SCHEMES:
        return _sqlite(url, busy_timeout_ms)
    if scheme in POSTGRESQL_SCHEMES:
        options = db_url.parse(url, unquote_password=True, unquote_user=True)
        options.setdefault("port", 5432)
        return PooledPostgresqlDatabase(
            options.pop("database"),
            max_connections=pool_size,
            stale_timeout=300,
            timeout=10,
            **options,
        )
    raise UnsupportedDatabase(
        f"対応していないデータベース URL です: {scheme}://（sqlite か postgresql を指定してください）"
    )


def _sqlite(url: str, busy_timeout_ms: int) -> SqliteDatabase:
    if urlparse(url).netloc:  # sqlite://relative/path is a mistake; be strict
        raise UnsupportedDatabase(
            "SQLite の URL は sqlite:////絶対パス（または sqlite:///相対パス）の形で指定してください。"
        )
    options = db_url.parse(url)
    path = options.pop("database")
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteDatabase(
        path,
        # IMMEDIATE: a read-then-write transaction takes the write lock at
        # BEGIN, so concurrent writers wait (busy_timeout) instead of
        # failing with "database is locked" when they upgrade.
        lock_type="IMMEDIATE",
        timeout=busy_timeout_ms / 1000,
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": busy_timeout_ms,
            "synchronous": "normal",
        },
        **options,
    )


def bind(db: Database) -> Database:
    """Point the proxy (and so every model) at a database."""
    database.initialize(db)
    return db


def is_sqlite(db: Database | None = None) -> bool:
    target = db or database.obj
    return isinstance(target, SqliteDatabase)


def open_request_connection() -> None:
    """Connect at the start of a request (the app installs this as a before-request hook)."""
    database.connect(reuse_if_open=True)


def close_request_connection(_exc: BaseException | None = None) -> None:
    """Give the connection back at the end of a request (a teardown hook)."""
    if not database.is_closed():
        database.close()
