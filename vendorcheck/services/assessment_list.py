"""The list of every assessment (one vendor in one case) across cases, for the staff list page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.services.cases import assessment_rows, status_condition, with_latest_submission
from vendorcheck.services.paging import Page, PageRequest, page_of
from vendorcheck.store.models import (
    Assessment,
    Case,
    Department,
    QuestionnaireSnapshot,
    Submission,
    Vendor,
)


@dataclass(frozen=True)
class AssessmentFilter:
    status: str = ""  # an effective status (assessment_status.LABELS)
    department_id: int | None = None
    text: str = ""  # part of the case title or of the vendor's name


def _matching(criteria: AssessmentFilter, today: dt.date):
    query = (
        with_latest_submission(assessment_rows())
        .select_extend(Department.name)
        .switch(Case)
        .join(Department, join_type=JOIN.LEFT_OUTER)
    )
    return _filtered(query, criteria, today)


def _counted(criteria: AssessmentFilter, today: dt.date):
    """The same assessments with only the joins the filters need: what the count reads."""
    query = Assessment.select(Assessment.id).join(Case).switch(Assessment).join(Vendor)
    return _filtered(query, criteria, today)


def _filtered(query, criteria: AssessmentFilter, today: dt.date):
    if criteria.status in status.LABELS:
        query = query.where(status_condition(criteria.status, today))
    if criteria.department_id:
        query = query.where(Case.department == criteria.department_id)
    text = (criteria.text or "").strip()
    if text:
        query = query.where(
            Case.title.contains(text) | Vendor.name_normalized.contains(normalize(text))
        )
    return query


def _with_status(rows: list[Assessment], today: dt.date) -> list[Assessment]:
    for row in rows:
        row.effective_status = status.effective_status(row.status, row.deadline, today)
    return rows


SORTS = {
    "case": (Case.title,),
    "vendor": (Vendor.name_normalized,),
    "questionnaire": (QuestionnaireSnapshot.questionnaire_id, QuestionnaireSnapshot.version),
    "status": (Assessment.status,),
    "deadline": (Assessment.deadline,),
    "submitted": (Submission.submitted_at,),
    "invited": (Assessment.invited_at,),
}


def page_of_assessments(
    criteria: AssessmentFilter, wanted: PageRequest, *, today: dt.date | None = None
) -> Page:
    """One page of the matching assessments, sorted in the database: three queries."""
    today = today or today_jst()
    found = page_of(
        _matching(criteria, today),
        SORTS,
        wanted,
        Assessment.id,
        counted=_counted(criteria, today),
    )
    return Page(_with_status(found.rows, today), found.total, found.page)
