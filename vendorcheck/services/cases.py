"""Cases (案件): open and edit them, list them with filters, and their assessments as staff see them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from peewee import JOIN

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.access import Reader
from vendorcheck.domain.classification import CONFIDENTIAL_FROM_TIER, Scheme
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.domain.requirements import KIND_LABELS
from vendorcheck.services import audit, contract_terms
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import NotFound, ServiceError, too_long
from vendorcheck.services.organisation import organisation_scheme
from vendorcheck.services.paging import Page, PageRequest, page_of
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    Department,
    QuestionnaireSnapshot,
    Submission,
    Vendor,
)

STATUS_FILTERS = (*status.STORED, status.EXPIRED)  # what the list can be filtered by
MAX_TITLE, MAX_DESCRIPTION = 200, 4000
_FIELDS = (
    "title",
    "kind",
    "department_id",
    "classification_level",
    "tier",
    "contract_start",
    "contract_end",
    "answer_deadline",
    "description",
)


@dataclass(frozen=True)
class CaseInput:
    """What staff type for a case; validated by create_case and update_case."""

    title: str
    kind: str
    department_id: int | None
    classification_level: str
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    answer_deadline: dt.date | None = None
    description: str = ""
    personal_information: bool = False
    specific_personal_information: bool = False


def handles_of(case: Case) -> frozenset[str]:
    """What the case records it handles (personal_information, specific_personal_information)."""
    return contract_terms.case_handles(case)


def _record_handling(actor: Actor, case: Case, data: CaseInput) -> None:
    contract_terms.set_case_handling(
        actor,
        case,
        personal=data.personal_information,
        specific=data.specific_personal_information,
    )


def _check(
    data: CaseInput, scheme: Scheme, today: dt.date, current: Case | None
) -> dict[str, object]:
    """Return the columns to store, or raise ServiceError naming the field to correct."""
    title = (data.title or "").strip()
    if not title:
        raise ServiceError("案件名を入力してください。", field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(too_long("案件名", MAX_TITLE), field="title")
    if data.kind not in KIND_LABELS:
        raise ServiceError("案件の種類を選択してください。", field="kind")
    department = Department.get_or_none(Department.id == (data.department_id or 0))
    keeps_department = current is not None and current.department_id == data.department_id
    if department is None or not (department.active or keeps_department):
        raise ServiceError("所管部局を一覧から選択してください。", field="department_id")
    try:
        level = scheme.level(data.classification_level or "")
    except KeyError:
        raise ServiceError(
            "取り扱う情報の分類を一覧から選択してください。", field="classification_level"
        ) from None
    if data.kind == "cloud" and level.tier < CONFIDENTIAL_FROM_TIER:
        raise ServiceError(
            f"{level.label_ja}の情報だけを扱う外部サービスは、種類に"
            f"「{KIND_LABELS['cloud_light']}」を選んでください。",
            field="kind",
        )
    if data.kind == "cloud_light" and level.tier >= CONFIDENTIAL_FROM_TIER:
        raise ServiceError(
            f"{level.label_ja}の情報を扱う外部サービスは、種類に"
            f"「{KIND_LABELS['cloud']}」を選んでください。",
            field="kind",
        )
    if data.contract_start and data.contract_end and data.contract_end < data.contract_start:
        raise ServiceError(
            "契約終了日には契約開始日以降の日付を入力してください。", field="contract_end"
        )
    deadline_changed = current is None or current.answer_deadline != data.answer_deadline
    if data.answer_deadline and deadline_changed and data.answer_deadline < today:
        raise ServiceError(
            "回答期限には今日以降の日付を入力してください。", field="answer_deadline"
        )
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(too_long("概要", MAX_DESCRIPTION), field="description")
    if current is not None and current.kind != data.kind and _has_assessments(current):
        raise ServiceError(
            "事業者を招待済みのため、案件の種類は変更できません。別の案件を作成してください。",
            field="kind",
        )
    return {
        "title": title,
        "kind": data.kind,
        "department_id": department.id,
        "classification_level": level.code,
        "tier": level.tier,
        "contract_start": data.contract_start,
        "contract_end": data.contract_end,
        "answer_deadline": data.answer_deadline,
        "description": description,
    }


def _has_assessments(case: Case) -> bool:
    return Assessment.select().where(Assessment.case == case).exists()


def _snapshot(case: Case) -> dict[str, object]:
    return {key: getattr(case, key) for key in _FIELDS}


def create_case(actor: Actor, data: CaseInput, *, today: dt.date | None = None) -> Case:
    today = today or today_jst()
    with database.atomic():
        values = _check(data, organisation_scheme(), today, None)
        case = Case.create(**values, created_by=actor.id if actor.kind == "staff" else None)
        audit.record(
            actor,
            "case.create",
            "case",
            case.id,
            f"案件「{case.title}」を作成",
            after=_snapshot(case),
        )
        _record_handling(actor, case, data)
    return case


def update_case(
    actor: Actor, case_id: int, data: CaseInput, *, today: dt.date | None = None
) -> Case:
    today = today or today_jst()
    with database.atomic():
        case = get_case(case_id)
        values = _check(data, organisation_scheme(), today, case)
        before = _snapshot(case)
        for key, value in values.items():
            setattr(case, key, value)
        after = _snapshot(case)
        if before != after:
            case.save()
            audit.record(
                actor, "case.update", "case", case.id, f"案件「{case.title}」を変更", before, after
            )
        _record_handling(actor, case, data)
    return case


def get_case(case_id: int) -> Case:
    """The case with its department, or NotFound (the one case look-up of every journey)."""
    case = (
        Case.select(Case, Department)
        .join(Department, on=(Case.department == Department.id), join_type=JOIN.LEFT_OUTER)
        .where(Case.id == case_id)
        .first()
    )
    if case is None:
        raise NotFound(f"案件 {case_id} は見つかりません。この番号の案件は登録されていません。")
    return case


# --- assessments as staff see them ---------------------------------------------------------


def assessment_rows():
    """Assessments with their case, vendor and questionnaire id/version (not the big columns)."""
    return (
        Assessment.select(
            Assessment.id,
            Assessment.case,
            Assessment.vendor,
            Assessment.language,
            Assessment.deadline,
            Assessment.status,
            Assessment.last_saved_at,
            Assessment.submitted_version,
            Assessment.invited_at,
            Case.id,
            Case.title,
            Case.kind,
            Vendor.id,
            Vendor.name,
            Vendor.contact_email,
            QuestionnaireSnapshot.id,
            QuestionnaireSnapshot.questionnaire_id,
            QuestionnaireSnapshot.version,
        )
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .switch(Assessment)
        .join(QuestionnaireSnapshot)
        .switch(Assessment)
    )


def with_latest_submission(query):
    """The query joined to each assessment's latest submission (``.submission``, or None)."""
    return query.select_extend(Submission.submitted_at).join(
        Submission,
        on=(
            (Submission.assessment == Assessment.id)
            & (Submission.version == Assessment.submitted_version)
        ),
        join_type=JOIN.LEFT_OUTER,
        attr="submission",
    )


def assessments_of(case: Case) -> list[Assessment]:
    return list(assessment_rows().where(Assessment.case == case).order_by(Vendor.name_normalized))


def invited_vendor_ids(case: Case) -> set[int]:
    """Vendors that cannot be invited again to this case (an assessment that is not rejected)."""
    query = Assessment.select(Assessment.vendor).where(
        Assessment.case == case, Assessment.status != status.REJECTED
    )
    return {row.vendor_id for row in query}


def status_condition(wanted: str, today: dt.date):
    """A WHERE condition on Assessment matching an effective status (expired included)."""
    overdue = Assessment.deadline.is_null(False) & (Assessment.deadline < today)
    if wanted == status.EXPIRED:
        return Assessment.status.in_(sorted(status.EDITABLE_BY_VENDOR)) & overdue
    if wanted in status.EDITABLE_BY_VENDOR:
        return (Assessment.status == wanted) & ~overdue
    return Assessment.status == wanted


def effective(assessment: Assessment, today: dt.date) -> str:
    return status.effective_status(assessment.status, assessment.deadline, today)


# --- the case list -------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    department_id: int | None = None
    kind: str = ""
    status: str = ""
    text: str = ""
    reader: Reader | None = None  # the department rule: None lists every case (commands)


@dataclass
class CaseRow:
    case: Case
    counts: Counter = field(default_factory=Counter)  # effective status -> assessments

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _cases_matching(criteria: CaseFilter, today: dt.date):
    query = Case.select(Case, Department).join(
        Department, on=(Case.department == Department.id), join_type=JOIN.LEFT_OUTER
    )
    if criteria.department_id:
        query = query.where(Case.department == criteria.department_id)
    if criteria.reader is not None and not criteria.reader.sees_all:
        query = query.where(Case.department == (criteria.reader.department_id or 0))
    if criteria.kind:
        query = query.where(Case.kind == criteria.kind)
    if criteria.status:
        having = Assessment.select(Assessment.case).where(status_condition(criteria.status, today))
        query = query.where(Case.id.in_(having))
    text = (criteria.text or "").strip()
    if text:
        by_vendor = (
            Assessment.select(Assessment.case)
            .join(Vendor)
            .where(Vendor.name_normalized.contains(normalize(text)))
        )
        query = query.where(
            Case.title.contains(text) | Case.description.contains(text) | Case.id.in_(by_vendor)
        )
    return query


def _with_counts(cases: list[Case], today: dt.date) -> list[CaseRow]:
    rows = {case.id: CaseRow(case) for case in cases}
    if rows:
        counted = Assessment.select(Assessment.case, Assessment.status, Assessment.deadline).where(
            Assessment.case.in_(list(rows))
        )
        for row in counted:
            rows[row.case_id].counts[effective(row, today)] += 1
    return list(rows.values())


def list_cases(
    criteria: CaseFilter, *, today: dt.date | None = None, limit: int = 500
) -> list[CaseRow]:
    """Cases matching the filter, newest first, with assessment counts: two queries in all."""
    today = today or today_jst()
    query = _cases_matching(criteria, today).order_by(Case.created_at.desc(), Case.id.desc())
    return _with_counts(list(query.limit(limit)), today)


CASE_SORTS = {
    "title": (Case.title,),
    "kind": (Case.kind,),
    "department": (Department.sort_order,),
    "level": (Case.tier, Case.classification_level),
    "deadline": (Case.answer_deadline,),
    "created": (Case.created_at,),
}


def page_of_cases(
    criteria: CaseFilter, wanted: PageRequest, *, today: dt.date | None = None
) -> Page:
    """One page of the matching cases, sorted in the database, with their assessment counts:
    four queries at any number of cases."""
    today = today or today_jst()
    found = page_of(_cases_matching(criteria, today), CASE_SORTS, wanted, Case.id)
    return Page(_with_counts(found.rows, today), found.total, found.page)
