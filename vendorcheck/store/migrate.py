"""Apply and list the numbered migrations in store/migrations/, and collect the tables they seed.

A migration that writes rows into every new instance (not a back-fill of rows that exist)
declares those tables in a module-level ``SEEDS`` tuple; tests/store/test_seeds.py checks the
declarations against what a fresh migration run leaves."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Database
from playhouse.migrations import Migration, Runner

from vendorcheck.store.db import MIGRATIONS_DIR

MIGRATION_TABLE = "schema_migration"


@dataclass(frozen=True)
class MigrationStatus:
    name: str
    applied_at: str | None


def _runner(db: Database) -> Runner:
    return Runner(db, str(MIGRATIONS_DIR), table_name=MIGRATION_TABLE)


def apply_migrations(db: Database) -> list[str]:
    """Apply every pending migration in order; return the names applied."""
    with db.connection_context():
        return _runner(db).up()


def migration_status(db: Database) -> list[MigrationStatus]:
    with db.connection_context():
        return [
            MigrationStatus(m.name, m.applied.strftime("%Y-%m-%d %H:%M:%S") if m.applied else None)
            for m in _runner(db).status()
        ]


def pending_migrations(db: Database) -> list[str]:
    return [m.name for m in migration_status(db) if m.applied_at is None]


def seeded_tables() -> frozenset[str]:
    """The tables whose rows the migrations write into every new instance, as they declare."""
    return frozenset(
        table
        for migration in Migration.load_directory(str(MIGRATIONS_DIR))
        for table in getattr(migration.load(), "SEEDS", ())
    )
