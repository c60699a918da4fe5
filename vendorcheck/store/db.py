"""The one database proxy, bound at start-up from a URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from peewee import Database, DatabaseProxy, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class UnsupportedDatabase(ValueError):
    """The URL names a database vendorcheck does not support."""


def open_database(url: str, *, busy_timeout_ms: int = 10000, pool_size: int = 10) -> Database:
    """Create (but do not connect) a peewee database for a sqlite:// or postgresql:// URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if parsed.netloc:  # sqlite://relative/path is a mistake; be strict
            raise UnsupportedDatabase(
                "SQLite の URL は sqlite:///絶対パス の形で指定してください。"
            )
        if path.startswith("//"):
            path = path[1:]
        if path != "/:memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            path = ":memory:"
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
        )
    if parsed.scheme in {"postgresql", "postgres"}:
        options = dict(parse_qsl(parsed.query))
        return PooledPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname,
            port=parsed.port or 5432,
            max_connections=pool_size,
            stale_timeout=300,
            timeout=10,
            **options,
        )
    raise UnsupportedDatabase(
        f"対応していないデータベース URL です: {parsed.scheme}://（sqlite か postgresql を指定してください）"
    )


def bind(db: Database) -> Database:
    """Point the proxy (and so every model) at a database."""
    database.initialize(db)
    return db


def is_sqlite(db: Database | None = None) -> bool:
    target = db or database.obj
    return isinstance(target, SqliteDatabase)
