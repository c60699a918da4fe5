"""The register on the dashboard, by department: overdue reviews, entries needing a new
責任者, flagged accounts (no MFA, unverified, dormant, not on the website, ISMAP missing or
not borne out by the lists) and applications waiting for approval. Officers and viewers see
their own department, ciso and admin every department; the queries are the same few however
large the register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from peewee import JOIN, SQL, fn

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.services import applications
from vendorcheck.services.organisation import list_departments, organisation_scheme
from vendorcheck.services.register_flags import FLAG_FIELDS
from vendorcheck.services.registers import entry_flags
from vendorcheck.store.models import (
    Department,
    RegisterEntry,
    RegisterFlag,
    RegisterFlagCount,
    UseApplication,
)
from vendorcheck.store.prepared import PreparedSelect

NOT_IN_USE = tuple(state for state in reg.STATUS_LABELS if state not in reg.IN_USE)


def _in_use_condition():
    """In use, written as "none of the other states": an equality on the state index would
    make SQLite read every entry in use and sort them for the overdue list (1.9 ms), where the
    review date's index gives the first 20 in order (0.1 ms of 5,000 entries)."""
    return RegisterEntry.status.not_in(NOT_IN_USE)


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


# What the board shows of an entry and what its flags read: not the wide text columns (the
# cost of a query's selection grows with its columns, in peewee as in the database's sort).
SHOWN = (
    RegisterEntry.id,
    RegisterEntry.name,
    RegisterEntry.department,
    *FLAG_FIELDS,
    Department.id,
    Department.name,
)


def _in_use(department: int | None):
    """Entries in use with what the board shows, of a department (None: every one)."""
    query = RegisterEntry.select(*SHOWN).join(
        Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id
    )
    if department is not None:
        query = query.where(RegisterEntry.department == department)
    return query.where(_in_use_condition())


def _flags_of(key, query):
    """The query's flag rows of entries in use, of a department (key[0]; None: every one)."""
    if key[0] is not None:
        query = query.where(RegisterFlag.department == key[0])
    return query.where(RegisterFlag.in_use == True)  # noqa: E712


# The board's queries, their text built once per database and department (key): building it
# cost more than running it. The flags are the stored rows and counts of register_flags.py:
# the counts of the months before this one, and the rows of this month up to today.
def _whole_months(key, month_start):
    query = RegisterFlagCount.select(
        RegisterFlagCount.department_key,
        RegisterFlagCount.flag,
        fn.SUM(RegisterFlagCount.entries).alias("n"),
    ).where(RegisterFlagCount.month < month_start)
    if key[0] is not None:  # key 0 (a reader without a department) sees none, not key 0's
        query = query.where(RegisterFlagCount.department_key == (key[0] or -1))
    return query.group_by(RegisterFlagCount.department_key, RegisterFlagCount.flag).tuples()


def _this_month(key, month_start, today):
    return (
        _flags_of(
            key,
            RegisterFlag.select(
                RegisterFlag.department, RegisterFlag.flag, fn.COUNT(SQL("*")).alias("n")
            ).where(RegisterFlag.since >= month_start, RegisterFlag.since <= today),
        )
        .group_by(RegisterFlag.department, RegisterFlag.flag)
        .tuples()
    )


def _counts(key, today: dt.date) -> dict[int | None, dict[str, int]]:
    """Entries in use raising each flag by today, by department (None: without one)."""
    month_start = today.replace(day=1)
    counts: dict[int | None, dict[str, int]] = {}
    for department, flag, number in (
        *_WHOLE_MONTHS.rows(key, month_start),
        *_THIS_MONTH.rows(key, month_start, today),
    ):
        per_flag = counts.setdefault(department or None, {})
        per_flag[flag] = per_flag.get(flag, 0) + int(number or 0)
    return counts


def _flagged(key, today):
    order = (RegisterFlag.name_normalized, RegisterFlag.entry)
    if key[0] is None:  # of one department, its order is the same on every row
        order = (RegisterFlag.department_order, *order)
    first = (  # the first entries in the board's order, read off the index in that order
        _flags_of(
            key,
            RegisterFlag.select(RegisterFlag.entry).where(
                RegisterFlag.since <= today, RegisterFlag.flag.in_(ACCOUNT_FLAGS)
            ),
        )
        .group_by(*order)
        .order_by(*order)
        .limit(LIST_LIMIT)
    )
    return (
        RegisterEntry.select(*SHOWN)
        .join(Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id)
        .where(RegisterEntry.id.in_(first))
        .order_by(Department.sort_order, RegisterEntry.name_normalized, RegisterEntry.id)
    )


_WHOLE_MONTHS = PreparedSelect(_whole_months)
_THIS_MONTH = PreparedSelect(_this_month)
_FLAGGED = PreparedSelect(_flagged)
_OVERDUE = PreparedSelect(
    lambda key, today: (
        _in_use(key[0])
        .where(RegisterEntry.next_review_on < today)
        .order_by(RegisterEntry.next_review_on, RegisterEntry.id)
        .limit(LIST_LIMIT)
    )
)
_NEEDING = PreparedSelect(
    lambda key: (
        _in_use(key[0])
        .where(RegisterEntry.needs_responsible == True)  # noqa: E712
        .order_by(Department.sort_order, RegisterEntry.name_normalized, RegisterEntry.id)
        .limit(LIST_LIMIT)
    )
)


def board(reader: Reader, today: dt.date) -> RegisterBoard:
    scheme = organisation_scheme()
    # visible(): officers and viewers their department (none: nothing), ciso and admin all
    key = (reader.department_scope,)
    counts = _counts(key, today)
    flagged = [
        FlaggedEntry(e, tuple(f for f in entry_flags(e, today, scheme) if f in ACCOUNT_FLAGS))
        for e in _FLAGGED.rows(key, today)
    ]

    waiting_counts = applications.waiting_counts(reader)

    departments = []
    known = list_departments()
    names = {d.id: d.name for d in known}
    order = [d.id for d in known] + [None]
    for department_id in order:
        row = counts.get(department_id, {})
        item = DepartmentCounts(
            department_id,
            names.get(department_id, "（部局なし）"),
            int(row.get("review_overdue") or 0),
            int(row.get("needs_responsible") or 0),
            {f: int(row.get(f) or 0) for f in ACCOUNT_FLAGS},
            int(waiting_counts.get(department_id) or 0),
        )
        if item.anything:
            departments.append(item)

    overdue = _OVERDUE.rows(key, today)
    needing = _NEEDING.rows(key)
    return RegisterBoard(
        departments=departments,
        overdue_reviews=overdue,
        needs_responsible=needing,
        flagged=flagged,
        waiting=applications.waiting(reader, limit=LIST_LIMIT),
        sees_all=reader.sees_all,
    )
