"""Backup and restore of a SQLite instance (evidence and annexes are stored in the database).

``backup`` copies the live database with SQLite's online backup API: one consistent snapshot
even while the application writes. ``restore`` checks the file first (a SQLite database,
``PRAGMA integrity_check``, vendorcheck's migration table, no migration newer than this
version knows), refuses to overwrite an instance that holds data unless forced, copies it in
with the same API and applies the migrations the backup is missing. PostgreSQL instances are
backed up with pg_dump / pg_restore (``POSTGRESQL_PROCEDURE``).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, SqliteDatabase

from vendorcheck.services.errors import ServiceError
from vendorcheck.store.db import MIGRATIONS_DIR
from vendorcheck.store.migrate import MIGRATION_TABLE, apply_migrations, seeded_tables
from vendorcheck.store.models import ALL_MODELS

POSTGRESQL_PROCEDURE = """\
PostgreSQL のデータベースは vendorcheck backup ではバックアップしません。pg_dump と pg_restore を使ってください。
  バックアップ: pg_dump -Fc -f vendorcheck-YYYY-MM-DD.dump <データベース名>
  復元（サーバーを止めてから）: pg_restore --clean --if-exists -d <データベース名> vendorcheck-YYYY-MM-DD.dump
  そのあと vendorcheck migrate で新しい版のマイグレーションを適用します。
  あわせてインスタンスフォルダーの secret_key と config.toml も保管してください（docs/OPERATIONS.md）。"""


class BackupError(ServiceError):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    migrations: tuple[str, ...]


@dataclass(frozen=True)
class RestoreReport:
    migrations_in_file: tuple[str, ...]
    applied_after: tuple[str, ...]


def known_migrations() -> list[str]:
    return sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))


def _sqlite_path(db: Database) -> Path:
    if not isinstance(db, SqliteDatabase):
        raise BackupError(POSTGRESQL_PROCEDURE)
    if db.database == ":memory:":
        raise BackupError("メモリー上のデータベースはバックアップできません。")
    return Path(db.database)


def _applied(connection: sqlite3.Connection) -> tuple[str, ...]:
    rows = connection.execute(f"SELECT name FROM {MIGRATION_TABLE} ORDER BY name").fetchall()  # noqa: S608 - a constant
    return tuple(row[0] for row in rows)


def backup(db: Database, target: Path | str) -> BackupReport:
    """Write a consistent copy of the live SQLite database to target (a new file)."""
    source_path = _sqlite_path(db)
    target = Path(target)
    if target.exists():
        raise BackupError(f"「{target}」は既にあります。別のファイル名を指定してください。")
    if not source_path.exists():
        raise BackupError(
            f"データベース「{source_path}」がありません。先に vendorcheck init を実行してください。"
        )
    partial = target.with_name(target.name + ".partial")
    try:
        source = sqlite3.connect(source_path)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(
                    destination
                )  # one step: a snapshot, writers wait at most busy_timeout
                migrations = _applied(destination)
            finally:
                destination.close()
        finally:
            source.close()
        os.replace(partial, target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"バックアップを作れませんでした（{error}）。") from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"「{target}」に書き込めません（{error.strerror or error}）。フォルダーと権限を確認してください。"
        ) from error
    return BackupReport(target, target.stat().st_size, migrations)


def check_backup_file(source: Path | str) -> tuple[str, ...]:
    """Return the migrations recorded in a backup file, or raise BackupError saying what is wrong."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"バックアップファイル「{source}」がありません。")
    with source.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(
                f"「{source}」は vendorcheck のバックアップ（SQLite のデータベース）ではありません。"
            )
    try:
        connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(
                    f"バックアップファイル「{source}」は壊れています（integrity_check: {result[0][0]}）。別のバックアップを使ってください。"
                )
            try:
                migrations = _applied(connection)
            except sqlite3.OperationalError as error:
                raise BackupError(
                    f"「{source}」は vendorcheck のバックアップではありません（マイグレーションの記録がありません）。"
                ) from error
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"バックアップファイル「{source}」は壊れているか読めません（{error}）。別のバックアップを使ってください。"
        ) from error
    newer = sorted(set(migrations) - set(known_migrations()))
    if newer:
        raise BackupError(
            f"バックアップはこの版より新しい vendorcheck で作られています（未知のマイグレーション {', '.join(newer)}）。"
            "vendorcheck を新しい版に更新してから復元してください。"
        )
    return migrations


def holds_data(db: Database) -> bool:
    """Whether the instance holds anything beyond what a new instance is seeded with (the
    tables the migrations declare they seed)."""
    seeded = seeded_tables()
    with db.connection_context():
        tables = set(db.get_tables())
        return any(
            model._meta.table_name in tables and model.select().exists()
            for model in ALL_MODELS
            if model._meta.table_name not in seeded
        )


def restore(db: Database, source: Path | str, *, force: bool = False) -> RestoreReport:
    """Replace the instance's SQLite database by a checked backup, then migrate it forward."""
    target_path = _sqlite_path(db)
    migrations = check_backup_file(source)
    if target_path.exists() and holds_data(db) and not force:
        raise BackupError(
            "この環境には既にデータがあります。上書きして復元するには --force を付けてください"
            "（先に vendorcheck backup で今のデータを保存しておくと安全です）。"
        )
    if not db.is_closed():
        db.close()
    try:
        backup_file = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(target_path)
            try:
                backup_file.backup(target)
            finally:
                target.close()
        finally:
            backup_file.close()
    except sqlite3.Error as error:
        raise BackupError(
            f"復元できませんでした（{error}）。データベースを使っているサーバーを止めてから実行してください。"
        ) from error
    applied = apply_migrations(db)
    return RestoreReport(migrations, tuple(applied))
