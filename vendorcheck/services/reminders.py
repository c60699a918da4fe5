"""Deadline reminders: queue mail to vendors before the deadline and to staff once it has passed;
then overdue remediations (services.overdue_remediations) and expiring certificates (services.expiry_reminders).

Run daily (cron); every mail carries a dedupe key, so running again the same day, or two runs
at once, queue nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import english_date, today_jst, wareki
from vendorcheck.services import (
    audit,
    expiry_reminders,
    ismap_reminders,
    monitoring_board,
    overdue_remediations,
    register_reviews,
)
from vendorcheck.services.audit import Actor
from vendorcheck.services.contract_links import ContractLinkSettings
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation, site_name
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Case, Staff, Vendor

DAYS_BEFORE = (7, 3, 1)


@dataclass(frozen=True)
class ReminderReport:
    today: dt.date
    vendor: int  # reminders queued to vendors
    overdue: int  # overdue notices queued to staff
    no_address: int  # due today but nobody to write to (no contact e-mail, no inviting staff)
    remediation: int = 0  # notices of accepted remediations past their due date
    expiry: int = 0  # notices of certificates expiring within 90 days
    ismap: int = 0  # notices of ISMAP registrations expiring within 90 days or before the end
    register_reviews: int = 0  # overdue register reviews mailed to the 責任者
    monitoring: int = 0  # contract period: reports due or overdue, overdue corrective requests

    @property
    def queued(self) -> int:
        return (
            self.vendor
            + self.overdue
            + self.remediation
            + self.expiry
            + self.ismap
            + self.register_reviews
            + self.monitoring
        )


def _due(today: dt.date) -> list[Assessment]:
    """Editable assessments of open cases whose deadline is 7, 3 or 1 days away or has passed."""
    reminder_days = [today + dt.timedelta(days=days) for days in DAYS_BEFORE]
    return list(
        Assessment.select(Assessment, Case, Vendor)
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .where(
            Assessment.status.in_(sorted(status.EDITABLE_BY_VENDOR)),
            Case.closed == False,  # noqa: E712
            Assessment.deadline.in_(reminder_days) | (Assessment.deadline < today),
        )
        .order_by(Assessment.deadline, Assessment.id)
    )


def _contact_line(staff: Staff | None, organisation: str, english: bool) -> str:
    if english:
        who = f"{staff.display_name} ({staff.email})" if staff and staff.email else organisation
        return (
            f"If you cannot find the link or it has expired, please ask {who} to issue a new one.\n"
        )
    who = (
        f"{organisation} {staff.display_name}（{staff.email}）"
        if staff and staff.email
        else organisation
    )
    return f"リンクが見当たらない場合や有効期限が切れている場合は、{who} にリンクの再発行を依頼してください。\n"


def vendor_reminder(assessment: Assessment, days: int, organisation: str) -> tuple[str, str]:
    """Subject and body of a reminder to the vendor; the link itself cannot be included."""
    vendor, case = assessment.vendor, assessment.case
    staff = assessment.invited_by
    returned = assessment.status == status.RETURNED
    if assessment.language == "en":
        when = "tomorrow" if days == 1 else f"in {days} days"
        subject = f"[{organisation}] Reminder: questionnaire due {when} ({case.title})"
        task = "revise and resubmit your returned answers" if returned else "submit your answers"
        body = (
            f"Dear {vendor.contact_name or vendor.name},\n\n"
            f'This is a reminder from {organisation}: the security questionnaire for "{case.title}" '
            f"is due on {english_date(assessment.deadline)} ({when}).\n"
            f"Please {task} by then.\n\n"
            "For security reasons this reminder does not contain your link. "
            "Please use the link in the invitation e-mail you received earlier.\n"
            + _contact_line(staff, organisation, english=True)
            + "\nIf you have already submitted, please disregard this message.\n"
        )
        return subject, body
    when = "明日" if days == 1 else f"あと{days}日"
    subject = f"【{organisation}】確認書の回答期限が近づいています（{when}・{case.title}）"
    task = (
        "差し戻しした確認書を修正のうえ、再提出してください。"
        if returned
        else "期限までに回答を提出してください。"
    )
    body = (
        f"{vendor.name}\n{vendor.contact_name + ' 様' if vendor.contact_name else 'ご担当者 様'}\n\n"
        f"{organisation}です。案件「{case.title}」の情報セキュリティ確認書の回答期限は "
        f"{wareki(assessment.deadline)}（{when}）です。{task}\n\n"
        "安全のため、このメールには回答用のリンクを記載していません。"
        "先にお送りしたご案内メール（招待メール）のリンクから回答してください。\n"
        + _contact_line(staff, organisation, english=False)
        + "\n行き違いで提出済みの場合は、このメールは破棄してください。\n"
    )
    return subject, body


def overdue_notice(assessment: Assessment, today: dt.date) -> tuple[str, str]:
    """Subject and body of the notice to the inviting staff member (always Japanese)."""
    vendor, case = assessment.vendor, assessment.case
    late = (today - assessment.deadline).days
    subject = f"【{site_name()}】回答期限を過ぎています（{case.title} / {vendor.name}）"
    body = (
        f"案件「{case.title}」の {vendor.name} の確認書は、回答期限 {wareki(assessment.deadline)} を"
        f"{late}日過ぎていますが、まだ提出されていません（状態: {status.LABELS[assessment.status]}）。\n\n"
        "事業者への連絡、回答期限の延長、リンクの再発行（期限切れの場合）を検討してください。\n"
        "このお知らせは提出されるまで毎日1回送られます。\n"
    )
    return subject, body


def queue_reminders(
    today: dt.date | None = None, contract_links: ContractLinkSettings | None = None
) -> ReminderReport:
    """Queue today's reminders and overdue notices; a second run the same day queues nothing.
    With contract_links, a periodic report whose period has ended is asked for with a fresh link."""
    today = today or today_jst()
    vendor_count = overdue_count = no_address = 0
    with database.atomic():
        organisation = get_organisation().name
        for assessment in _due(today):
            days = (assessment.deadline - today).days
            if days > 0:
                to = assessment.vendor.contact_email
                key = f"remind:vendor:{assessment.id}:{days}:{assessment.deadline.isoformat()}"
                subject, body = vendor_reminder(assessment, days, organisation)
            else:
                staff = assessment.invited_by
                to = staff.email if staff is not None and staff.active else ""
                key = f"remind:overdue:{assessment.id}:{today.isoformat()}"
                subject, body = overdue_notice(assessment, today)
            if not to:
                no_address += 1
                continue
            if queue_mail(to, subject, body, dedupe_key=key) is None:
                continue  # already queued by an earlier run today
            if days > 0:
                vendor_count += 1
            else:
                overdue_count += 1
        report = ReminderReport(today, vendor_count, overdue_count, no_address)
        if vendor_count or overdue_count:
            audit.record(
                Actor.system("remind"),
                "mail.remind",
                "mail",
                "",
                f"リマインダーを送信待ちに追加（{wareki(today)}: 事業者あて {vendor_count} 件、"
                f"期限超過の通知 {overdue_count} 件）",
                after={
                    "date": today.isoformat(),
                    "vendor": vendor_count,
                    "overdue": overdue_count,
                    "no_address": no_address,
                },
            )
    remediation, remediation_unaddressed = overdue_remediations.queue_overdue_remediation_notices(
        today
    )
    expiring, expiry_unaddressed = expiry_reminders.queue_expiry_reminders(today)
    ismap, ismap_unaddressed = ismap_reminders.queue_ismap_expiry_reminders(today)
    monitoring, monitoring_unaddressed = monitoring_board.queue_monitoring_reminders(
        today, contract_links
    )
    return replace(
        report,
        remediation=remediation,
        expiry=expiring,
        ismap=ismap,
        register_reviews=register_reviews.queue_overdue_reminders(today),
        monitoring=monitoring,
        no_address=no_address
        + remediation_unaddressed
        + expiry_unaddressed
        + ismap_unaddressed
        + monitoring_unaddressed,
    )
