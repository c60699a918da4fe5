"""Remediations past their due date: the dashboard's list and the daily notice to the staff
member who recorded the remediation (or who invited the vendor), queued by `vendorcheck remind`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.judgement import named_question
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import site_name
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    QuestionnaireSnapshot,
    Remediation,
    Staff,
    Vendor,
)
from vendorcheck.store.prepared import PreparedSelect


@dataclass(frozen=True)
class OverdueRemediation:
    remediation: Remediation  # with .assessment, .assessment.case, .assessment.vendor loaded
    days_late: int


def _overdue(limit: int | None, today: dt.date):
    """Accepted, not done, past their due date (the newest row per question), with what the
    dashboard and the notices read of them, their assessment, case, vendor and snapshot (not
    its content: the questionnaire is kept by hash once rebuilt)."""
    newer = Remediation.alias()
    superseded = newer.select(newer.id).where(
        newer.assessment == Remediation.assessment,
        newer.question_id == Remediation.question_id,
        newer.id > Remediation.id,
    )
    return (
        Remediation.select(
            Remediation.id,
            Remediation.assessment,
            Remediation.question_id,
            Remediation.action,
            Remediation.due_on,
            Remediation.staff,
            Assessment.id,
            Assessment.case,
            Assessment.vendor,
            Assessment.snapshot,
            Assessment.invited_by,
            Case.id,
            Case.title,
            Vendor.id,
            Vendor.name,
            QuestionnaireSnapshot.id,
            QuestionnaireSnapshot.questionnaire_id,
            QuestionnaireSnapshot.version,
            QuestionnaireSnapshot.content_hash,
        )
        .join(Assessment)
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .switch(Assessment)
        .join(QuestionnaireSnapshot)
        .where(
            Remediation.accepted == True,  # noqa: E712
            Remediation.done_at.is_null(),
            Remediation.due_on < today,
            Assessment.status != status.REJECTED,
            ~fn.EXISTS(superseded),
        )
        .order_by(Remediation.due_on, Remediation.id)
        .limit(limit)
    )


_OVERDUE = PreparedSelect(_overdue)  # built once per database and limit


def overdue_remediations(
    today: dt.date | None = None, *, limit: int | None = 50
) -> list[OverdueRemediation]:
    """Accepted, not done, past their due date (the newest row per question), in one query."""
    today = today or today_jst()
    return [
        OverdueRemediation(row, (today - row.due_on).days) for row in _OVERDUE.rows(limit, today)
    ]


def _active_email(staff: Staff | None) -> str:
    return staff.email if staff is not None and staff.active and staff.email else ""


def queue_overdue_remediation_notices(today: dt.date | None = None) -> tuple[int, int]:
    """Mail each overdue remediation to the staff member who recorded it (or who invited),
    once a day; return (queued, without an address)."""
    today = today or today_jst()
    queued = no_address = 0
    with database.atomic():
        for item in overdue_remediations(today, limit=None):
            row = item.remediation
            assessment = row.assessment
            to = _active_email(row.staff) or _active_email(assessment.invited_by)
            if not to:
                no_address += 1
                continue
            subject = (
                f"【{site_name()}】是正措置の期限を過ぎています"
                f"（{assessment.case.title} / {assessment.vendor.name}）"
            )
            body = (
                f"案件「{assessment.case.title}」の {assessment.vendor.name} について承認した是正措置"
                f"（質問{named_question(assessment, row.question_id)}）は、期限 {wareki(row.due_on)} を{item.days_late}日過ぎていますが、"
                f"まだ完了の記録がありません。\n\n是正措置: {row.action}\n\n"
                "事業者に実施状況を確認し、完了していれば採点表で「完了」を記録してください。\n"
                "このお知らせは完了が記録されるまで毎日1回送られます。\n"
            )
            key = f"remediation:overdue:{row.id}:{today.isoformat()}"
            if queue_mail(to, subject, body, dedupe_key=key) is not None:
                queued += 1
        if queued:
            audit.record(
                Actor.system("remind"),
                "mail.remediation_remind",
                "mail",
                "",
                f"期限を過ぎた是正措置の通知を送信待ちに追加（{wareki(today)}: {queued} 件）",
                after={"date": today.isoformat(), "queued": queued, "no_address": no_address},
            )
    return queued, no_address
