"""The threads of one process queue for SQLite's write lock on a lock of the process
(store/db.py): a second writer begins only once the first has committed or rolled back, the
lock is given back however a transaction ends (commit, rollback, an error, a connection given
back with its transaction open), a writer waits no longer than its timeout, and a forked child
does not inherit a lock held by a thread of its parent. These are SQLite's own rules, so the
tests open SQLite files of their own whichever database the suite runs on."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from peewee import OperationalError

from vendorcheck.store.db import open_database

WAIT = 10  # seconds a test waits for a thread before it counts as hung


def _database(tmp_path: Path, busy_timeout_ms: int = 5000):
    db = open_database(f"sqlite:///{tmp_path / 'writer.db'}", busy_timeout_ms=busy_timeout_ms)
    db.connect()
    db.execute_sql("CREATE TABLE IF NOT EXISTS note (body TEXT)")
    db.close()
    return db


def _insert(db, body: str) -> None:
    db.execute_sql("INSERT INTO note (body) VALUES (?)", (body,))


def _bodies(db) -> list[str]:
    return [row[0] for row in db.execute_sql("SELECT body FROM note ORDER BY rowid")]


class _Holder(threading.Thread):
    """A thread that writes in a transaction and keeps it open until told to end it."""

    def __init__(
        self, db, body: str, *, fail: bool = False, close_open: bool = False, create: bool = False
    ) -> None:
        super().__init__(daemon=True)
        self.db, self.body, self.fail, self.close_open = db, body, fail, close_open
        self.create = create  # make the table first (an in-memory database starts empty)
        self.inside, self.finish = threading.Event(), threading.Event()

    def run(self) -> None:
        with self.db.connection_context():
            if self.create:
                self.db.execute_sql("CREATE TABLE note (body TEXT)")
            if self.close_open:  # begun by hand and never ended: given back to the pool open
                self.db.begin()
                _insert(self.db, self.body)
                self.inside.set()
                self.finish.wait(WAIT)
                return
            try:
                with self.db.atomic():
                    _insert(self.db, self.body)
                    self.inside.set()
                    self.finish.wait(WAIT)
                    if self.fail:
                        raise ValueError("the change fails")
            except ValueError:
                pass


def _write_in_thread(db, body: str) -> tuple[threading.Thread, threading.Event, list]:
    """Start a thread that writes `body` in a transaction; it records what it saw inside."""
    began, seen = threading.Event(), []

    def write() -> None:
        with db.connection_context(), db.atomic():
            began.set()
            seen.extend(_bodies(db))
            _insert(db, body)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread, began, seen


def test_a_second_writer_begins_only_after_the_first_commits(tmp_path):
    db = _database(tmp_path)
    first = _Holder(db, "first")
    first.start()
    assert first.inside.wait(WAIT)
    second, began, seen = _write_in_thread(db, "second")
    assert not began.wait(0.3)  # still queued behind the open transaction
    first.finish.set()
    second.join(WAIT)
    assert began.is_set() and seen == ["first"]  # it began after the first had committed
    with db.connection_context():
        assert _bodies(db) == ["first", "second"]


@pytest.mark.parametrize("how", ["error", "given back open"])
def test_the_writer_is_given_back_however_the_transaction_ends(tmp_path, how):
    db = _database(tmp_path, busy_timeout_ms=3000)
    first = _Holder(db, "first", fail=how == "error", close_open=how == "given back open")
    first.start()
    assert first.inside.wait(WAIT)
    first.finish.set()
    first.join(WAIT)
    second, began, seen = _write_in_thread(db, "second")
    second.join(WAIT)
    assert began.is_set() and seen == []  # the first change was rolled back, the lock free
    with db.connection_context():
        assert _bodies(db) == ["second"]


def test_a_writer_waits_no_longer_than_its_timeout(tmp_path):
    db = _database(tmp_path, busy_timeout_ms=200)
    first = _Holder(db, "first")
    first.start()
    assert first.inside.wait(WAIT)
    try:
        with (
            db.connection_context(),
            pytest.raises(OperationalError, match="database is locked"),
            db.atomic(),
        ):
            _insert(db, "too late")
    finally:
        first.finish.set()
        first.join(WAIT)
    with db.connection_context():  # the refused writer kept nothing: it writes once free
        with db.atomic():
            _insert(db, "after")
        assert _bodies(db) == ["first", "after"]


def test_a_forked_child_does_not_inherit_a_parent_thread_s_writer():
    # In-memory databases: each connection has its own, so the child meets no SQLite lock of
    # its parent (SQLite's own locks do not survive a fork either way) and only the process's
    # writer lock could stop it.
    db = open_database("sqlite:///:memory:")
    first = _Holder(db, "parent", create=True)
    first.start()
    assert first.inside.wait(WAIT)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the holding thread does not exist here; its lock must not either
        try:
            with db.connection_context(), db.atomic():
                db.execute_sql("CREATE TABLE note (body TEXT)")
                _insert(db, "child")
            os.write(writer, b"1")
        except BaseException as error:
            os.write(writer, b"0" + repr(error).encode()[:200])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    first.finish.set()
    first.join(WAIT)
    assert os.read(reader, 300) == b"1"
