"""Deadline reminders: 7, 3 and 1 days before to the vendor, daily to staff once overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import english_date, wareki
from vendorcheck.services import cases as case_service
from vendorcheck.services import invitations
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services import vendors as vendor_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.reminders import queue_reminders
from vendorcheck.store.models import AuditEvent, Case, Department, MailMessage


@pytest.fixture
def deadline(today) -> dt.date:
    """The answer deadline of the invitations: 20 days after today in Japan, when the test runs."""
    return today + dt.timedelta(days=20)


@pytest.fixture
def invite(app, db, make_staff, deadline):
    """Invite a new vendor to a new case with the deadline; return the assessment."""
    officer = make_staff("officer", email="officer@city.example.jp", display_name="高橋 真理")
    actor = Actor("staff", officer.id, officer.display_name)
    department = Department.get(Department.name == "事務部局").id
    catalogue = questionnaire_service.catalogue(app.config)
    made = []

    def _invite(email="sales@vendor.example.jp", language="ja", kind="outsourcing", level="1"):
        n = len(made) + 1
        vendor = vendor_service.create_vendor(
            actor, name=f"株式会社テスト{n}", contact_name="青木 美咲", contact_email=email
        )
        case = case_service.create_case(
            actor,
            case_service.CaseInput(f"公式SNSの運用{n}", kind, department, level),
        )
        (link,) = invitations.invite(
            actor,
            case,
            [vendor.id],
            catalogue.for_kind(kind)[0],
            deadline=deadline,
            language=language,
            settings=invitations.LinkSettings("http://vendorcheck.test"),
        )
        made.append(link.assessment)
        return link.assessment

    _invite.officer = officer
    return _invite


def reminders() -> list[MailMessage]:
    return list(
        MailMessage.select()
        .where(MailMessage.dedupe_key.startswith("remind:"))
        .order_by(MailMessage.id)
    )


def test_vendor_is_reminded_7_3_and_1_days_before_and_never_on_other_days(invite, deadline):
    assessment = invite()
    reminded = {}
    for days_before in range(10, 0, -1):
        report = queue_reminders(deadline - dt.timedelta(days=days_before))
        if report.vendor:
            reminded[days_before] = report.vendor
    assert reminded == {7: 1, 3: 1, 1: 1}
    mails = reminders()
    assert [m.to_address for m in mails] == ["sales@vendor.example.jp"] * 3
    assert "あと7日" in mails[0].subject and "あと3日" in mails[1].subject
    assert "明日" in mails[2].subject
    assert queue_reminders(deadline).queued == 0, "nothing on the deadline day itself"
    assert assessment.case.title in mails[0].body


def test_the_reminder_has_no_link_and_says_how_to_get_one(invite, deadline):
    assessment = invite()
    queue_reminders(deadline - dt.timedelta(days=3))
    (mail,) = reminders()
    assert "/p/" not in mail.body and "http" not in mail.body
    assert "招待メール" in mail.body and "再発行" in mail.body
    assert "officer@city.example.jp" in mail.body  # whom to ask for a new link
    assert "青木 美咲 様" in mail.body and "令和" in mail.body
    assert mail.dedupe_key == f"remind:vendor:{assessment.id}:3:{deadline.isoformat()}"


def test_an_english_assessment_gets_an_english_reminder(invite, deadline):
    invite(language="en")
    queue_reminders(deadline - dt.timedelta(days=1))
    (mail,) = reminders()
    assert "due tomorrow" in mail.subject
    assert "invitation e-mail" in mail.body and english_date(deadline) in mail.body
    assert deadline.isoformat() not in mail.body


def test_a_returned_assessment_is_reminded_to_resubmit(invite, deadline):
    assessment = invite()
    assessment.status = status.RETURNED
    assessment.save()
    queue_reminders(deadline - dt.timedelta(days=7))
    (mail,) = reminders()
    assert "再提出" in mail.body


@pytest.mark.parametrize("stored", [status.SUBMITTED, status.ACCEPTED, status.REJECTED])
def test_no_reminder_or_overdue_notice_once_the_vendor_cannot_edit(invite, stored, deadline):
    assessment = invite()
    assessment.status = stored
    assessment.save()
    for day in (deadline - dt.timedelta(days=7), deadline + dt.timedelta(days=1)):
        assert queue_reminders(day).queued == 0
    assert reminders() == []


def test_no_reminder_for_a_closed_case(invite, deadline):
    assessment = invite()
    Case.update(closed=True).where(Case.id == assessment.case_id).execute()
    assert queue_reminders(deadline - dt.timedelta(days=7)).queued == 0


def test_a_vendor_without_an_address_is_counted_not_mailed(invite, deadline):
    invite(email="")
    report = queue_reminders(deadline - dt.timedelta(days=7))
    assert (report.vendor, report.no_address) == (0, 1)
    assert reminders() == []


def test_overdue_goes_to_the_inviting_staff_once_a_day(invite, deadline):
    assessment = invite()
    day_after = deadline + dt.timedelta(days=1)
    first = queue_reminders(day_after)
    assert (first.vendor, first.overdue) == (0, 1)
    (mail,) = reminders()
    assert mail.to_address == "officer@city.example.jp"
    assert "回答期限を過ぎています" in mail.subject and "1日過ぎて" in mail.body
    assert mail.dedupe_key == f"remind:overdue:{assessment.id}:{day_after.isoformat()}"
    assert queue_reminders(day_after).queued == 0, "a second run the same day sends nothing"
    assert queue_reminders(day_after + dt.timedelta(days=1)).overdue == 1, "the next day, again"
    assert len(reminders()) == 2


def test_overdue_notice_skipped_when_the_inviting_staff_member_is_disabled(invite, deadline):
    invite()
    invite.officer.active = False
    invite.officer.save()
    report = queue_reminders(deadline + dt.timedelta(days=2))
    assert (report.overdue, report.no_address) == (0, 1)


def test_one_audit_event_per_run_and_only_when_something_was_queued(invite, deadline):
    invite()
    invite(email="other@vendor.example.jp")
    day = deadline - dt.timedelta(days=7)
    assert queue_reminders(day).vendor == 2
    assert queue_reminders(day).queued == 0
    assert queue_reminders(day + dt.timedelta(days=1)).queued == 0
    (event,) = AuditEvent.select().where(AuditEvent.action == "mail.remind")
    assert event.actor_kind == "system" and event.actor_label == "remind"
    assert "事業者あて 2 件" in event.summary


def test_remind_command_runs_for_a_given_day_and_twice_is_harmless(invite, runner, deadline):
    invite()
    day = (deadline - dt.timedelta(days=3)).isoformat()
    first = runner.invoke(args=["remind", "--today", day])
    assert first.exit_code == 0, first.output
    shown = wareki(deadline - dt.timedelta(days=3))
    assert f"{shown}: 事業者へのリマインダー 1 件、期限超過の職員への通知 0 件" in first.output
    second = runner.invoke(args=["remind", "--today", day])
    assert second.exit_code == 0 and "リマインダー 0 件" in second.output
    assert len(reminders()) == 1


def test_remind_command_without_a_date_uses_today_in_japan(runner, db):
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    assert "事業者へのリマインダー 0 件" in result.output


@pytest.mark.parametrize("bad", ["2025-02-30", "明日", "2025/04/01", "tomorrow"])
def test_remind_command_explains_a_bad_date_in_japanese(runner, db, bad):
    result = runner.invoke(args=["remind", "--today", bad])
    assert result.exit_code == 2
    assert f"--today の値「{bad}」は日付として読めません" in result.output
    assert "YYYY-MM-DD" in result.output
    assert MailMessage.select().count() == 0


def test_two_runs_at_once_queue_each_reminder_once(app, invite, deadline):
    import threading

    invite()
    invite(email="other@vendor.example.jp")
    database = app.extensions["vendorcheck_db"]
    day, reports, errors = deadline - dt.timedelta(days=7), [], []

    def run() -> None:
        try:
            with database.connection_context():
                reports.append(queue_reminders(day))
        except Exception as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(report.vendor for report in reports) == 2
    assert len(reminders()) == 2
