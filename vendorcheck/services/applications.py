"""利用申請: a section applies to use an external service or open an SNS account; the approver
approves, returns with comments, or rejects with a reason. Only approved entries go into use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from peewee import JOIN, fn

from vendorcheck.domain import assessment_status
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import REFUSED_CHANGE, REFUSED_READ, Reader
from vendorcheck.domain.classification import CONFIDENTIAL_FROM_TIER
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import application_approvers, audit, register_flags, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, Forbidden, NotFound, ServiceError
from vendorcheck.services.invitations import store_snapshot
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import site_name
from vendorcheck.services.registers import clean_fields, tier_of
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Department,
    GeneratedAnnex,
    RegisterEntry,
    UseApplication,
    utcnow,
)
from vendorcheck.store.prepared import PreparedSelect

DECISIONS = {"approve": "承認", "return": "差戻し", "reject": "却下"}


@dataclass(frozen=True)
class ApplicationInput:
    kind: str
    department_id: int | None
    fields: Mapping[str, object]  # register fields (domain/register_fields.py)
    responsible: register_people.PersonInput
    assessment_id: int | None = None  # kind cloud: the accepted assessment of the vetting case


def _check_kind_and_level(kind: str, tier: int) -> None:
    if kind not in reg.APPLICATION_KINDS:
        raise ServiceError("申請の種類を選んでください。", field="kind")
    if kind == "cloud_light" and tier >= CONFIDENTIAL_FROM_TIER:
        raise ServiceError(
            "機密性2以上の情報を扱う外部サービスは、調達案件で事業者を審査してから"
            "「機密性2以上」の申請で承認済みの確認結果を選んでください。",
            field="classification_level",
        )
    if kind == "cloud" and tier < CONFIDENTIAL_FROM_TIER:
        raise ServiceError(
            "機密性2未満の情報だけを扱うサービスは「機密性2未満」の申請を選んでください。",
            field="kind",
        )


def _accepted_assessment(assessment_id: int | None, department_id: int) -> Assessment:
    assessment = Assessment.get_or_none(Assessment.id == (assessment_id or 0))
    if assessment is None or assessment.status != assessment_status.ACCEPTED:
        raise ServiceError(
            "機密性2以上の外部サービスは、承認済みの事業者確認を選んでください。",
            field="assessment_id",
        )
    if assessment.case.kind != "cloud" or assessment.case.department_id != department_id:
        raise ServiceError(
            "選んだ確認は、この部局の外部サービス（機密性2以上）の案件のものではありません。",
            field="assessment_id",
        )
    return assessment


def start(
    actor: Actor,
    reader: Reader,
    data: ApplicationInput,
    questionnaire: Questionnaire | None,
    today: dt.date | None = None,
) -> UseApplication:
    """Open an application with its register entry (申請中) and the proposed 責任者."""
    today = today or today_jst()
    department = Department.get_or_none(Department.id == (data.department_id or 0))
    if department is None or not department.active:
        raise ServiceError("申請する部局を一覧から選んでください。", field="department_id")
    if not reader.may_change(department.id):
        raise Forbidden(REFUSED_CHANGE)
    entry_type = reg.APPLICATION_KINDS.get(data.kind, (reg.SERVICE, ""))[0]
    fields = clean_fields(entry_type, data.fields)
    if not fields.get("name"):
        raise ServiceError("名称を入力してください。", field="name")
    level = str(fields.get("classification_level") or "")
    if not level:
        raise ServiceError("取り扱う情報の分類を選んでください。", field="classification_level")
    _check_kind_and_level(data.kind, tier_of(level))
    if data.kind in reg.SELF_CHECK_KINDS:
        if questionnaire is None or questionnaire.respondent != "department":
            raise ServiceError("この申請の自己点検の確認書が見つかりません。", field="kind")
        if data.kind not in questionnaire.kinds:
            raise ServiceError("申請の種類に合わない確認書です。", field="kind")
    with database.atomic():
        links: dict[str, object] = {}
        if data.kind == "cloud":
            assessment = _accepted_assessment(data.assessment_id, department.id)
            annex = (
                GeneratedAnnex.select()
                .where(GeneratedAnnex.assessment == assessment)
                .order_by(GeneratedAnnex.version.desc())
                .first()
            )
            links = {
                "case": assessment.case,
                "assessment": assessment,
                "vendor": assessment.vendor,
                "annex": annex,
            }
            fields.setdefault("provider_name", assessment.vendor.name)
        entry = RegisterEntry.create(
            entry_type=entry_type,
            status=reg.APPLIED,
            department=department,
            name_normalized=normalize(str(fields["name"])),
            next_review_on=fields.get("next_review_on")
            or today + dt.timedelta(days=reg.REVIEW_INTERVAL_DAYS),
            **{k: v for k, v in fields.items() if k != "next_review_on"},
            **links,
        )
        register_flags.refresh([entry])
        application = UseApplication.create(
            entry=entry,
            kind=data.kind,
            status=reg.DRAFT,
            snapshot=store_snapshot(questionnaire)
            if data.kind in reg.SELF_CHECK_KINDS and questionnaire
            else None,
            tier=tier_of(level),
            applicant=actor.id if actor.kind == "staff" else None,
        )
        audit.record(
            actor,
            "application.start",
            "use_application",
            application.id,
            f"{department.name} が「{entry.name}」の利用申請を作成",
            after={"kind": data.kind, "entry": entry.id},
        )
        register_people.add_assignment(
            actor,
            entry,
            data.responsible,
            effective_from=fields.get("start_date") or today,
            reason="利用申請",
        )
    return application


def get_application(reader: Reader, application_id: int) -> UseApplication:
    """The application, if the reader's department owns it or the reader may decide it."""
    application = UseApplication.get_or_none(UseApplication.id == application_id)
    if application is None:
        raise NotFound("指定された利用申請は登録されていません。")
    department_id = application.entry.department_id
    if not (
        reader.may_read(department_id) or application_approvers.may_approve(reader, department_id)
    ):
        raise Forbidden(REFUSED_READ)
    return application


def application_for_change(reader: Reader, application_id: int) -> UseApplication:
    application = get_application(reader, application_id)
    if not reader.may_change(application.entry.department_id):
        raise Forbidden(REFUSED_CHANGE)
    return application


def applications_of(entry: RegisterEntry) -> list[UseApplication]:
    return list(
        UseApplication.select()
        .where(UseApplication.entry == entry)
        .order_by(UseApplication.id.desc())
    )


def waiting_departments(reader: Reader) -> tuple[int, ...] | None:
    """The departments whose waiting applications the reader sees (None: every one): the own
    department's, and those of the departments the reader is named approver for."""
    if reader.sees_all:
        return None
    scope = application_approvers.approved_departments(reader)
    if None in scope:
        return None
    return tuple(sorted({d for d in scope if d is not None} | {reader.department_id or 0}))


def _in_departments(query, departments: tuple[int, ...] | None):
    return query if departments is None else query.where(RegisterEntry.department.in_(departments))


def waiting_scope(query, reader: Reader):
    """Restrict a query joined to RegisterEntry to the applications the reader may see waiting."""
    return _in_departments(query, waiting_departments(reader))


# Read by the dashboard after every change: their text built once per scope (key).
_WAITING = PreparedSelect(
    lambda key: (
        _in_departments(
            UseApplication.select(UseApplication, RegisterEntry, Department)
            .join(RegisterEntry)
            .join(Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id)
            .where(UseApplication.status == reg.SUBMITTED),
            key[0],
        )
        .order_by(UseApplication.submitted_at)
        .limit(key[1])
    )
)
_WAITING_COUNTS = PreparedSelect(
    lambda key: (
        _in_departments(
            UseApplication.select(RegisterEntry.department, fn.COUNT(UseApplication.id))
            .join(RegisterEntry)
            .where(UseApplication.status == reg.SUBMITTED),
            key[0],
        )
        .group_by(RegisterEntry.department)
        .tuples()
    )
)


def waiting(reader: Reader, limit: int = 50) -> list[UseApplication]:
    """Applications waiting for a decision, oldest first (what the approver works through)."""
    return _WAITING.rows((waiting_departments(reader), limit))


def waiting_counts(reader: Reader) -> dict[int | None, int]:
    """How many applications wait for a decision, by department (of those the reader sees)."""
    return dict(_WAITING_COUNTS.rows((waiting_departments(reader),)))


def submitted(actor: Actor, application: UseApplication) -> None:
    """Mark the application submitted (after the self-check froze its answers) and tell the
    approvers; called inside the self-check's transaction."""
    entry = application.entry
    audit.record(
        actor,
        "application.submit",
        "use_application",
        application.id,
        f"「{entry.name}」の利用申請を提出（第{application.submitted_version}版）",
        after={"version": application.submitted_version},
    )
    resubmitted = (
        "（差戻し後の再提出。前の版からの変更が申請の画面に表示されます）"
        if (application.submitted_version > 1)
        else ""
    )
    for address in application_approvers.approver_addresses(entry.department_id):
        queue_mail(
            address,
            f"【{site_name()}】利用申請の承認依頼（{entry.name}）",
            f"{entry.department.name if entry.department_id else ''} から「{entry.name}」の"
            f"利用申請が提出されました{resubmitted}。\nvendorcheck にログインして、"
            "承認・差戻し・却下を判断してください。\n",
        )


def decide(
    actor: Actor, reader: Reader, application_id: int, decision: str, reason: str
) -> UseApplication:
    """承認 / 差戻し / 却下 by an approver, with the reason (comments for a return)."""
    reason = (reason or "").strip()
    with database.atomic():
        application = get_application(reader, application_id)
        application_approvers.check_may_decide(
            reader, application.entry.department_id, application.applicant_id
        )
        if decision not in DECISIONS:
            raise ServiceError("承認・差戻し・却下のいずれかを選んでください。", field="decision")
        if not reason:
            raise ServiceError(f"{DECISIONS[decision]}の理由を入力してください。", field="reason")
        if len(reason) > 4000:
            raise ServiceError("理由は4000文字以内で入力してください。", field="reason")
        if application.status != reg.SUBMITTED:
            raise Conflict(
                "この申請は承認待ちではありません（すでに判断されたか、差し戻されています）。"
            )
        entry = application.entry
        new_status = {
            "approve": reg.DECIDED_APPROVED,
            "return": reg.RETURNED,
            "reject": reg.REJECTED,
        }[decision]
        UseApplication.update(
            status=new_status,
            decided_by=actor.id if actor.kind == "staff" else None,
            decided_at=utcnow(),
            decision_reason=reason,
        ).where(UseApplication.id == application.id).execute()
        if decision == "approve":
            entry.status = reg.APPROVED
        elif decision == "reject":
            entry.status = reg.RETIRED
            entry.retired_on = today_jst()
            entry.retirement_note = f"利用申請が却下されたため（理由: {reason}）"
        entry.updated_at = utcnow()
        entry.save()
        register_flags.refresh([entry])
        audit.record(
            actor,
            f"application.{decision}",
            "use_application",
            application.id,
            f"「{entry.name}」の利用申請を{DECISIONS[decision]}",
            after={
                "reason": reason,
                "entry_status": entry.status,
                "version": application.submitted_version,
            },
        )
        applicant = application.applicant
        if applicant is not None and applicant.email and applicant.active:
            queue_mail(
                applicant.email,
                f"【{site_name()}】利用申請が{DECISIONS[decision]}されました（{entry.name}）",
                f"「{entry.name}」の利用申請が{DECISIONS[decision]}されました。\n理由・コメント:\n"
                f"{reason}\n",
            )
    return UseApplication.get_by_id(application.id)
