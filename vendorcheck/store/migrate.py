"""Apply and list the numbered migrations in store/migrations/."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Database
from playhouse.migrations import Runner

from vendorcheck.store.db import MIGRATIONS_DIR


@dataclass(frozen=True)
class MigrationStatus:
    name: str
    applied_at: str | None


def _runner(db: Database) -> Runner:
    return Runner(db, str(MIGRATIONS_DIR), table_name="schema_migration")


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
