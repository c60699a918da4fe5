"""The audit log page and its CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from peewee import DatabaseError

from tests.conftest import csrf_token
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import AuditEvent


def test_ciso_filters_the_audit_log(client, login_as, db):
    login_as("ciso")
    audit.record(Actor.system(), "example.decide", "case", 7, "案件7を承認")
    html = client.get("/audit/?action=example.decide").get_data(as_text=True)
    assert "案件7を承認" in html and "1 件" in html
    none = client.get("/audit/?actor=誰もいない").get_data(as_text=True)
    assert "該当する記録はありません" in none


def test_bad_filter_dates_get_a_japanese_error(client, login_as):
    login_as("admin")
    response = client.get("/audit/?since=2025-13-45")
    assert response.status_code == 400
    assert "入力内容を確認してください" in response.get_data(as_text=True)


def test_csv_export_opens_in_excel_and_neutralises_formulas(client, login_as, db):
    login_as("admin")
    audit.record(
        Actor("staff", 1, '=HYPERLINK("http://x")', "127.0.0.1"),
        "example.evil",
        "case",
        1,
        "+cmd|' /C calc'!A0",
    )
    response = client.get("/audit/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "日時（日本時間）"
    evil = next(r for r in rows if r[3] == "example.evil")
    assert evil[2].startswith("'=") and evil[6].startswith("'+")


def test_audit_rows_cannot_be_updated_or_deleted(db):
    event = audit.record(Actor.system(), "example.x", "case", 1, "x")
    with pytest.raises(DatabaseError), db.atomic():
        AuditEvent.update(summary="changed").where(AuditEvent.id == event.id).execute()
    with pytest.raises(DatabaseError), db.atomic():
        AuditEvent.delete().where(AuditEvent.id == event.id).execute()
    assert AuditEvent.get_by_id(event.id).summary == "x"


def test_every_staff_change_writes_an_audit_event_in_its_transaction(client, login_as, db):
    login_as("admin")
    before = AuditEvent.select().count()
    token = csrf_token(client, "/admin/departments")
    client.post("/admin/departments", data={"csrf_token": token, "name": "水道局"})
    assert AuditEvent.select().count() == before + 1
