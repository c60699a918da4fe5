"""Reminders about ISMAP registrations that active cases and register entries rely on and that
expire within 90 days or before the contract ends (the entry's next review): one mail per
assessment or entry, number and validity date (cron-safe)."""

from __future__ import annotations

import datetime as dt

from vendorcheck.domain import registers as reg
from vendorcheck.domain.ismap import LIST_NAMES, normalise_number
from vendorcheck.domain.ismap_checks import provider_matches
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import register_people
from vendorcheck.services.assessments import load_json
from vendorcheck.services.expiry import newest_submissions_in_force
from vendorcheck.services.expiry_reminders import record_queued
from vendorcheck.services.ismap import entries_for
from vendorcheck.services.ismap_claims import claims_in_answers, party_of
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import site_name
from vendorcheck.services.questionnaires import questionnaire_from_snapshot
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    QuestionnaireSnapshot,
    RegisterEntry,
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
            subject = f"【{site_name()}】ISMAP登録の有効期限が近づいています（{vendor.name} / {entry.number}）"
            body = (
                f"案件「{case.title}」で {vendor.name} が回答した{LIST_NAMES[entry.list_kind]}の登録"
                f"（登録番号 {entry.number}、{entry.service}）は、有効期限が {wareki(ends)} です"
                f"（{reason}）。\n\n事業者に更新の予定を確認し、更新後にリストを取り込み直してください。\n"
                "このお知らせは有効期限ごとに1回だけ送られます。\n"
            )
            key = f"ismap:{assessment.id}:{entry.number}:{ends.isoformat()}"
            if queue_mail(to, subject, body, dedupe_key=key) is not None:
                queued += 1
        register_queued, register_unaddressed = _queue_register_reminders(today, soon)
        queued, no_address = queued + register_queued, no_address + register_unaddressed
        record_queued(
            "mail.ismap_remind", "ISMAP登録の有効期限のお知らせ", today, queued, no_address
        )
    return queued, no_address


def _queue_register_reminders(today: dt.date, soon: dt.date) -> tuple[int, int]:
    """Register entries in use whose recorded ISMAP registration expires within the window or
    before the entry's next review: mail the entry's 責任者, once per validity date."""
    in_use = (reg.APPROVED, reg.ACTIVE, reg.SUSPENDED)
    rows = list(
        RegisterEntry.select().where(
            RegisterEntry.entry_type == reg.SERVICE,
            RegisterEntry.status.in_(in_use),
            RegisterEntry.ismap_number != "",
        )
    )
    entries = entries_for(row.ismap_number for row in rows)
    queued = no_address = 0
    for row in rows:
        listed = entries.get(normalise_number(row.ismap_number))
        if listed is None or listed.valid_until is None or listed.removed_on is not None:
            continue
        ends = listed.valid_until
        before_review = row.next_review_on is not None and ends < row.next_review_on
        if ends < today or not (ends <= soon or before_review):
            continue
        holder = register_people.holders_on(row, today)[reg.RESPONSIBLE]
        staff = (
            Staff.get_or_none(Staff.id == holder.staff_id) if holder and holder.staff_id else None
        )
        if staff is None or not staff.active or not staff.email:
            no_address += 1
            continue
        reason = "次回の定期点検の日より前" if before_review else f"{WINDOW_DAYS}日以内"
        message = queue_mail(
            staff.email,
            f"【{site_name()}】ISMAP登録の有効期限が近づいています（{row.name} / {listed.number}）",
            f"{staff.display_name} 様\n\n台帳の「{row.name}」が記録している"
            f"{LIST_NAMES[listed.list_kind]}の登録（登録番号 {listed.number}、{listed.service}）は、"
            f"有効期限が {wareki(ends)} です（{reason}）。\n\n事業者に更新の予定を確認し、"
            "更新後にリストを取り込み直してください。\nこのお知らせは有効期限ごとに1回だけ送られます。\n",
            dedupe_key=f"ismap-register:{row.id}:{listed.number}:{ends.isoformat()}",
        )
        queued += message is not None
    return queued, no_address
