"""The dashboard's board of assessments: counts by effective status, and the assessments that
need attention (deadline soon, deadline passed, waiting for review), in four queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from peewee import Value, fn

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst
from vendorcheck.services.cases import STATUS_FILTERS, with_latest_submission
from vendorcheck.store.models import Assessment, Case, Vendor
from vendorcheck.store.prepared import PreparedSelect

UPCOMING_DAYS = 14


@dataclass(frozen=True)
class Dashboard:
    counts: dict[str, int]  # effective status -> assessments, in STATUS_FILTERS order
    upcoming: list[Assessment]  # unanswered, deadline within UPCOMING_DAYS
    overdue: list[Assessment]  # unanswered, deadline passed
    waiting_review: list[Assessment]  # submitted, newest first (.submission.submitted_at)
    today: dt.date

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _mine(department: int | None):
    """The cases of a department (None: every case)."""
    return Case.id.is_null(False) if department is None else Case.department == department


EDITABLE = sorted(status.EDITABLE_BY_VENDOR)


def _rows():
    """Assessments with what the board's tables show of them, their case and vendor (not the
    questionnaire's version, the vendor's address or the times: fewer columns to read)."""
    return (
        Assessment.select(
            Assessment.id,
            Assessment.case,
            Assessment.vendor,
            Assessment.deadline,
            Assessment.status,
            Assessment.submitted_version,
            Case.id,
            Case.title,
            Vendor.id,
            Vendor.name,
        )
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .switch(Assessment)
    )


# Built once per database and (department, limit): their text costs more than running them.
def _counted(department: int | None, late: int):
    """Assessments by stored status: of every case along the (status, deadline) index alone."""
    query = Assessment.select(Assessment.status, fn.COUNT(Assessment.id), Value(late))
    return query if department is None else query.join(Case).where(_mine(department))


# By stored status, then those of them whose deadline has passed: the (status, deadline) index
# counts the first without a sort and seeks the second among the open ones alone (one query
# grouping by both sides of today sorted every assessment: 4.4 ms → 1.5 ms of 10,000 on SQLite).
_COUNTS = PreparedSelect(
    lambda key, today: (
        _counted(key[0], 0)
        .group_by(Assessment.status)
        .union_all(
            _counted(key[0], 1)
            .where(Assessment.status.in_(EDITABLE), Assessment.deadline < today)
            .group_by(Assessment.status)
        )
        .tuples()
    )
)
_UPCOMING = PreparedSelect(
    lambda key, today, until: (
        _rows()
        .where(
            _mine(key[0]),
            Assessment.status.in_(EDITABLE),
            Assessment.deadline >= today,
            Assessment.deadline <= until,
        )
        .order_by(Assessment.deadline, Assessment.id)
        .limit(key[1])
    )
)
_OVERDUE = PreparedSelect(
    lambda key, today: (
        _rows()
        .where(_mine(key[0]), Assessment.status.in_(EDITABLE), Assessment.deadline < today)
        .order_by(Assessment.deadline, Assessment.id)
        .limit(key[1])
    )
)


_WAITING = PreparedSelect(
    lambda key: (
        with_latest_submission(_rows())
        .where(_mine(key[0]), Assessment.status == status.SUBMITTED)
        .order_by(Assessment.last_submitted_at.desc(), Assessment.id.desc())
        .limit(key[1])
    )
)


def _department(reader: Reader | None) -> int | None:
    return None if reader is None else reader.department_scope


def waiting_for_review(department: int | None = None, limit: int = 20) -> list[Assessment]:
    """Submitted assessments (of a department's cases, or all), the newest submission first,
    with its time (one query)."""
    return _WAITING.rows((department, limit))


def dashboard(
    *, today: dt.date | None = None, limit: int = 20, reader: Reader | None = None
) -> Dashboard:
    """Counts by effective status and the assessments needing attention, in four queries;
    with a reader, only the cases of the reader's department (ciso and admin: all)."""
    today = today or today_jst()
    key = (_department(reader), limit)
    counts: Counter = Counter()
    by_status: Counter = Counter()
    late: Counter = Counter()
    for stored, n, passed in _COUNTS.rows(key, today):
        (late if passed else by_status)[stored] += n
    yesterday = today - dt.timedelta(days=1)
    for stored, n in by_status.items():
        counts[status.effective_status(stored, yesterday, today)] += late[stored]
        counts[status.effective_status(stored, None, today)] += n - late[stored]
    return Dashboard(
        counts={name: counts.get(name, 0) for name in STATUS_FILTERS},
        upcoming=_UPCOMING.rows(key, today, today + dt.timedelta(days=UPCOMING_DAYS)),
        overdue=_OVERDUE.rows(key, today),
        waiting_review=waiting_for_review(*key),
        today=today,
    )
