"""Expiry watch: certificates against today and the contract's end, evidence status, reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.services.test_judgement import Build, new_officer
from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import expiry
from vendorcheck.services.reminders import queue_reminders
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    MailMessage,
    Staff,
    VendorCertification,
)


@pytest.fixture
def build(db, make_staff) -> Build:
    return Build(new_officer(make_staff))


def days(n: int) -> dt.date:
    return today_jst() + dt.timedelta(days=n)


def certified(expires_on: dt.date) -> dict[str, str]:
    return {
        "a.policy": "yes",
        "a.detail": "説明",
        "cert.isms": "certified",
        "cert.isms_expiry": expires_on.isoformat(),
    }


def certify(assessment: Assessment, expires_on: dt.date | None, number: str = "IS 123") -> int:
    return VendorCertification.create(
        vendor=assessment.vendor_id, kind="isms", number=number, expires_on=expires_on
    ).id


def expiry_mails() -> list[MailMessage]:
    query = MailMessage.select().where(MailMessage.dedupe_key.startswith("expiry:"))
    return list(query.order_by(MailMessage.id))


# --- the checks on one assessment --------------------------------------------------------------


def test_a_certificate_expiring_before_the_contract_ends_is_a_finding(build: Build):
    assessment = build(certified(days(200)), contract_end=days(400))
    certify(assessment, days(30), "IS 900")
    checks = {c.source: c for c in expiry.certificate_checks(assessment)}
    answered = checks["answer"]
    assert answered.question_id == "cert.isms_expiry" and answered.expires_on == days(200)
    assert answered.state == "before_contract_end"
    assert answered.state_label.startswith("✗") and "契約期間の終了日" in answered.findings[0]
    registered = checks["vendor"]
    assert registered.label == "ISMS（ISO/IEC 27001）（IS 900）"
    assert registered.state == "before_contract_end" and len(registered.findings) == 2
    assert "あと30日" in registered.findings[1]


@pytest.mark.parametrize(
    ("expires", "contract_end", "state", "findings"),
    [
        (-1, 400, "expired", 1),
        (0, None, "soon", 1),
        (90, None, "soon", 1),
        (91, None, "valid", 0),
        (500, 400, "valid", 0),
        (400, 400, "valid", 0),  # expires on the last day of the contract: covered
        (None, 400, "unknown", 0),
    ],
)
def test_expiry_is_judged_against_today_the_90_day_window_and_the_contract(
    expires, contract_end, state, findings, today
):
    expires_on = None if expires is None else days(expires)
    end = None if contract_end is None else days(contract_end)
    judged, messages = expiry.judge(expires_on, today, end)
    assert (judged, len(messages)) == (state, findings)


def test_hidden_or_unanswered_expiry_questions_are_not_checked(build: Build):
    assessment = build()  # cert.isms = none: the expiry question is hidden
    assert expiry.certificate_checks(assessment) == []


def test_evidence_is_present_missing_or_expired(build: Build):
    present = build(certified(days(300)), attach=True)
    missing = build(certified(days(300)))
    expired = build(certified(days(-10)), attach=True)
    for assessment, state in ((present, "present"), (missing, "missing"), (expired, "expired")):
        (item,) = expiry.evidence_status(assessment)
        assert (item.question_id, item.state) == ("cert.isms_certificate", state)
    (item,) = expiry.evidence_status(expired)
    assert item.expires_on == days(-10) and item.files[0].filename == "登録証.pdf"
    assert item.state_label.startswith("✗")
    assert expiry.evidence_status(build()) == []  # no file question applies


# --- the watch and its reminders ---------------------------------------------------------------


def test_expiring_soon_lists_certificates_and_answers_within_90_days(build: Build, today):
    in_window = build(certified(days(60)), vendor_name="株式会社期限")
    cert_id = certify(in_window, days(30))
    certify(in_window, days(120), "IS 2")  # outside the window
    certify(in_window, days(-1), "IS 3")  # already expired: a scorecard finding instead
    rejected = build(certified(days(10)))
    Assessment.update(status=status.REJECTED).where(Assessment.id == rejected.id).execute()
    ended = build(certified(days(10)), contract_end=days(-1))
    build(certified(days(10)), submit=False)  # a draft is not watched
    items = expiry.expiring_soon(today)
    assert [(i.source, i.days_left) for i in items] == [("vendor", 30), ("answer", 60)]
    cert, answer = items
    assert cert.key == f"expiry:cert:{cert_id}:{days(30).isoformat()}"
    assert answer.key == f"expiry:answer:{in_window.id}:cert.isms_expiry:{days(60).isoformat()}"
    assert answer.assessment_id == in_window.id and answer.case_title == in_window.case.title
    assert answer.vendor_name == "株式会社期限"
    assert ended.id not in {i.assessment_id for i in items}
    assert expiry.expiring_soon(today, days=29) == []


def test_expiry_reminder_is_queued_once_per_item_and_date(build: Build, today):
    assessment = build(certified(days(60)))
    cert_id = certify(assessment, days(30))
    first = queue_reminders(today)
    assert first.expiry == 2
    mails = expiry_mails()
    assert {m.to_address for m in mails} == {"officer@city.example.jp"}
    assert {m.dedupe_key for m in mails} == {
        f"expiry:cert:{cert_id}:{days(30).isoformat()}",
        f"expiry:answer:{assessment.id}:cert.isms_expiry:{days(60).isoformat()}",
    }
    assert all("有効期限が近づいています" in m.subject for m in mails)
    assert "あと30日" in mails[0].body and "令和" in mails[0].body
    assert queue_reminders(today).expiry == 0, "a second run queues nothing"
    assert queue_reminders(today + dt.timedelta(days=1)).expiry == 0, "nor the next day"
    VendorCertification.update(expires_on=days(45)).where(
        VendorCertification.id == cert_id
    ).execute()
    assert queue_reminders(today).expiry == 1, "a new expiry date is a new window"
    assert AuditEvent.select().where(AuditEvent.action == "mail.expiry_remind").count() == 2


def test_expiry_reminder_falls_back_to_the_vendor_contact_or_counts_no_address(build: Build, today):
    with_contact = build(certified(days(20)))
    without = build(certified(days(20)), vendor_email="")
    Staff.update(active=False).execute()
    report = queue_reminders(today)
    assert (report.expiry, report.no_address) == (1, 1)
    (mail,) = expiry_mails()
    assert mail.to_address == "vendor@example.jp" and with_contact.id != without.id
    assert "更新後の登録証" in mail.body and "ご担当者 様" in mail.body


def test_a_closed_case_is_still_watched_while_its_contract_runs(build: Build, today):
    assessment = build(certified(days(20)), contract_end=days(10))
    Case.update(closed=True).where(Case.id == assessment.case_id).execute()
    assert [i.assessment_id for i in expiry.expiring_soon(today)] == [assessment.id]
    assert queue_reminders(today).expiry == 1


def test_the_remind_command_prints_remediation_and_expiry_counts(build: Build, runner, today):
    build(certified(days(20)))
    result = runner.invoke(args=["remind", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert "期限を過ぎた是正措置の通知 0 件" in result.output
    assert "90日以内に有効期限を迎える認証のお知らせ 1 件" in result.output
    assert "send-mail" in result.output
