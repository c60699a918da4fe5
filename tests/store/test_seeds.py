"""The tables migrations seed are declared in the migrations themselves (``SEEDS``), and the
declarations are true: a fresh migration run into an empty SQLite file and an empty PostgreSQL
schema leaves rows in exactly the declared tables. Backup reads the same
declarations (its "restore into a new instance" is tests/cli/test_backup.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from peewee import Database

from tests.conftest import PG_URL, missing
from vendorcheck.store.db import open_database
from vendorcheck.store.migrate import MIGRATION_TABLE, apply_migrations, seeded_tables


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request, tmp_path) -> Iterator[tuple[Database, str | None]]:
    """A database nothing has been written to, and its schema (None for SQLite)."""
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield db, None
        db.close()
        return
    if not PG_URL:
        missing("VENDORCHECK_TEST_DATABASE_URL is not set: PostgreSQL tests not run")
    schema = f"vcseeds_{uuid.uuid4().hex[:8]}"
    admin = open_database(PG_URL)
    admin.connect()
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in PG_URL else "?"
    db = open_database(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    yield db, schema
    db.close_all()
    admin.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.close_all()


def _tables_with_rows(db: Database, schema: str | None) -> set[str]:
    with db.connection_context():
        tables = db.get_tables(schema=schema) if schema else db.get_tables()
        return {
            table
            for table in tables
            if table != MIGRATION_TABLE
            and db.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()
        }


def test_a_fresh_migration_run_fills_exactly_the_tables_the_migrations_declare(empty_database):
    db, schema = empty_database
    assert _tables_with_rows(db, schema) == set()
    assert apply_migrations(db), "no migration ran"
    assert _tables_with_rows(db, schema) == set(seeded_tables())
