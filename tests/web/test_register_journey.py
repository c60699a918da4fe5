"""The department's whole journey: apply for an SNS account with the self-check, be returned,
resubmit, be approved, go into use, appear on the public list, change the 責任者 and read the
history on a past date, generate the 運用手順書."""

from __future__ import annotations

import datetime as dt
import io
import json

import docx

from tests.conftest import csrf_token
from tests.registers_helpers import (
    answer_self_check,
    apply_for_sns,
    as_user,
    decide,
    staff_of,
    submit_application,
)
from vendorcheck.domain import registers as reg
from vendorcheck.store.models import (
    AuditEvent,
    MailMessage,
    RegisterEntry,
    RegisterPerson,
    UseApplication,
)


def _approved_account(client, make_staff):
    officer = staff_of(make_staff, "officer", display_name="高橋 真理")
    ciso = staff_of(make_staff, "ciso", display_name="佐藤 修一", email="ciso@city.example.jp")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id)
    answer_self_check(client, application_id)
    assert submit_application(client, application_id).status_code == 302
    as_user(client, ciso)
    assert decide(client, application_id, "approve", "自己点検に問題なし").status_code == 302
    entry_id = UseApplication.get_by_id(application_id).entry_id
    as_user(client, officer)
    token = csrf_token(client, f"/registers/{entry_id}")
    client.post(f"/registers/{entry_id}/status", data={"csrf_token": token, "status": "active"})
    return officer, ciso, entry_id


def test_apply_return_resubmit_approve_and_go_into_use(client, make_staff, db):
    officer = staff_of(make_staff, "officer", display_name="高橋 真理")
    ciso = staff_of(make_staff, "ciso", display_name="佐藤 修一", email="ciso@city.example.jp")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id)
    entry = UseApplication.get_by_id(application_id).entry
    assert entry.status == reg.APPLIED and entry.entry_type == reg.SNS
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "自己点検" in page and "承認者に提出する" not in page
    refused = submit_application(client, application_id)
    assert refused.status_code == 302
    assert UseApplication.get_by_id(application_id).status == reg.DRAFT

    answer_self_check(client, application_id)
    assert submit_application(client, application_id).status_code == 302
    application = UseApplication.get_by_id(application_id)
    assert application.status == reg.SUBMITTED and application.submitted_version == 1
    assert json.loads(application.submitted_answers)
    assert MailMessage.select().where(MailMessage.to_address == "ciso@city.example.jp").exists()

    as_user(client, ciso)
    assert "架空市防災情報" in client.get("/applications/").get_data(as_text=True)
    decide(client, application_id, "return", "対応時間を具体的に記入してください。")
    assert UseApplication.get_by_id(application_id).status == reg.RETURNED
    as_user(client, officer)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "対応時間を具体的に記入してください。" in page and "承認者に提出する" in page
    assert submit_application(client, application_id).status_code == 302
    assert UseApplication.get_by_id(application_id).submitted_version == 2

    officer_try = decide(client, application_id, "approve", "自分で承認")
    assert officer_try.status_code == 403
    as_user(client, ciso)
    assert decide(client, application_id, "approve", "問題なし").status_code == 302
    entry = RegisterEntry.get_by_id(entry.id)
    assert entry.status == reg.APPROVED
    assert not client.get("/official-accounts.json").get_json()["accounts"]

    as_user(client, officer)
    token = csrf_token(client, f"/registers/{entry.id}")
    client.post(f"/registers/{entry.id}/status", data={"csrf_token": token, "status": "active"})
    assert RegisterEntry.get_by_id(entry.id).status == reg.ACTIVE
    actions = {e.action for e in AuditEvent.select()}
    assert {
        "application.start",
        "application.submit",
        "application.return",
        "application.approve",
        "register.status",
        "register.person",
    } <= actions


def test_active_account_is_on_the_public_list_without_login(client, make_staff, db):
    _officer, _ciso, _entry_id = _approved_account(client, make_staff)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    data = client.get("/official-accounts.json")
    assert data.status_code == 200 and "public" in data.headers["Cache-Control"]
    accounts = data.get_json()["accounts"]
    assert accounts == [
        {
            "platform": "LINE",
            "account_name": "架空市防災情報",
            "url": "https://line.me/R/ti/p/@kakuu-bousai",
            "section": "事務部局",
            "start_date": "2026-04-01",
        }
    ]
    page = client.get("/official-accounts").get_data(as_text=True)
    assert "架空市防災情報" in page and "高橋" not in page and "@kakuu-bousai" in page
    csv_text = client.get("/official-accounts.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "プラットフォーム,アカウント名,URL,運用する部署,運用開始日"
    etag = data.headers["ETag"]
    again = client.get("/official-accounts.json", headers={"If-None-Match": etag})
    assert again.status_code == 304


def _name_person(client, entry_id: int, token: str, role: str, staff, reason: str):
    """Post a change of one of the entry's people, in force from 2026-10-01."""
    return client.post(
        f"/registers/{entry_id}/people",
        data={
            "csrf_token": token,
            "role": role,
            "staff_id": str(staff.id),
            "effective_from": "2026-10-01",
            "reason": reason,
        },
    )


def test_changing_the_responsible_person_keeps_the_history_by_date(client, make_staff, db):
    officer, _ciso, entry_id = _approved_account(client, make_staff)
    successor = staff_of(make_staff, "officer", display_name="山本 健")
    as_user(client, officer)
    token = csrf_token(client, f"/registers/{entry_id}")
    response = _name_person(client, entry_id, token, "responsible", successor, "人事異動")
    assert response.status_code == 302
    rows = list(RegisterPerson.select().where(RegisterPerson.role == "responsible"))
    assert [r.name for r in rows] == ["高橋 真理", "山本 健"]  # added, never overwritten
    before = client.get(f"/registers/{entry_id}?on=2026-05-01").get_data(as_text=True)
    after = client.get(f"/registers/{entry_id}?on=令和8年10月2日").get_data(as_text=True)
    holders = lambda html: html.split('id="holders"')[1].split("</dl>")[0]  # noqa: E731
    assert "高橋 真理" in holders(before) and "山本 健" not in holders(before)
    assert "山本 健" in holders(after)
    earlier = client.post(
        f"/registers/{entry_id}/people",
        data={
            "csrf_token": token,
            "role": "responsible",
            "staff_id": str(officer.id),
            "effective_from": "2026-05-01",
            "reason": "遡って変更",
        },
    )
    assert earlier.status_code == 302
    assert RegisterPerson.select().where(RegisterPerson.role == "responsible").count() == 2
    no_reason = client.post(
        f"/registers/{entry_id}/people",
        data={"csrf_token": token, "role": "deputy", "staff_id": str(officer.id), "reason": ""},
    )
    assert no_reason.status_code == 302
    assert RegisterPerson.select().where(RegisterPerson.role == "deputy").count() == 0


def test_an_administrator_is_named_on_both_databases(client, make_staff, db):
    """'administrator' is 13 characters: its column must hold it on PostgreSQL too."""
    officer, _ciso, entry_id = _approved_account(client, make_staff)
    as_user(client, officer)
    token = csrf_token(client, f"/registers/{entry_id}")
    response = _name_person(client, entry_id, token, "administrator", officer, "運用担当の指名")
    assert response.status_code == 302
    rows = list(RegisterPerson.select().where(RegisterPerson.role == "administrator"))
    assert [(r.entry_id, r.staff_id) for r in rows] == [(entry_id, officer.id)]


def test_disabling_the_responsible_staff_flags_the_entry(client, make_staff, db):
    from vendorcheck.services import staff as staff_service
    from vendorcheck.services.audit import Actor

    officer, _ciso, entry_id = _approved_account(client, make_staff)
    assert not RegisterEntry.get_by_id(entry_id).needs_responsible
    admin = make_staff("admin")
    staff_service.update_staff(
        Actor("staff", admin.id, "admin"),
        officer.id,
        display_name=officer.display_name,
        email="",
        role="officer",
        department_id=officer.department_id,
        active=False,
    )
    assert RegisterEntry.get_by_id(entry_id).needs_responsible
    as_user(client, admin)
    page = client.get(f"/registers/{entry_id}").get_data(as_text=True)
    assert "アカウント無効: 新しい責任者が必要です" in page
    listed = client.get("/registers/?flagged=1").get_data(as_text=True)
    assert "責任者の登録が必要" in listed


def test_operating_procedure_is_generated_from_the_entry_and_kept_as_versions(
    client, make_staff, db
):
    officer, _ciso, entry_id = _approved_account(client, make_staff)
    token = csrf_token(client, f"/registers/{entry_id}")
    for _ in range(2):
        assert (
            client.post(f"/registers/{entry_id}/procedure", data={"csrf_token": token}).status_code
            == 302
        )
    first = client.get(f"/registers/{entry_id}/procedure/1.docx")
    assert first.status_code == 200
    document = docx.Document(io.BytesIO(first.get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "架空市防災情報 運用手順書" in text
    assert "ソーシャルメディア運用方針" in text
    assert "責任者: 高橋 真理（事務部局）" in text
    assert "@kakuu-bousai" in text and "平日 8時30分〜17時15分" in text
    assert "乗っ取り" in text and "多要素認証" in text
    assert document.sections[0].page_width < document.sections[0].page_height
    assert client.get(f"/registers/{entry_id}/procedure/2.docx").status_code == 200
    assert client.get(f"/registers/{entry_id}/procedure/3.docx").status_code == 404
    del officer


def test_review_checklist_moves_the_next_review_date(client, make_staff, db):
    _officer, _ciso, entry_id = _approved_account(client, make_staff)
    RegisterEntry.update(next_review_on=dt.date(2020, 1, 1)).execute()
    assert "定期点検の期限切れ" in client.get(f"/registers/{entry_id}").get_data(as_text=True)
    token = csrf_token(client, f"/registers/{entry_id}")
    partial = client.post(
        f"/registers/{entry_id}/reviews", data={"csrf_token": token, "item": ["still_used"]}
    )
    assert partial.status_code == 302
    assert RegisterEntry.get_by_id(entry_id).next_review_on == dt.date(2020, 1, 1)
    items = [key for key, _ in reg.review_items(reg.SNS)]
    client.post(f"/registers/{entry_id}/reviews", data={"csrf_token": token, "item": items})
    assert RegisterEntry.get_by_id(entry_id).next_review_on > dt.date.today()


def test_dashboard_lists_overdue_reviews_and_waiting_applications(client, make_staff, db):
    from tests.registers_entries import make_entry

    entry = make_entry(name="点検切れの公式 X", next_review_on=dt.date(2020, 4, 1))
    officer = staff_of(make_staff, "officer", display_name="高橋 真理")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id, name="申請中の公式 LINE")
    answer_self_check(client, application_id)
    submit_application(client, application_id)
    page = client.get("/").get_data(as_text=True)
    assert "点検切れの公式 X" in page and f"/registers/{entry.id}#reviews" in page
    assert "申請中の公式 LINE" in page


def test_remind_mails_the_responsible_person_of_an_overdue_review_once_a_day(
    runner, make_staff, db
):
    from tests.registers_entries import make_entry
    from vendorcheck.services import register_people
    from vendorcheck.services.audit import Actor

    officer = staff_of(
        make_staff, "officer", display_name="高橋 真理", email="takahashi@city.example.jp"
    )
    entry = make_entry(name="点検切れの公式 X", next_review_on=dt.date(2026, 1, 1))
    register_people.add_assignment(
        Actor.system("test"),
        entry,
        register_people.PersonInput(reg.RESPONSIBLE, staff_id=officer.id),
        effective_from=dt.date(2025, 5, 1),
        reason="試験",
    )
    for _ in range(2):
        result = runner.invoke(args=["remind", "--today", "2026-02-01"])
        assert result.exit_code == 0, result.output
    mails = MailMessage.select().where(MailMessage.to_address == "takahashi@city.example.jp")
    assert mails.count() == 1 and "点検切れの公式 X" in mails.get().subject
