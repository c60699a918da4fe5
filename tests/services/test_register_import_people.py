"""The people of an imported register: the 副責任者 and the 管理者・担当者 are read like the 責任者,
so that a register exported and imported again keeps them (they were dropped)."""

from __future__ import annotations

import csv
import io

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import register_exports, register_import, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import AuditEvent, RegisterEntry

HEADER = [
    "種類",
    "部局",
    "名称（サービス名・アカウント名）",
    "責任者",
    "副責任者",
    "管理者・担当者",
]


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_the_deputy_column_is_imported_with_an_audit_event(db):
    data = _csv(
        [
            HEADER,
            [
                "外部サービス",
                "事務部局",
                "電子申請",
                "高橋 真理",
                "佐藤 一郎（情報政策課）",
                "山本 健",
            ],
            ["SNS アカウント", "事務部局", "公式 X", "高橋 真理", "", ""],
        ]
    )
    report = register_import.import_register(Actor.system("t"), SYSTEM_READER, data, dry_run=False)
    assert report.written, report.rejected
    today = today_jst()
    service = RegisterEntry.get(RegisterEntry.name == "電子申請")
    holders = register_people.holders_on(service, today)
    assert holders[reg.DEPUTY].name == "佐藤 一郎"
    assert holders[reg.DEPUTY].department_name == "情報政策課"
    assert holders[reg.ADMINISTRATOR].name == "山本 健"
    sns = register_people.holders_on(RegisterEntry.get(RegisterEntry.name == "公式 X"), today)
    assert sns[reg.DEPUTY] is None
    people_events = AuditEvent.select().where(AuditEvent.action == "register.person")
    assert people_events.count() == 4  # two 責任者, one 副責任者, one 管理者・担当者


def test_an_exported_register_imported_again_names_the_same_people(db):
    first = _csv(
        [HEADER, ["外部サービス", "事務部局", "電子申請", "高橋 真理", "佐藤 一郎", "山本 健"]]
    )
    register_import.import_register(Actor.system("t"), SYSTEM_READER, first, dry_run=False)
    exported = register_exports.export_register(SYSTEM_READER, "csv", None).data
    RegisterEntry.update(status=reg.RETIRED).execute()  # the same service may come back
    report = register_import.import_register(
        Actor.system("t"), SYSTEM_READER, exported, dry_run=False
    )
    assert report.written, report.rejected
    again = RegisterEntry.select().where(RegisterEntry.status != reg.RETIRED).get()
    holders = register_people.holders_on(again, today_jst())
    assert {role: h.name for role, h in holders.items() if h} == {
        reg.RESPONSIBLE: "高橋 真理",
        reg.DEPUTY: "佐藤 一郎",
        reg.ADMINISTRATOR: "山本 健",
    }
