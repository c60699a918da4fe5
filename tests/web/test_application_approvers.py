"""Approvers named in the organisation settings: an admin names staff who may decide use
applications (all departments or one); the approval check allows exactly them besides the
ciso and admin; every naming and removal is audited."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.registers_helpers import (
    answer_self_check,
    apply_for_sns,
    as_user,
    decide,
    department_id,
    staff_of,
    submit_application,
)
from vendorcheck.domain import registers as reg
from vendorcheck.store.models import (
    ApplicationApprover,
    AuditEvent,
    MailMessage,
    RegisterEntry,
    UseApplication,
)


def _name_approver(client, staff, department: str | None = None):
    token = csrf_token(client, "/admin/organisation")
    return client.post(
        "/admin/organisation/approvers",
        data={
            "csrf_token": token,
            "staff_id": str(staff.id),
            "department_id": str(department_id(department)) if department else "",
        },
    )


def _submitted_application(client, officer) -> int:
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id)
    answer_self_check(client, application_id)
    assert submit_application(client, application_id).status_code == 302
    return application_id


def test_named_approver_of_a_department_decides_its_applications(client, make_staff, db):
    admin = staff_of(make_staff, "admin", display_name="管理 花子")
    approver = staff_of(
        make_staff,
        "officer",
        "消防部局",
        display_name="情報政策 課長",
        email="kacho@city.example.jp",
    )
    as_user(client, admin)
    named = _name_approver(client, approver, "事務部局")
    assert named.status_code == 302
    settings = client.get("/admin/organisation").get_data(as_text=True)
    assert "情報政策 課長" in settings and "事務部局" in settings
    event = AuditEvent.get(AuditEvent.action == "organisation.approver_add")
    assert "情報政策 課長" in event.summary and "事務部局" in event.summary

    applicant = staff_of(make_staff, "officer", display_name="高橋 真理")
    application_id = _submitted_application(client, applicant)
    assert MailMessage.select().where(MailMessage.to_address == "kacho@city.example.jp").exists()

    as_user(client, approver)
    assert "架空市防災情報" in client.get("/applications/").get_data(as_text=True)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert 'id="decision"' in page and "台帳の項目を見る" not in page
    assert "申請内容（第1版）" in page and "平日 8時30分〜17時15分" in page
    assert decide(client, application_id, "approve", "問題なし").status_code == 302
    entry = RegisterEntry.get_by_id(UseApplication.get_by_id(application_id).entry_id)
    assert entry.status == reg.APPROVED
    decision = AuditEvent.get(AuditEvent.action == "application.approve")
    assert decision.actor_id == approver.id


def test_staff_not_named_for_the_department_are_refused(client, make_staff, db):
    admin = staff_of(make_staff, "admin")
    fire_approver = staff_of(make_staff, "officer", "消防部局", display_name="消防 承認者")
    outsider = staff_of(make_staff, "officer", "消防部局", display_name="消防 職員")
    colleague = staff_of(make_staff, "officer", display_name="同じ課の職員")
    as_user(client, admin)
    assert _name_approver(client, fire_approver, "消防部局").status_code == 302
    application_id = _submitted_application(client, staff_of(make_staff, "officer"))

    for refused in (fire_approver, outsider):  # named for another department / not named
        as_user(client, refused)
        assert client.get(f"/applications/{application_id}").status_code == 403
        assert "架空市防災情報" not in client.get("/applications/").get_data(as_text=True)
        response = decide(client, application_id, "approve", "承認します")
        assert response.status_code == 403
    as_user(client, colleague)  # reads the own department's application, may not decide it
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert 'id="decision"' not in page
    refused = client.post(
        f"/applications/{application_id}/decide",
        data={
            "csrf_token": csrf_token(client, f"/applications/{application_id}"),
            "decision": "approve",
            "reason": "承認します",
        },
    )
    assert refused.status_code == 403 and "組織設定で承認者に指名" in refused.get_data(as_text=True)
    assert UseApplication.get_by_id(application_id).status == reg.SUBMITTED


def test_a_named_approver_never_decides_an_own_application(client, make_staff, db):
    admin = staff_of(make_staff, "admin")
    approver = staff_of(make_staff, "officer", display_name="兼務 職員")
    as_user(client, admin)
    assert _name_approver(client, approver).status_code == 302  # every department
    application_id = _submitted_application(client, approver)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert 'id="decision"' not in page
    response = decide(client, application_id, "approve", "自分で承認")
    assert response.status_code == 403
    assert "自分が作成した利用申請は判断できません" in response.get_data(as_text=True)


def test_removing_an_approver_is_audited_and_ends_the_right(client, make_staff, db):
    admin = staff_of(make_staff, "admin")
    approver = staff_of(make_staff, "officer", "消防部局", display_name="元 承認者")
    as_user(client, admin)
    _name_approver(client, approver)
    row = ApplicationApprover.get()
    token = csrf_token(client, "/admin/organisation")
    removed = client.post(
        f"/admin/organisation/approvers/{row.id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 302 and not ApplicationApprover.select().exists()
    assert AuditEvent.get(AuditEvent.action == "organisation.approver_remove")
    again = client.post(
        f"/admin/organisation/approvers/{row.id}/remove", data={"csrf_token": token}
    )
    assert again.status_code == 404
    application_id = _submitted_application(client, staff_of(make_staff, "officer"))
    as_user(client, approver)
    assert decide(client, application_id, "approve", "承認します").status_code == 403


def test_wrong_approver_choices_get_a_japanese_message(client, make_staff, db):
    admin = staff_of(make_staff, "admin")
    viewer = staff_of(make_staff, "viewer", display_name="閲覧 職員")
    ciso = staff_of(make_staff, "ciso", display_name="統括 責任者")
    officer = staff_of(make_staff, "officer", display_name="二重 指名")
    as_user(client, admin)
    assert "閲覧者は承認者にできません" in _name_approver(client, viewer).get_data(as_text=True)
    response = _name_approver(client, ciso)
    assert response.status_code == 400 and "指名しなくても" in response.get_data(as_text=True)
    assert _name_approver(client, officer).status_code == 302
    twice = _name_approver(client, officer, "事務部局")
    assert twice.status_code == 400 and "すでに全部局の承認者です" in twice.get_data(as_text=True)
    token = csrf_token(client, "/admin/organisation")
    for staff_id, department in (("9" * 30, ""), ("abc", ""), (str(officer.id), "9" * 25)):
        hostile = client.post(
            "/admin/organisation/approvers",
            data={"csrf_token": token, "staff_id": staff_id, "department_id": department},
        )
        assert hostile.status_code == 400
    assert ApplicationApprover.select().count() == 1
    as_user(client, officer)
    assert client.get("/admin/organisation").status_code == 403
