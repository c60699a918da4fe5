"""The register on the dashboard, by department: overdue reviews, entries needing a new
責任者, flagged accounts (no MFA, unverified, dormant, not on the website, ISMAP missing or
not borne out by the lists) and applications waiting for approval. Officers and viewers see
their own department, ciso and admin every department; the queries are the same few however
large the register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.services import applications
from vendorcheck.services.organisation import list_departments, organisation_scheme
from vendorcheck.services.register_list import flag_conditions
from vendorcheck.services.registers import entry_flags, ismap_checks, visible
from vendorcheck.store.models import Department, RegisterEntry, UseApplication

IN_USE = (reg.APPROVED, reg.ACTIVE, reg.SUSPENDED)
ACCOUNT_FLAGS = ("no_mfa", "unverified", "dormant", "not_listed", "no_ismap", "ismap_unconfirmed")
LIST_LIMIT = 20


@dataclass(frozen=True)
class DepartmentCounts:
    department_id: int | None
    name: str
    overdue_reviews: int
    needs_responsible: int
    flags: dict[str, int]  # ACCOUNT_FLAGS -> entries raising it
    waiting: int

    @property
    def anything(self) -> bool:
        return bool(
            self.overdue_reviews
            or self.needs_responsible
            or self.waiting
            or any(self.flags.values())
        )


@dataclass(frozen=True)
class FlaggedEntry:
    entry: RegisterEntry
    flags: tuple[str, ...]  # only ACCOUNT_FLAGS


@dataclass(frozen=True)
class RegisterBoard:
    departments: list[DepartmentCounts]  # departments with something to do, in their order
    overdue_reviews: list[RegisterEntry]
    needs_responsible: list[RegisterEntry]
    flagged: list[FlaggedEntry]
    waiting: list[UseApplication]
    sees_all: bool
    account_flags: tuple[str, ...] = ACCOUNT_FLAGS
    labels: Mapping[str, str] = field(default_factory=lambda: reg.FLAG_LABELS)

    def total(self, what: str) -> int:
        if what in ACCOUNT_FLAGS:
            return sum(d.flags[what] for d in self.departments)
        return sum(getattr(d, what) for d in self.departments)

    @property
    def flagged_total(self) -> int:
        return sum(self.total(flag) for flag in ACCOUNT_FLAGS)


def _in_use(reader: Reader):
    return visible(
        RegisterEntry.select(RegisterEntry, Department).join(
            Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id
        ),
        reader,
    ).where(RegisterEntry.status.in_(IN_USE))


def _count(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def board(reader: Reader, today: dt.date) -> RegisterBoard:
    scheme = organisation_scheme()
    conditions = flag_conditions(today, scheme)
    db_flags = [f for f in ACCOUNT_FLAGS if f in conditions]
    grouped = (
        visible(RegisterEntry.select(RegisterEntry.department), reader)
        .select_extend(
            _count(conditions["review_overdue"]).alias("overdue_reviews"),
            _count(conditions["needs_responsible"]).alias("needs_responsible"),
            *(_count(conditions[f]).alias(f) for f in db_flags),
        )
        .where(RegisterEntry.status.in_(IN_USE))
        .group_by(RegisterEntry.department)
        .dicts()
    )
    counts = {row["department"]: row for row in grouped}

    # ISMAP registrations the lists do not bear out: checked in bulk (one query for all).
    claimed = list(
        _in_use(reader).where(
            RegisterEntry.entry_type == reg.SERVICE, fn.TRIM(RegisterEntry.ismap_number) != ""
        )
    )
    checks = ismap_checks(claimed, today)
    unconfirmed = [
        e for e in claimed if "ismap_unconfirmed" in entry_flags(e, today, scheme, checks)
    ]
    unconfirmed_by_department: dict[int | None, int] = {}
    for entry in unconfirmed:
        key = entry.department_id
        unconfirmed_by_department[key] = unconfirmed_by_department.get(key, 0) + 1

    any_account_flag = conditions[db_flags[0]]
    for flag in db_flags[1:]:
        any_account_flag = any_account_flag | conditions[flag]
    if unconfirmed:
        any_account_flag = any_account_flag | RegisterEntry.id.in_([e.id for e in unconfirmed])
    flagged_rows = list(
        _in_use(reader)
        .where(any_account_flag)
        .order_by(Department.sort_order, RegisterEntry.name_normalized, RegisterEntry.id)
        .limit(LIST_LIMIT)
    )
    flagged_checks = {e.id: checks[e.id] for e in flagged_rows if e.id in checks}
    flagged = [
        FlaggedEntry(
            e,
            tuple(f for f in entry_flags(e, today, scheme, flagged_checks) if f in ACCOUNT_FLAGS),
        )
        for e in flagged_rows
    ]

    waiting_counts = dict(
        applications.waiting_scope(
            UseApplication.select(RegisterEntry.department, fn.COUNT(UseApplication.id))
            .join(RegisterEntry)
            .where(UseApplication.status == reg.SUBMITTED),
            reader,
        )
        .group_by(RegisterEntry.department)
        .tuples()
    )

    departments = []
    known = list_departments()
    names = {d.id: d.name for d in known}
    order = [d.id for d in known] + [None]
    for department_id in order:
        row = counts.get(department_id, {})
        item = DepartmentCounts(
            department_id,
            names.get(department_id, "（部局なし）"),
            int(row.get("overdue_reviews") or 0),
            int(row.get("needs_responsible") or 0),
            {
                **{f: int(row.get(f) or 0) for f in db_flags},
                "ismap_unconfirmed": unconfirmed_by_department.get(department_id, 0),
            },
            int(waiting_counts.get(department_id) or 0),
        )
        if item.anything:
            departments.append(item)

    overdue = list(
        _in_use(reader)
        .where(conditions["review_overdue"])
        .order_by(RegisterEntry.next_review_on, RegisterEntry.id)
        .limit(LIST_LIMIT)
    )
    needing = list(
        _in_use(reader)
        .where(conditions["needs_responsible"])
        .order_by(Department.sort_order, RegisterEntry.name_normalized, RegisterEntry.id)
        .limit(LIST_LIMIT)
    )
    return RegisterBoard(
        departments=departments,
        overdue_reviews=overdue,
        needs_responsible=needing,
        flagged=flagged,
        waiting=applications.waiting(reader, limit=LIST_LIMIT),
        sees_all=reader.sees_all,
    )
