"""Bugs 4–6 of the review loop: the return mail's link and greeting, accepting with questions
still waiting for a reviewer's score, and invitations before the organisation is set up."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token, home_department
from tests.fixtures import review_questionnaire
from tests.web.test_review import _post, _staff_actor
from vendorcheck.domain import assessment_status as status
from vendorcheck.services import answers as answer_service
from vendorcheck.services.invitations import LinkSettings, invite
from vendorcheck.services.organisation import UNSET_NAME
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    MailMessage,
    Organisation,
    Vendor,
)

QUESTIONNAIRE = review_questionnaire(
    "review_bugs",
    "審査の不具合確認用",
    respondent=None,
    questions=("a.policy", "a.detail"),
    changes={
        "a.policy": {"weight": None, "mandatory_from_tier": None, "options": ["yes", "no"]},
        "a.detail": {
            "multiline": None,
            "weight": None,
            "show_if": {"question": "a.policy", "in": ["no"]},
        },
    },
)


def _vendor_with_contact() -> Vendor:
    return Vendor.create(
        name="株式会社みなと",
        name_normalized="株式会社みなと",
        contact_name="佐藤 花子",
        contact_email="sato@minato.example.jp",
    )


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


def _submitted_with(officer, answers: dict[str, str]) -> Assessment:
    case = Case.create(
        title="庁内LAN保守",
        kind="outsourcing",
        classification_level="2",
        tier=2,
        department=home_department(),
    )
    (link,) = invite(
        _staff_actor(officer),
        case,
        [_vendor_with_contact().id],
        QUESTIONNAIRE,
        deadline=None,
        language="ja",
        settings=LinkSettings(base_url="http://vendorcheck.test"),
    )
    fresh = Assessment.get_by_id(link.assessment.id)
    form = {f"q__{qid}": [value] for qid, value in answers.items()}
    result = answer_service.save_section(fresh, "a", form, fresh.draft_revision)
    assert not result.errors, result.errors
    fresh = Assessment.get_by_id(link.assessment.id)
    answer_service.submit(fresh, fresh.draft_revision, answer_service.vendor_actor(fresh, ""))
    return Assessment.get_by_id(link.assessment.id)


# --- bug 4: the return mail ---------------------------------------------------------------------


def test_return_mail_greets_the_contact_by_name_and_carries_a_working_link(client, officer):
    assessment = _submitted_with(officer, {"a.policy": "no", "a.detail": "体制の説明"})
    response = _post(
        client,
        assessment,
        "return",
        message="体制図を添えてください。",
        **{"comment__a.detail": "担当者の人数を書いてください。"},
    )
    assert response.status_code == 302
    mail = MailMessage.get(MailMessage.subject.contains("差し戻し"))
    assert mail.to_address == "sato@minato.example.jp"
    assert "佐藤 花子 様" in mail.body and "ご担当者 様" not in mail.body
    assert "【テスト市】" in mail.subject
    link = re.search(r"http://vendorcheck\.test(/p/[A-Za-z0-9_-]+/)", mail.body)
    assert link, mail.body
    portal = client.get(link.group(1))
    assert portal.status_code == 200
    assert "担当者の人数を書いてください。" in client.get(link.group(1) + "s/a").get_data(
        as_text=True
    )
    event = AuditEvent.get(AuditEvent.action == "assessment.return")
    assert "link_expires_at" in event.after


# --- bug 5: accepting with scores still pending ---------------------------------------------------


def _pending_assessment(officer) -> Assessment:
    # a.detail is free text scored by a reviewer: until scored, the verdict is 未確定
    return _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})


def test_accept_with_pending_reviewer_scores_is_refused_without_confirmation(client, officer):
    assessment = _pending_assessment(officer)
    page = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert "審査待ちの質問が 1 件あり" in page and "管理体制を説明してください。" in page
    refused = _post(client, assessment, "decide", decision="accepted", reason="問題なし")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "審査待ちの質問が 1 件あり、判定は未確定です。" in html
    assert 'value="accepted" checked' in html and "問題なし" in html  # input kept
    assert Assessment.get_by_id(assessment.id).status == status.SUBMITTED
    assert not AuditEvent.select().where(AuditEvent.action == "assessment.accept").exists()


def test_accept_with_pending_scores_needs_a_reason_and_is_audited(client, officer):
    assessment = _pending_assessment(officer)
    no_reason = _post(client, assessment, "decide", decision="accepted", confirm_pending="y")
    assert no_reason.status_code == 400
    assert "審査待ちのまま承認する理由を入力してください。" in no_reason.get_data(as_text=True)
    accepted = _post(
        client,
        assessment,
        "decide",
        decision="accepted",
        confirm_pending="y",
        reason="記述式の回答は契約前の面談で確認するため。",
    )
    assert accepted.status_code == 302
    decided = Assessment.get_by_id(assessment.id)
    assert decided.status == status.ACCEPTED
    event = AuditEvent.get(AuditEvent.action == "assessment.accept")
    assert '"accepted_with_pending_review": ["a.detail"]' in event.after
    assert "審査待ち 1 件のまま" in event.summary
    assert "面談で確認する" in event.after


def test_reject_is_not_held_up_by_pending_scores(client, officer):
    assessment = _pending_assessment(officer)
    rejected = _post(client, assessment, "decide", decision="rejected", reason="方針がないため。")
    assert rejected.status_code == 302
    assert Assessment.get_by_id(assessment.id).status == status.REJECTED


# --- bug 6: the organisation must be set up before vendors are invited ------------------------------


def _case() -> Case:
    return Case.create(
        title="庁内LAN保守",
        kind="outsourcing",
        classification_level="2",
        tier=2,
        department=home_department(),
    )


def test_invitation_is_refused_until_the_organisation_has_a_name(client, login_as, db):
    Organisation.update(name=UNSET_NAME).execute()
    login_as("admin")
    case = _case()
    vendor = _vendor_with_contact()
    page = client.get(f"/cases/{case.id}/invite")
    html = page.get_data(as_text=True)
    assert "団体名がまだ設定されていないため、事業者を招待できません" in html
    assert 'href="/admin/organisation"' in html
    assert 'name="vendor_ids"' not in html  # no form to fill in for nothing
    token = csrf_token(client, f"/cases/{case.id}")
    refused = client.post(
        f"/cases/{case.id}/invite",
        data={
            "csrf_token": token,
            "vendor_ids": str(vendor.id),
            "questionnaire_id": "outsourcing",
            "language": "ja",
        },
    )
    assert refused.status_code == 400
    assert not Assessment.select().exists()
    assert not MailMessage.select().where(MailMessage.subject.contains(UNSET_NAME)).exists()


def test_first_run_dashboard_leads_the_admin_through_organisation_departments_staff(
    client, login_as, db
):
    Organisation.update(name=UNSET_NAME).execute()
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "はじめに: 使い始めるための設定" in html
    steps = [
        html.index(s) for s in ("1. 団体名を設定する", "2. 部局を確認する", "3. 職員を追加する")
    ]
    assert steps == sorted(steps)
    assert 'class="button" href="/admin/organisation"' in html
    assert UNSET_NAME not in html.split("<main", 1)[1]
    token = csrf_token(client, "/admin/organisation")
    client.post(
        "/admin/organisation",
        data={
            "csrf_token": token,
            "name": "みなと市",
            "classification_scheme": "classic",
            "classification_extra_levels": "",
            "party_terms": "itaku",
            "incident_report_hours": "24",
        },
    )
    html = client.get("/").get_data(as_text=True)
    assert "みなと市" in html and 'class="button" href="/admin/staff/new"' in html
