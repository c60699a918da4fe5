"""Migration 0011 on an instance with register data: an application submitted before it keeps
its latest answers as a frozen version, and existing people rows become append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import DatabaseError
from playhouse.migrations import Runner

from vendorcheck.app import create_app
from vendorcheck.services.backup import known_migrations
from vendorcheck.store.db import MIGRATIONS_DIR
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import ApplicationVersion, RegisterPerson


def test_applications_submitted_before_0011_get_their_version(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            "BASE_URL": "http://vendorcheck.test",
        }
    )
    db = app.extensions["vendorcheck_db"]
    before_0011 = max(m for m in known_migrations() if m < "0011")
    now = dt.datetime(2025, 6, 1, 9, 0)
    with db.connection_context():
        Runner(db, str(MIGRATIONS_DIR), table_name="schema_migration").up(target=before_0011)
        db.execute_sql(
            "INSERT INTO register_entry (entry_type, name, name_normalized, status, department_id,"
            " provider_name, url, purpose, classification_level, ismap_number, data_location,"
            " governing_law, platform, account_name, account_handle, audience, content, posters,"
            " response_hours, notes, mfa_enabled, platform_verified, official_page_url,"
            " link_check_note, retirement_note, needs_responsible, created_at, updated_at)"
            " VALUES ('sns', '架空市公式 X', '架空市公式 x', 'applied', 1, '', '', '', '1', '',"
            " '', '', 'x', '', '', '', '', '', '', '', 1, 1, '', '', '', 0, ?, ?)",
            (now, now),
        )
        db.execute_sql(
            "INSERT INTO use_application (entry_id, kind, status, tier, draft_answers,"
            " draft_revision, submitted_answers, submitted_version, submitted_at, created_at,"
            " decision_reason) VALUES (1, 'sns', 'submitted', 1, '{}', 3, ?, 2, ?, ?, '')",
            ('{"account.name": "架空市公式 X"}', now, now),
        )
        db.execute_sql(
            "INSERT INTO register_person (entry_id, role, name, department_name,"
            " effective_from, reason, recorded_at) VALUES (1, 'responsible', '高橋 真理',"
            " '事務部局', ?, '利用申請', ?)",
            (dt.date(2025, 4, 1), now),
        )
    applied = apply_migrations(db)
    assert any(name.startswith("0011") for name in applied)
    with db.connection_context():
        version = ApplicationVersion.get()
        assert (version.application_id, version.version) == (1, 2)
        assert "架空市公式 X" in version.answers and version.submitted_at == now
        with pytest.raises(DatabaseError), db.atomic():
            RegisterPerson.update(name="書き換え").execute()
        with pytest.raises(DatabaseError), db.atomic():
            ApplicationVersion.delete().execute()
        assert RegisterPerson.get().name == "高橋 真理"
