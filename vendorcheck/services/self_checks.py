"""The department's self-check inside a use application: the same question engine, drafts
with stale-save refusal, evidence checked by content, and a frozen submission, as the portal."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.uploads import DEFAULT_QUOTA, EvidenceQuota, QuotaWords, stored_file_columns
from vendorcheck.services import application_versions, applications, evidence_quota
from vendorcheck.services.audit import Actor
from vendorcheck.services.drafts import (
    STALE_MESSAGE,
    Draft,
    Readiness,
    applicable_answers,
    check_evidence,
    draft_json,
    find_section,
    merge_section,
    parse_draft,
    readiness_of,
    with_file,
    without_file,
)
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.questionnaires import questionnaire_from_snapshot
from vendorcheck.store.db import database
from vendorcheck.store.models import ApplicationEvidence, UseApplication, utcnow

EVIDENCE_HOLDER = evidence_quota.Holder(
    ApplicationEvidence,
    ApplicationEvidence.application,
    ApplicationEvidence.question_id,
    QuotaWords(subject="この質問", owner="この利用申請全体"),
)


def questionnaire_of(application: UseApplication) -> Questionnaire:
    if application.snapshot_id is None:
        raise NotFound("この申請には自己点検がありません。")
    snapshot = application.snapshot
    return questionnaire_from_snapshot(snapshot.content, snapshot.content_hash)


def read_draft(application: UseApplication) -> Draft:
    return parse_draft(application.draft_answers)


def _ensure_editable(application: UseApplication) -> None:
    if application.status not in reg.EDITABLE_APPLICATION:
        raise Conflict("この申請は提出済みのため変更できません。差し戻されると再び編集できます。")


def _write(application: UseApplication, draft: Draft, base_revision: int | None) -> int:
    query = UseApplication.update(
        draft_answers=draft_json(draft),
        draft_revision=UseApplication.draft_revision + 1,
        last_saved_at=utcnow(),
    ).where(UseApplication.id == application.id)
    if base_revision is not None:
        query = query.where(UseApplication.draft_revision == base_revision)
    if query.execute() == 0:
        raise Conflict(STALE_MESSAGE)
    return UseApplication.get_by_id(application.id).draft_revision


def save_section(
    reader: Reader,
    application_id: int,
    section_id: str,
    form: Mapping[str, Sequence[str]],
    base_revision: int,
) -> tuple[int, dict[str, str]]:
    """Save one section of the self-check; return the new revision and the field errors."""
    application = applications.application_for_change(reader, application_id)
    _ensure_editable(application)
    section = find_section(questionnaire_of(application), section_id)
    draft = read_draft(application)
    errors = merge_section(section, form, draft)
    with database.atomic():
        revision = _write(application, draft, base_revision)
    return revision, errors


def active_evidence(application: UseApplication) -> list[ApplicationEvidence]:
    return list(
        ApplicationEvidence.select(
            ApplicationEvidence.id,
            ApplicationEvidence.question_id,
            ApplicationEvidence.filename,
            ApplicationEvidence.size,
        )
        .where(
            ApplicationEvidence.application == application,
            ApplicationEvidence.removed_at.is_null(),
        )
        .order_by(ApplicationEvidence.id)
    )


def add_evidence(
    reader: Reader,
    application_id: int,
    question_id: str,
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    quota: EvidenceQuota = DEFAULT_QUOTA,
) -> ApplicationEvidence:
    application = applications.application_for_change(reader, application_id)
    _ensure_editable(application)
    accepted = check_evidence(questionnaire_of(application), question_id, filename, data, max_bytes)
    with database.atomic():
        new_file = evidence_quota.NewFile(question_id, len(data), accepted.filename)
        found = evidence_quota.problem(EVIDENCE_HOLDER, application.id, [new_file], quota)
        if found:
            raise ServiceError(found[1])
        evidence = ApplicationEvidence.create(
            application=application,
            question_id=question_id,
            **stored_file_columns(accepted, data),
        )
        _write(application, with_file(read_draft(application), question_id, evidence.id), None)
    return evidence


def remove_evidence(reader: Reader, application_id: int, evidence_id: int) -> ApplicationEvidence:
    application = applications.application_for_change(reader, application_id)
    _ensure_editable(application)
    evidence = ApplicationEvidence.get_or_none(
        ApplicationEvidence.id == evidence_id,
        ApplicationEvidence.application == application,
        ApplicationEvidence.removed_at.is_null(),
    )
    if evidence is None:
        raise ServiceError(  # the removal named on the form: gone already, said on the page
            "そのファイルは見つかりません（すでに削除された可能性があります）。",
            field="remove_evidence",
        )
    with database.atomic():
        evidence.removed_at = utcnow()
        evidence.save(only=[ApplicationEvidence.removed_at])
        draft = without_file(read_draft(application), evidence.question_id, evidence.id)
        _write(application, draft, None)
    return evidence


def evidence_file(reader: Reader, application_id: int, evidence_id: int) -> ApplicationEvidence:
    application = applications.get_application(reader, application_id)
    evidence = ApplicationEvidence.get_or_none(
        ApplicationEvidence.id == evidence_id, ApplicationEvidence.application == application
    )
    if evidence is None:
        raise NotFound("そのファイルは見つかりません。")
    return evidence


def readiness(application: UseApplication) -> Readiness:
    if application.snapshot_id is None:
        return Readiness((), ())
    return readiness_of(questionnaire_of(application), read_draft(application), application.tier)


def submit(actor: Actor, reader: Reader, application_id: int, base_revision: int) -> UseApplication:
    """Freeze the self-check answers and send the application to the approver."""
    with database.atomic():
        application = applications.application_for_change(reader, application_id)
        _ensure_editable(application)
        if application.draft_revision != base_revision:
            raise Conflict(STALE_MESSAGE)
        check = readiness(application)
        if not check.ready:
            raise ServiceError(
                f"自己点検に未回答の必須項目が {len(check.missing)} 件、確認が必要な回答が"
                f" {len(check.invalid)} 件あります。"
            )
        answers = (
            applicable_answers(
                questionnaire_of(application), read_draft(application), application.tier
            )
            if application.snapshot_id
            else {}
        )
        updated = (
            UseApplication.update(
                status=reg.SUBMITTED,
                submitted_answers=json.dumps(answers, ensure_ascii=False, sort_keys=True),
                submitted_version=UseApplication.submitted_version + 1,
                submitted_at=utcnow(),
            )
            .where(
                UseApplication.id == application.id,
                UseApplication.draft_revision == base_revision,
                UseApplication.status.in_(tuple(reg.EDITABLE_APPLICATION)),
            )
            .execute()
        )
        if updated == 0:
            raise Conflict("この申請はすでに提出されたか、別の画面で更新されています。")
        application = UseApplication.get_by_id(application.id)
        application_versions.record(actor, application, answers)
        applications.submitted(actor, application)
    return application


def submitted_answers(application: UseApplication) -> dict[str, object]:
    try:
        value = json.loads(application.submitted_answers or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
