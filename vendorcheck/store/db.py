"""The one database proxy, bound at start-up from a URL, and its per-request connection.

Both databases keep their connections in a pool per process: a request takes one at its start
and gives it back at its end, so a new connection (and, on SQLite, its PRAGMAs) is made only
when the pool has none free. A connection given back with a transaction still open is rolled
back first (no write lock outlives its request). The pool belongs to the process that made it:
a forked child (gunicorn workers) forgets the parent's connections without closing them and
opens its own.
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, DatabaseProxy, OperationalError, SqliteDatabase
from playhouse import db_url
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

SQLITE_SCHEMES = {"sqlite"}
POSTGRESQL_SCHEMES = {"postgresql", "postgres"}


SQLITE_STALE_SECONDS = 600  # a pooled SQLite connection is made anew after this age


class UnsupportedDatabase(ValueError):
    """The URL names a database vendorcheck does not support."""


class _ProcessPool:
    """A pool that serves only the process that filled it (mixed into peewee's pools)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._owner_pid = os.getpid()
        self._inherited: list = []
        _POOLS.add(self)

    def connect(self, reuse_if_open: bool = False) -> bool:
        if self._owner_pid != os.getpid():
            self.forget_inherited()
        return super().connect(reuse_if_open)

    def forget_inherited(self) -> None:
        """In a forked child: drop the parent's connections without closing them (closing
        would end the parent's sessions); they are kept referenced so that no destructor
        closes them either."""
        self._inherited.extend(conn for _ts, _n, conn in self._connections)
        self._inherited.extend(held.connection for held in self._in_use.values())
        if self._state.conn is not None:
            self._inherited.append(self._state.conn)
        self._pool_lock = threading.RLock()
        self._pool_available = threading.Condition(self._pool_lock)
        self._lock = threading.Lock()
        self._connections, self._in_use = [], {}
        self._state.reset()
        self._owner_pid = os.getpid()


_POOLS: weakref.WeakSet[_ProcessPool] = weakref.WeakSet()


def _forget_in_child() -> None:
    for pool in list(_POOLS):
        pool.forget_inherited()


os.register_at_fork(after_in_child=_forget_in_child)


class ProcessPooledSqliteDatabase(_ProcessPool, PooledSqliteDatabase):
    """SQLite with connections kept per process (PRAGMAs set once per connection), whose
    threads queue for the write lock in the process.

    SQLite lets one transaction write at a time; a connection that finds the lock taken waits
    in SQLite's busy handler, which sleeps and retries in growing steps (up to 100 ms) and so
    leaves the lock unused while writers sleep. Threads of one process instead wait on a
    Python lock taken before BEGIN and given back at COMMIT or ROLLBACK: the next writer starts
    the moment the last one ends. Other processes (the periodic commands) still meet at
    SQLite's lock, as before.
    """

    def __init__(self, *args, writer_timeout: float = 10.0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writer = threading.Lock()
        self._writer_timeout = writer_timeout
        self._writing = threading.local()

    def begin(self, lock_type=None) -> None:
        if not getattr(self._writing, "held", False):
            if not self._writer.acquire(timeout=self._writer_timeout):
                raise OperationalError("database is locked")
            self._writing.held = True
        try:
            super().begin(lock_type)
        except BaseException:
            self._release_writer()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release_writer()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release_writer()

    def close(self) -> bool:
        try:
            return super().close()
        finally:
            self._release_writer()

    def forget_inherited(self) -> None:
        super().forget_inherited()
        self._writer = threading.Lock()  # a parent's writer is not this process's
        self._writing = threading.local()

    def _release_writer(self) -> None:
        if getattr(self._writing, "held", False):
            self._writing.held = False
            self._writer.release()


class ProcessPooledPostgresqlDatabase(_ProcessPool, PooledPostgresqlDatabase):
    """PostgreSQL with connections kept per process."""


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
        return ProcessPooledPostgresqlDatabase(
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
    return ProcessPooledSqliteDatabase(
        path,
        max_connections=None,  # as many as threads serve at once
        stale_timeout=SQLITE_STALE_SECONDS,
        check_same_thread=False,  # a pooled connection serves one thread at a time
        # IMMEDIATE: a read-then-write transaction takes the write lock at
        # BEGIN, so concurrent writers wait (busy_timeout) instead of
        # failing with "database is locked" when they upgrade.
        lock_type="IMMEDIATE",
        timeout=busy_timeout_ms / 1000,
        writer_timeout=busy_timeout_ms / 1000,
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
    """Give the connection back at the end of a request (a teardown hook); a transaction left
    open (an error inside a handler that began one by hand) is rolled back first."""
    if database.is_closed():
        return
    if database.in_transaction():
        database.rollback()
        database._state.transactions.clear()
    database.close()
