"""An instance made by the oldest migration, with data in it, upgrades to the newest."""

from __future__ import annotations

import datetime as dt

from playhouse.migrations import Runner

from tests.commands import command_runner
from vendorcheck.app import create_app
from vendorcheck.services.backup import known_migrations
from vendorcheck.store.db import MIGRATIONS_DIR
from vendorcheck.store.models import AuditEvent, Department, Organisation, Staff


def test_the_oldest_schema_with_data_migrates_to_the_newest(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            "BASE_URL": "http://vendorcheck.test",
        }
    )
    db = app.extensions["vendorcheck_db"]
    oldest = known_migrations()[0]
    with db.connection_context():
        Runner(db, str(MIGRATIONS_DIR), table_name="schema_migration").up(target=oldest)
        now = dt.datetime(2025, 4, 1, 9, 0)
        db.execute_sql("UPDATE organisation SET name = ?", ("架空市",))
        db.execute_sql(
            "INSERT INTO staff (login_id, display_name, email, role, password_hash,"
            " must_change_password, active, session_nonce, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("suzuki", "鈴木 一郎", "suzuki@example.jp", "officer", "x", 0, 1, "n", now),
        )
        db.execute_sql(
            "INSERT INTO audit_event (at, actor_kind, actor_label, action, object_type, object_id,"
            " summary, before, after, client_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now, "system", "テスト", "staff.create", "staff", "1", "鈴木 一郎を作成", "", "", ""),
        )
        departments_before = Department.select().count()

    runner = command_runner(app)
    before = runner.invoke(args=["migrate", "--status"])
    assert before.exit_code == 0
    assert before.output.count("未適用") == len(known_migrations()) - 1
    upgraded = runner.invoke(args=["migrate"])
    assert upgraded.exit_code == 0, upgraded.output
    assert all(f"適用しました: {name}" in upgraded.output for name in known_migrations()[1:])
    after = runner.invoke(args=["migrate", "--status"])
    assert "未適用" not in after.output
    assert after.output.count("適用済み") == len(known_migrations())

    with db.connection_context():
        assert Organisation.get().name == "架空市"
        staff = Staff.get(Staff.login_id == "suzuki")
        assert (staff.display_name, staff.email, staff.role) == (
            "鈴木 一郎",
            "suzuki@example.jp",
            "officer",
        )
        assert AuditEvent.get(AuditEvent.action == "staff.create").summary == "鈴木 一郎を作成"
        assert Department.select().count() == departments_before
