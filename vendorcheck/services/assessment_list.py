"""The list of every assessment (one vendor in one case) across cases, for the staff list page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.services.cases import assessment_rows, status_condition, with_latest_submission
from vendorcheck.store.models import Assessment, Case, Department, Vendor

LIST_LIMIT = 2000


@dataclass(frozen=True)
class AssessmentFilter:
    status: str = ""  # an effective status (assessment_status.LABELS)
    department_id: int | None = None
    text: str = ""  # part of the case title or of the vendor's name


def list_assessments(
    criteria: AssessmentFilter, *, today: dt.date | None = None, limit: int = LIST_LIMIT
) -> list[Assessment]:
    """Matching assessments, newest invitation first, each with .submission (or None): one query."""
    today = today or today_jst()
    query = (
        with_latest_submission(assessment_rows())
        .select_extend(Department.name)
        .switch(Case)
        .join(Department, join_type=JOIN.LEFT_OUTER)
    )
    if criteria.status in status.LABELS:
        query = query.where(status_condition(criteria.status, today))
    if criteria.department_id:
        query = query.where(Case.department == criteria.department_id)
    text = (criteria.text or "").strip()
    if text:
        query = query.where(
            Case.title.contains(text) | Vendor.name_normalized.contains(normalize(text))
        )
    rows = list(query.order_by(Assessment.invited_at.desc(), Assessment.id.desc()).limit(limit))
    for row in rows:
        row.effective_status = status.effective_status(row.status, row.deadline, today)
    return rows
