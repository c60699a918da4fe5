"""Periodic reviews of register entries (AUD-02): a short checklist recorded with its result,
the next review date moved on, and the overdue ones for the dashboard and reminders."""

from __future__ import annotations

import datetime as dt
import json

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit, register_flags, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import site_name
from vendorcheck.services.registers import entry_for_change
from vendorcheck.store.db import database
from vendorcheck.store.models import RegisterEntry, RegisterReview, Staff, utcnow

IN_USE = (reg.APPROVED, reg.ACTIVE, reg.SUSPENDED)


def record_review(
    actor: Actor,
    reader: Reader,
    entry_id: int,
    *,
    checked: set[str],
    note: str,
    today: dt.date | None = None,
) -> RegisterReview:
    """Record the checklist; every item not ticked makes the result 要対応."""
    today = today or today_jst()
    note = (note or "").strip()
    with database.atomic():
        entry = entry_for_change(reader, entry_id)
        if len(note) > 2000:
            raise ServiceError("点検のメモは2000文字以内で入力してください。")
        if entry.status not in IN_USE:
            raise ServiceError("利用中（承認済・休止を含む）の項目だけを点検できます。")
        items = reg.review_items(entry.entry_type)
        checklist = {key: key in checked for key, _ in items}
        result = "ok" if all(checklist.values()) else "action"
        if result == "action" and not note:
            raise ServiceError(
                "確認できなかった項目があります。対応の内容をメモに記入してください。"
            )
        next_on = today + dt.timedelta(days=reg.REVIEW_INTERVAL_DAYS)
        review = RegisterReview.create(
            entry=entry,
            reviewed_on=today,
            checklist=json.dumps(checklist, ensure_ascii=False, sort_keys=True),
            result=result,
            note=note,
            next_review_on=next_on,
            staff=actor.id if actor.kind == "staff" else None,
        )
        RegisterEntry.update(next_review_on=next_on, updated_at=utcnow()).where(
            RegisterEntry.id == entry.id
        ).execute()
        register_flags.refresh_ids([entry.id])  # the review date, also the ISMAP claim's end
        audit.record(
            actor,
            "register.review",
            "register_entry",
            entry.id,
            f"台帳「{entry.name}」を点検（{'問題なし' if result == 'ok' else '要対応'}）",
            after={"checklist": checklist, "note": note, "next": next_on.isoformat()},
        )
    return review


def reviews_of(entry: RegisterEntry) -> list[dict]:
    rows = RegisterReview.select().where(RegisterReview.entry == entry)
    return [
        {"review": row, "checklist": json.loads(row.checklist or "{}")}
        for row in rows.order_by(RegisterReview.reviewed_on.desc(), RegisterReview.id.desc())
    ]


def queue_overdue_reminders(today: dt.date) -> int:
    """Mail each overdue entry's 責任者 once a day (the dedupe key makes cron runs safe)."""
    with database.atomic():  # one transaction: one commit for the whole run
        queued = 0
        overdue = RegisterEntry.select().where(
            RegisterEntry.status.in_(IN_USE), RegisterEntry.next_review_on < today
        )
        entries = list(overdue)
        holders = register_people.holders_of_many([entry.id for entry in entries], today)
        people = {staff.id: staff for staff in Staff.select()}  # one query, not one per entry
        site = site_name()
        for entry in entries:
            holder = holders[entry.id][reg.RESPONSIBLE]
            if holder is None or holder.staff_id is None:
                continue
            staff = people.get(holder.staff_id)
            if staff is None or not staff.active or not staff.email:
                continue
            message = queue_mail(
                staff.email,
                f"【{site}】台帳の定期点検の期限を過ぎています（{entry.name}）",
                f"{staff.display_name} 様\n\n責任者となっている「{entry.name}」の定期点検の期限"
                f"（{wareki(entry.next_review_on)}）を過ぎています。\nvendorcheck の台帳で点検の"
                "チェックリストに回答し、結果を記録してください。\n",
                dedupe_key=f"register-review:{entry.id}:{today.isoformat()}",
            )
            queued += message is not None
        register_people.refresh_needs_responsible(None, today)
    return queued
