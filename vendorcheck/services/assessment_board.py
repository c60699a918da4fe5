"""The dashboard's board of assessments: counts by effective status, and the assessments that
need attention (deadline soon, deadline passed, waiting for review), in four queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from peewee import Case as SqlCase
from peewee import fn

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst
from vendorcheck.services.cases import STATUS_FILTERS, assessment_rows, with_latest_submission
from vendorcheck.store.models import Assessment, Case, Submission

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


def _deadline_passed(today: dt.date):
    """SQL: 1 when the assessment's deadline has passed, else 0 (no deadline: 0)."""
    return SqlCase(None, [(Assessment.deadline < today, 1)], 0)


def waiting_for_review(mine=None, limit: int = 20) -> list[Assessment]:
    """Submitted assessments, the newest submission first, with its time (one query)."""
    query = (
        with_latest_submission(assessment_rows())
        .where(Assessment.status == status.SUBMITTED)
        .order_by(Submission.submitted_at.desc(), Assessment.id.desc())
        .limit(limit)
    )
    return list(query.where(mine) if mine is not None else query)


def dashboard(
    *, today: dt.date | None = None, limit: int = 20, reader: Reader | None = None
) -> Dashboard:
    """Counts by effective status and the assessments needing attention, in four queries;
    with a reader, only the cases of the reader's department (ciso and admin: all)."""
    today = today or today_jst()
    counts: Counter = Counter()
    mine = Case.id.is_null(False)
    passed = _deadline_passed(today)
    grouped = Assessment.select(Assessment.status, passed, fn.COUNT(Assessment.id))
    if reader is not None and not reader.sees_all:
        mine = Case.department == (reader.department_id or 0)
        grouped = grouped.join(Case).where(mine)  # else the (status, deadline) index answers
    grouped = grouped.group_by(Assessment.status, passed).tuples()
    yesterday = today - dt.timedelta(days=1)
    for stored, deadline_passed, n in grouped:  # a row per status and side of today, not per day
        counts[status.effective_status(stored, yesterday if deadline_passed else None, today)] += n
    editable = Assessment.status.in_(sorted(status.EDITABLE_BY_VENDOR))
    upcoming = (
        assessment_rows()
        .where(
            mine,
            editable,
            Assessment.deadline >= today,
            Assessment.deadline <= today + dt.timedelta(days=UPCOMING_DAYS),
        )
        .order_by(Assessment.deadline, Assessment.id)
        .limit(limit)
    )
    overdue = (
        assessment_rows()
        .where(mine, editable, Assessment.deadline < today)
        .order_by(Assessment.deadline, Assessment.id)
        .limit(limit)
    )
    waiting = waiting_for_review(mine, limit)
    return Dashboard(
        counts={key: counts.get(key, 0) for key in STATUS_FILTERS},
        upcoming=list(upcoming),
        overdue=list(overdue),
        waiting_review=waiting,
        today=today,
    )
