"""Reminders about ISMAP registrations that active cases rely on and that expire within 90 days
or before the contract ends: one mail per assessment, number and validity date (cron-safe)."""

from __future__ import annotations

import datetime as dt

from vendorcheck.domain.ismap import LIST_NAMES
from vendorcheck.domain.ismap_checks import provider_matches
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services.assessments import load_json
from vendorcheck.services.expiry import newest_submissions_in_force, record_queued
from vendorcheck.services.ismap import entries_for
from vendorcheck.services.ismap_claims import claims_in_answers, party_of
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.questionnaires import questionnaire_from_snapshot
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    QuestionnaireSnapshot,
    Staff,
    Submission,
    Vendor,
)

WINDOW_DAYS = 90


def _active_submissions(today: dt.date):
    return newest_submissions_in_force(Submission, Assessment, Case, Vendor, today=today).where(
        Case.closed == False  # noqa: E712
    )


def queue_ismap_expiry_reminders(today: dt.date | None = None) -> tuple[int, int]:
    """Queue the reminders; return (queued, without an address)."""
    today = today or today_jst()
    soon = today + dt.timedelta(days=WINDOW_DAYS)
    queued = no_address = 0
    with database.atomic():
        rows = list(_active_submissions(today))
        snapshots = {
            snap.id: questionnaire_from_snapshot(snap.content, snap.content_hash)
            for snap in QuestionnaireSnapshot.select().where(
                QuestionnaireSnapshot.id.in_(
                    sorted({r.assessment.snapshot_id for r in rows} or {0})
                )
            )
        }
        found = []
        for row in rows:
            assessment, answers = row.assessment, load_json(row.answers)
            party = party_of(assessment.vendor, assessment.case, answers, assessment.review_due)
            questionnaire = snapshots[assessment.snapshot_id]
            for _, claim in claims_in_answers(questionnaire, answers, assessment.case.tier, party):
                found.append((assessment, claim))
        entries = entries_for(claim.number for _, claim in found)
        staff = {
            s.id: s
            for s in Staff.select().where(Staff.active == True, Staff.email != "")  # noqa: E712
        }
        for assessment, claim in found:
            entry = entries.get(claim.number)
            if entry is None or entry.valid_until is None or entry.removed_on is not None:
                continue
            if not provider_matches(claim, entry):
                continue  # another provider's registration: a finding, not a renewal to chase
            ends = entry.valid_until
            before_end = claim.until is not None and ends < claim.until
            if ends < today or not (ends <= soon or before_end):
                continue
            inviter = staff.get(assessment.invited_by_id)
            to = inviter.email if inviter else assessment.vendor.contact_email
            if not to:
                no_address += 1
                continue
            case, vendor = assessment.case, assessment.vendor
            reason = "契約期間の終了日より前" if before_end else f"{WINDOW_DAYS}日以内"
            subject = f"【vendorcheck】ISMAP登録の有効期限が近づいています（{vendor.name} / {entry.number}）"
            body = (
                f"案件「{case.title}」で {vendor.name} が回答した{LIST_NAMES[entry.list_kind]}の登録"
                f"（登録番号 {entry.number}、{entry.service}）は、有効期限が {wareki(ends)} です"
                f"（{reason}）。\n\n事業者に更新の予定を確認し、更新後にリストを取り込み直してください。\n"
                "このお知らせは有効期限ごとに1回だけ送られます。\n"
            )
            key = f"ismap:{assessment.id}:{entry.number}:{ends.isoformat()}"
            if queue_mail(to, subject, body, dedupe_key=key) is not None:
                queued += 1
        record_queued(
            "mail.ismap_remind", "ISMAP登録の有効期限のお知らせ", today, queued, no_address
        )
    return queued, no_address
