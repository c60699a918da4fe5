"""backup and restore: a consistent copy while the app writes, a checked restore, every row."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from tests.commands import command_runner
from vendorcheck.app import create_app
from vendorcheck.services import backup as backup_service
from vendorcheck.store.db import is_sqlite
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Department, Vendor


def _app(instance: Path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key",
            "BASE_URL": "http://vendorcheck.test",
        }
    )
    apply_migrations(app.extensions["vendorcheck_db"])
    return app


def _rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in sorted(tables)
        }
    finally:
        connection.close()


def test_round_trip_under_concurrent_writes_keeps_every_row(tmp_path):
    source_app = _app(tmp_path / "source")
    db = source_app.extensions["vendorcheck_db"]
    with db.connection_context():
        Vendor.create(name="株式会社証跡", name_normalized="株式会社証跡")
    stop = threading.Event()
    written: list[int] = []
    errors: list[Exception] = []

    def writer() -> None:
        while not stop.is_set() and len(written) < 2000:
            try:
                with db.connection_context(), db.atomic():
                    written.append(
                        Department.create(name=f"部{len(written)}", sort_order=len(written)).id
                    )
            except Exception as exc:  # a writer must never fail because of the backup
                errors.append(exc)
                return

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        while len(written) < 30:
            stop.wait(0.01)
        result = command_runner(source_app).invoke(args=["backup", "-o", str(tmp_path / "copy.db")])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert result.exit_code == 0, result.output
    assert "バックアップを" in result.output
    assert errors == []

    backup_rows = _rows(tmp_path / "copy.db")
    source_rows = _rows(Path(db.database))
    ids_in_backup = [row[0] for row in backup_rows["department"]]
    # A snapshot: a prefix of what was written, with no gap, each row equal to the source's.
    assert 30 <= len(ids_in_backup) <= len(source_rows["department"])
    assert sorted(ids_in_backup) == list(range(min(ids_in_backup), max(ids_in_backup) + 1))
    assert set(backup_rows["department"]) <= set(source_rows["department"])
    assert backup_rows["vendor"] == source_rows["vendor"]

    target_app = _app(tmp_path / "target")
    restored = command_runner(target_app).invoke(args=["restore", str(tmp_path / "copy.db")])
    assert restored.exit_code == 0, restored.output
    assert _rows(Path(target_app.extensions["vendorcheck_db"].database)) == backup_rows


def test_restore_refuses_an_instance_with_data_unless_forced(tmp_path):
    app = _app(tmp_path / "one")
    runner = command_runner(app)
    assert runner.invoke(args=["backup", "-o", str(tmp_path / "empty.db")]).exit_code == 0
    db = app.extensions["vendorcheck_db"]
    with db.connection_context():
        Vendor.create(name="消されたくない事業者", name_normalized="消されたくない事業者")
    refused = runner.invoke(args=["restore", str(tmp_path / "empty.db")])
    assert refused.exit_code == 1
    assert "--force" in refused.output
    with db.connection_context():
        assert Vendor.select().count() == 1  # nothing changed
    forced = runner.invoke(args=["restore", str(tmp_path / "empty.db"), "--force"])
    assert forced.exit_code == 0, forced.output
    with db.connection_context():
        assert Vendor.select().count() == 0


def test_backup_refuses_to_overwrite_a_file(tmp_path):
    app = _app(tmp_path / "one")
    (tmp_path / "exists.db").write_bytes(b"keep me")
    result = command_runner(app).invoke(args=["backup", "-o", str(tmp_path / "exists.db")])
    assert result.exit_code == 1 and "既にあります" in result.output
    assert (tmp_path / "exists.db").read_bytes() == b"keep me"
    missing = command_runner(app).invoke(args=["backup"])
    assert missing.exit_code == 2 and "-o" in missing.output


def _newer_backup(tmp_path: Path) -> Path:
    app = _app(tmp_path / "newer")
    path = tmp_path / "newer.db"
    backup_service.backup(app.extensions["vendorcheck_db"], path)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('9999_from_the_future', '2030-01-01')"
        )
    connection.close()
    return path


def _broken_backup(tmp_path: Path) -> Path:
    app = _app(tmp_path / "broken")
    path = tmp_path / "broken.db"
    backup_service.backup(app.extensions["vendorcheck_db"], path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(page_size * 2, min(len(data), page_size * 6)):
        data[offset] = 0xFF  # overwrite b-tree pages after the schema page
    path.write_bytes(bytes(data))
    return path


def _other_database(tmp_path: Path) -> Path:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.close()
    return path


def _text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("これはバックアップではありません", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make_file", "expected"),
    [
        (_newer_backup, "新しい vendorcheck"),
        (_broken_backup, "壊れて"),
        (_other_database, "マイグレーションの記録がありません"),
        (_text_file, "ではありません"),
        (lambda tmp_path: tmp_path / "nothing.db", "ありません"),
    ],
)
def test_restore_checks_the_file_first_and_changes_nothing(tmp_path, make_file, expected):
    source = make_file(tmp_path)
    app = _app(tmp_path / "target")
    db = app.extensions["vendorcheck_db"]
    before = _rows(Path(db.database))
    result = command_runner(app).invoke(args=["restore", str(source), "--force"])
    assert result.exit_code == 1
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _rows(Path(db.database)) == before


def test_backup_of_postgresql_prints_the_pg_dump_procedure(app, tmp_path):
    result = command_runner(app).invoke(args=["backup", "-o", str(tmp_path / "x.db")])
    if not is_sqlite(app.extensions["vendorcheck_db"]):
        assert result.exit_code == 1
        assert "pg_dump -Fc" in result.output and "pg_restore" in result.output
    else:
        assert result.exit_code == 0
