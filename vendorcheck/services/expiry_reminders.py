"""Reminders of expiring certificates: once per expiry date, to the staff member who invited the
vendor (or the vendor's contact when no one active did), with an audit event of each run
that queued mail. What expires comes from services/expiry.py."""

from __future__ import annotations

import datetime as dt

from peewee import JOIN

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.expiry import ExpiringItem, expiring_soon
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation, site_name
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Staff


def _inviting_staff(items: list[ExpiringItem]) -> tuple[dict[int, str], dict[int, str]]:
    """Active inviting staff's e-mail per assessment, and per vendor (their newest assessment)."""
    assessment_ids = {item.assessment_id for item in items if item.assessment_id}
    vendor_ids = {item.vendor_id for item in items if item.source == "vendor"}
    by_assessment: dict[int, str] = {}
    by_vendor: dict[int, str] = {}
    if not (assessment_ids or vendor_ids):
        return by_assessment, by_vendor
    vendor_assessments = Assessment.vendor.in_(sorted(vendor_ids or {0})) & (
        Assessment.status != status.REJECTED
    )
    query = (
        Assessment.select(Assessment.id, Assessment.vendor.alias("vendor_id"), Staff.email)
        .join(Staff, JOIN.INNER, on=(Assessment.invited_by == Staff.id))
        .where(
            Assessment.id.in_(sorted(assessment_ids or {0})) | vendor_assessments,
            Staff.active == True,  # noqa: E712
            Staff.email != "",
        )
        .order_by(Assessment.id)
        .dicts()
    )
    for row in query:
        by_assessment[row["id"]] = row["email"]
        if row["vendor_id"] in vendor_ids:
            by_vendor[row["vendor_id"]] = row["email"]  # the newest assessment wins
    return by_assessment, by_vendor


def _staff_notice(item: ExpiringItem) -> tuple[str, str]:
    where = (
        f"案件「{item.case_title}」の回答（質問「{item.label}」）"
        if item.source == "answer"
        else "事業者の登録情報"
    )
    subject = (
        f"【{site_name()}】認証の有効期限が近づいています（{item.vendor_name} / {item.label}）"
    )
    body = (
        f"{item.vendor_name} の「{item.label}」は、有効期限が {wareki(item.expires_on)}"
        f"（あと{item.days_left}日）です（{where}による）。\n\n"
        "事業者に更新の予定を確認し、更新後の登録証（写し）の提出を依頼してください。\n"
        "このお知らせは有効期限ごとに1回だけ送られます。\n"
    )
    return subject, body


def _vendor_notice(item: ExpiringItem, organisation: str) -> tuple[str, str]:
    subject = f"【{organisation}】認証の有効期限についてのお願い（{item.label}）"
    body = (
        f"{item.vendor_name} ご担当者 様\n\n{organisation}です。貴社からお知らせいただいた"
        f"「{item.label}」の有効期限は {wareki(item.expires_on)} です。\n"
        "更新された場合は、更新後の登録証（写し）をご提出ください。\n\n"
        "行き違いで提出済みの場合は、このメールは破棄してください。\n"
    )
    return subject, body


def queue_expiry_reminders(today: dt.date | None = None) -> tuple[int, int]:
    """Mail each certificate expiring within the window once per expiry date, to the inviting
    staff member (or the vendor's contact); cron-safe. Return (queued, without an address)."""
    today = today or today_jst()
    queued = no_address = 0
    with database.atomic():
        items = expiring_soon(today)
        by_assessment, by_vendor = _inviting_staff(items)
        organisation = get_organisation().name
        for item in items:
            staff_email = (
                by_assessment.get(item.assessment_id or 0)
                if item.source == "answer"
                else by_vendor.get(item.vendor_id)
            )
            if staff_email:
                to, (subject, body) = staff_email, _staff_notice(item)
            elif item.vendor_email:
                to, (subject, body) = item.vendor_email, _vendor_notice(item, organisation)
            else:
                no_address += 1
                continue
            if queue_mail(to, subject, body, dedupe_key=item.key) is not None:
                queued += 1
        record_queued("mail.expiry_remind", "認証の有効期限のお知らせ", today, queued, no_address)
    return queued, no_address


def record_queued(action: str, what: str, today: dt.date, queued: int, no_address: int) -> None:
    """The audit event of a reminder run that queued mail (none when it queued nothing)."""
    if queued:
        audit.record(
            Actor.system("remind"),
            action,
            "mail",
            "",
            f"{what}を送信待ちに追加（{wareki(today)}: {queued} 件）",
            after={"date": today.isoformat(), "queued": queued, "no_address": no_address},
        )
