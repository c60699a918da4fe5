"""The store: SQLite pragmas, IMMEDIATE transactions under concurrent writers, migrations."""

from __future__ import annotations

import threading

import pytest
from peewee import CharField

from vendorcheck.store.db import UnsupportedDatabase, is_sqlite, open_database
from vendorcheck.store.migrate import apply_migrations, migration_status, pending_migrations
from vendorcheck.store.models import ALL_MODELS, Department


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    db = open_database(f"sqlite:///{tmp_path}/x.db", busy_timeout_ms=4321)
    with db.connection_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 4321


def test_unsupported_urls_are_refused_in_japanese():
    with pytest.raises(UnsupportedDatabase, match="対応していない"):
        open_database("mysql://root@localhost/x")
    with pytest.raises(UnsupportedDatabase, match="絶対パス"):
        open_database("sqlite://relative/x.db")


def test_migrations_are_recorded_and_not_applied_twice(app, db):
    assert pending_migrations(db) == []
    assert all(row.applied_at for row in migration_status(db))
    assert apply_migrations(db) == []


def test_concurrent_read_then_write_transactions_do_not_fail(app, db):
    """Eight threads each read a counter and write it back: no 'database is locked', no lost update."""
    counter = Department.create(name="counter", sort_order=0)
    errors: list[Exception] = []

    def worker() -> None:
        for _ in range(15):
            try:
                with db.connection_context(), db.atomic():
                    row = Department.get_by_id(counter.id)
                    Department.update(sort_order=row.sort_order + 1).where(
                        Department.id == counter.id
                    ).execute()
            except Exception as exc:
                errors.append(exc)

    if not db.is_closed():
        db.close()
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.connect(reuse_if_open=True)
    assert errors == []
    expected = 8 * 15
    value = Department.get_by_id(counter.id).sort_order
    if is_sqlite(db):
        assert value == expected  # IMMEDIATE serialises the read-modify-write
    else:
        assert 0 < value <= expected  # READ COMMITTED may lose updates; no errors is the point


def test_every_text_column_on_postgresql_is_as_long_as_its_model_says(pg_schema):
    """PostgreSQL enforces varchar lengths (SQLite does not): a model allowing more than its
    column would turn a valid value into a 500 there, as register_person.role once did."""
    db = open_database(pg_schema)
    rows = db.execute_sql(
        "SELECT table_name, column_name, character_maximum_length FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND character_maximum_length IS NOT NULL"
    ).fetchall()
    db.close()
    in_database = {(table, column): length for table, column, length in rows}
    too_short = [
        f"{model._meta.table_name}.{field.column_name}: "
        f"model {field.max_length}, column {in_database[(model._meta.table_name, field.column_name)]}"
        for model in ALL_MODELS
        for field in model._meta.sorted_fields
        if isinstance(field, CharField)
        and (model._meta.table_name, field.column_name) in in_database
        and in_database[(model._meta.table_name, field.column_name)] < field.max_length
    ]
    assert too_short == []
