"""The people of a register entry as dated history: 責任者 (required), 副責任者, 管理者・担当者.
A change adds a row (who, from when, why, by whom); nothing is overwritten, so the register
answers who was responsible on any past date. Disabled staff leave their entries flagged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit, register_flags
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.registers import entry_for_change
from vendorcheck.store.db import database
from vendorcheck.store.models import RegisterEntry, RegisterPerson, Staff, utcnow


@dataclass(frozen=True)
class PersonInput:
    role: str
    staff_id: int | None = None
    name: str = ""  # a person without an account (with department_name)
    department_name: str = ""


@dataclass(frozen=True)
class Holder:
    """Who holds a role on a day (None fields: vacant)."""

    role: str
    name: str
    department_name: str
    staff_id: int | None
    active: bool  # False when the staff account is disabled
    since: dt.date | None
    reason: str


def _person_fields(person: PersonInput) -> dict[str, object]:
    if person.role not in reg.PERSON_ROLES:
        raise ServiceError("役割を一覧から選んでください。", field="role")
    if person.staff_id:
        staff = Staff.get_or_none(Staff.id == person.staff_id)
        if staff is None or not staff.active:
            raise ServiceError(
                "選ばれた職員が見つからないか、無効になっています。", field="staff_id"
            )
        return {
            "staff": staff,
            "name": staff.display_name,
            "department_name": staff.department.name if staff.department_id else "",
        }
    name = " ".join((person.name or "").split())[:100]
    department = " ".join((person.department_name or "").split())[:100]
    if not name and person.role == reg.RESPONSIBLE:
        raise ServiceError("責任者は必ず登録してください（職員を選ぶか氏名を入力）。", field="name")
    if name and not department:
        raise ServiceError("職員以外の方は所属も入力してください。", field="department_name")
    return {"staff": None, "name": name, "department_name": department}


def add_assignment(
    actor: Actor,
    entry: RegisterEntry,
    person: PersonInput,
    *,
    effective_from: dt.date,
    reason: str,
) -> RegisterPerson:
    """Record who holds a role from a date (inside the caller's transaction)."""
    fields = _person_fields(person)
    row = RegisterPerson.create(
        entry=entry,
        role=person.role,
        effective_from=effective_from,
        reason=(reason or "").strip()[:1000],
        changed_by=actor.id if actor.kind == "staff" else None,
        **fields,
    )
    refresh_needs_responsible([entry.id])
    audit.record(
        actor,
        "register.person",
        "register_entry",
        entry.id,
        f"台帳「{entry.name}」の{reg.PERSON_ROLES[person.role]}を"
        f"{fields['name'] or '空席'}に変更（{wareki(effective_from)}から）",
        after={
            "role": person.role,
            "name": fields["name"],
            "department": fields["department_name"],
            "from": effective_from.isoformat(),
            "reason": row.reason,
        },
    )
    return row


def change_person(
    actor: Actor,
    reader: Reader,
    entry_id: int,
    person: PersonInput,
    *,
    effective_from: dt.date | None,
    reason: str,
) -> RegisterPerson:
    """責任者等の変更: a dated record with the reason, never an overwrite."""
    reason = (reason or "").strip()
    day = effective_from or today_jst()
    with database.atomic():
        entry = entry_for_change(reader, entry_id)
        if not reason:
            raise ServiceError("変更の理由を入力してください。", field="reason")
        if entry.status == reg.RETIRED:
            raise ServiceError("廃止した項目の担当者は変更できません。")
        latest = (
            RegisterPerson.select(fn.MAX(RegisterPerson.effective_from))
            .where(RegisterPerson.entry == entry, RegisterPerson.role == person.role)
            .scalar()
        )
        if latest is not None and day < latest:
            raise ServiceError(
                f"{latest.isoformat()} より前の日付からの変更は記録できません"
                "（履歴を書き換えないため）。",
                field="effective_from",
            )
        return add_assignment(actor, entry, person, effective_from=day, reason=reason)


def holders_of_many(entry_ids: list[int], day: dt.date) -> dict[int, dict[str, Holder | None]]:
    """Who held each role of each entry on a day, in one query (the latest row on or before)."""
    found: dict[int, dict[str, Holder | None]] = {
        entry_id: dict.fromkeys(reg.PERSON_ROLES) for entry_id in entry_ids
    }
    if not entry_ids:
        return found
    rows = (
        RegisterPerson.select(RegisterPerson, Staff.id, Staff.active)
        .join(Staff, JOIN.LEFT_OUTER, on=RegisterPerson.staff == Staff.id)
        .where(RegisterPerson.entry.in_(entry_ids), RegisterPerson.effective_from <= day)
        .order_by(RegisterPerson.effective_from, RegisterPerson.id)
    )
    for row in rows:
        staff_active = row.staff.active if row.staff_id else True
        found[row.entry_id][row.role] = (
            Holder(
                row.role,
                row.name,
                row.department_name,
                row.staff_id,
                staff_active,
                row.effective_from,
                row.reason,
            )
            if row.name
            else None
        )
    return found


def holders_on(entry: RegisterEntry, day: dt.date) -> dict[str, Holder | None]:
    """Who held each role on a day (None: nobody, or the role left vacant)."""
    return holders_of_many([entry.id], day)[entry.id]


def history(entry: RegisterEntry) -> list[RegisterPerson]:
    return list(
        RegisterPerson.select()
        .where(RegisterPerson.entry == entry)
        .order_by(RegisterPerson.effective_from.desc(), RegisterPerson.id.desc())
    )


def refresh_needs_responsible(entry_ids: list[int] | None = None, today: dt.date | None = None):
    """Recompute the stored flag: no 責任者 in force today, or one whose account is disabled."""
    day = today or today_jst()
    query = RegisterEntry.select(RegisterEntry.id, RegisterEntry.needs_responsible)
    if entry_ids is not None:
        query = query.where(RegisterEntry.id.in_(entry_ids))
    entries = list(query)
    holders: dict[int, dict[str, Holder | None]] = {}
    for start in range(0, len(entries), 500):  # a few queries for the whole register
        holders.update(holders_of_many([e.id for e in entries[start : start + 500]], day))
    changed = []
    for entry in entries:
        holder = holders[entry.id][reg.RESPONSIBLE]
        needed = holder is None or not holder.active
        if needed != entry.needs_responsible:
            RegisterEntry.update(needs_responsible=needed, updated_at=utcnow()).where(
                RegisterEntry.id == entry.id
            ).execute()
            changed.append(entry.id)
    register_flags.refresh_ids(changed)


def entries_of_staff(staff_id: int) -> list[int]:
    return [
        row.entry_id
        for row in RegisterPerson.select(RegisterPerson.entry)
        .where(RegisterPerson.staff == staff_id)
        .distinct()
    ]


def staff_status_changed(staff_id: int) -> None:
    """A staff account was disabled or enabled again: re-flag the entries they are named on."""
    entries = entries_of_staff(staff_id)
    if entries:
        refresh_needs_responsible(entries)
