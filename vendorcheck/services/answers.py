"""The vendor's side: save drafts (refusing stale saves), attach evidence, submit versions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.questionnaire import Question, Questionnaire
from vendorcheck.domain.uploads import check_upload
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.invitations import load_json, questionnaire_of
from vendorcheck.services.mail import queue_mail
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Evidence, Submission, utcnow

STALE_MESSAGE = (
    "別の画面（または別の方）が、より新しい内容を保存しています。上書きを防ぐため、この保存は行いませんでした。"
    "ページを再読み込みして最新の内容を確認してから、もう一度入力してください。"
)


@dataclass(frozen=True)
class Draft:
    answers: dict[str, object]
    invalid: dict[str, object]  # what the vendor typed that failed validation: kept, never lost


@dataclass(frozen=True)
class SaveResult:
    revision: int
    errors: dict[str, str] = field(default_factory=dict)


def vendor_actor(assessment: Assessment, address: str) -> Actor:
    return Actor("vendor", assessment.id, f"{assessment.vendor.name}（事業者）", address)


def refreshed(assessment: Assessment) -> Assessment:
    """The assessment as stored now (after a save changed its draft and revision)."""
    return Assessment.get_by_id(assessment.id)


def read_draft(assessment: Assessment) -> Draft:
    data = load_json(assessment.draft_answers)
    return Draft(dict(data.get("answers") or {}), dict(data.get("invalid") or {}))


def _draft_json(draft: Draft) -> str:
    return json.dumps(
        {"answers": draft.answers, "invalid": draft.invalid}, ensure_ascii=False, sort_keys=True
    )


def _ensure_editable(assessment: Assessment) -> None:
    if assessment.status not in status.EDITABLE_BY_VENDOR:
        raise Conflict(
            "この確認書は提出済みのため、変更できません。修正が必要な場合は依頼元の担当者に連絡してください。"
        )


def _write_draft(assessment: Assessment, draft: Draft, base_revision: int | None) -> int:
    """Store the draft if nobody saved since base_revision; return the new revision."""
    query = Assessment.update(
        draft_answers=_draft_json(draft),
        draft_revision=Assessment.draft_revision + 1,
        last_saved_at=utcnow(),
        status=status.IN_PROGRESS if assessment.status == status.INVITED else assessment.status,
    ).where(Assessment.id == assessment.id)
    if base_revision is not None:
        query = query.where(Assessment.draft_revision == base_revision)
    if query.execute() == 0:
        raise Conflict(STALE_MESSAGE)
    return Assessment.get_by_id(assessment.id).draft_revision


def _raw_value(question: Question, form: Mapping[str, Sequence[str]]) -> object:
    values = [v for v in form.get(f"q__{question.id}", []) if isinstance(v, str)]
    if question.answer_type.multiple:
        return values
    return values[0] if values else ""


def _is_blank(raw: object) -> bool:
    return raw in ("", None, []) or (isinstance(raw, str) and not raw.strip())


def save_section(
    assessment: Assessment, section_id: str, form: Mapping[str, Sequence[str]], base_revision: int
) -> SaveResult:
    """Save the answers of one section from form fields named q__<question id>."""
    _ensure_editable(assessment)
    questionnaire = questionnaire_of(assessment)
    section = next((s for s in questionnaire.sections if s.id == section_id), None)
    if section is None:
        raise NotFound("指定されたページ（セクション）はありません。")
    draft = read_draft(assessment)
    errors: dict[str, str] = {}
    for question in section.questions:
        if question.answer_type.holds_evidence:  # files come through add_evidence
            continue
        raw = _raw_value(question, form)
        draft.invalid.pop(question.id, None)
        if _is_blank(raw):
            draft.answers.pop(question.id, None)
            continue
        value, error = question.clean(raw)
        if error:
            errors[question.id] = error
            draft.invalid[question.id] = raw
            draft.answers.pop(question.id, None)
        else:
            draft.answers[question.id] = value
    with database.atomic():
        revision = _write_draft(assessment, draft, base_revision)
    return SaveResult(revision, errors)


def active_evidence(assessment: Assessment) -> list[Evidence]:
    return list(
        Evidence.select(
            Evidence.id,
            Evidence.question_id,
            Evidence.filename,
            Evidence.size,
            Evidence.file_kind,
            Evidence.uploaded_at,
            Evidence.content_type,
        )
        .where(Evidence.assessment == assessment, Evidence.removed_at.is_null())
        .order_by(Evidence.id)
    )


def add_evidence(
    assessment: Assessment, question_id: str, filename: str, data: bytes, *, max_bytes: int
) -> Evidence:
    """Check and store an upload for a file question and list it in the draft answer."""
    _ensure_editable(assessment)
    questionnaire = questionnaire_of(assessment)
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        raise NotFound("ファイルを添付する質問が見つかりません。") from None
    if not question.answer_type.holds_evidence:
        raise ServiceError("この質問にはファイルを添付できません。")
    accepted = check_upload(
        filename,
        data,
        max_bytes=max_bytes,
        accept=tuple(getattr(question.answer_type, "accept", ()) or ("pdf", "image", "office")),
    )
    with database.atomic():
        evidence = Evidence.create(
            assessment=assessment,
            question_id=question_id,
            filename=accepted.filename,
            content_type=accepted.content_type,
            file_kind=accepted.kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        draft = read_draft(assessment)
        ids = [str(i) for i in draft.answers.get(question_id, []) or []]
        draft.answers[question_id] = [*ids, str(evidence.id)]
        _write_draft(assessment, draft, None)
    return evidence


def remove_evidence(assessment: Assessment, evidence_id: int) -> Evidence:
    """Take a file out of the draft (files of submitted versions stay readable to staff)."""
    _ensure_editable(assessment)
    evidence = Evidence.get_or_none(
        Evidence.id == evidence_id, Evidence.assessment == assessment, Evidence.removed_at.is_null()
    )
    if evidence is None:
        raise NotFound("そのファイルは見つかりません（すでに削除された可能性があります）。")
    with database.atomic():
        evidence.removed_at = utcnow()
        evidence.save(only=[Evidence.removed_at])
        draft = read_draft(assessment)
        remaining = [
            i
            for i in draft.answers.get(evidence.question_id, []) or []
            if str(i) != str(evidence.id)
        ]
        if remaining:
            draft.answers[evidence.question_id] = remaining
        else:
            draft.answers.pop(evidence.question_id, None)
        _write_draft(assessment, draft, None)
    return evidence


def evidence_for_vendor(assessment: Assessment, evidence_id: int) -> Evidence:
    evidence = Evidence.get_or_none(
        Evidence.id == evidence_id, Evidence.assessment == assessment, Evidence.removed_at.is_null()
    )
    if evidence is None:
        raise NotFound("そのファイルは見つかりません。")
    return evidence


@dataclass(frozen=True)
class Readiness:
    missing: tuple[str, ...]  # required questions that apply and have no answer
    invalid: tuple[str, ...]  # answers that failed validation

    @property
    def ready(self) -> bool:
        return not self.missing and not self.invalid


def readiness(assessment: Assessment, questionnaire: Questionnaire | None = None) -> Readiness:
    questionnaire = questionnaire or questionnaire_of(assessment)
    draft = read_draft(assessment)
    missing = questionnaire.missing_required(draft.answers, assessment.case.tier)
    applicable = questionnaire.applicable_questions(draft.answers, assessment.case.tier)
    invalid = tuple(
        q.id for q in questionnaire.questions if q.id in draft.invalid and q.id in applicable
    )
    return Readiness(tuple(missing), invalid)


def submit(assessment: Assessment, base_revision: int, actor: Actor) -> Submission:
    """Freeze the draft as the next version (AUD-03) if nothing required is missing."""
    _ensure_editable(assessment)
    if assessment.draft_revision != base_revision:
        raise Conflict(STALE_MESSAGE)
    questionnaire = questionnaire_of(assessment)
    check = readiness(assessment, questionnaire)
    if not check.ready:
        raise ServiceError(
            f"未回答の必須項目が {len(check.missing)} 件、確認が必要な回答が {len(check.invalid)} 件あります。"
            "確認ページの一覧から入力してください。"
        )
    draft = read_draft(assessment)
    applicable = questionnaire.applicable_questions(draft.answers, assessment.case.tier)
    answers = {qid: value for qid, value in draft.answers.items() if qid in applicable}
    with database.atomic():
        updated = (
            Assessment.update(
                status=status.SUBMITTED, submitted_version=Assessment.submitted_version + 1
            )
            .where(
                Assessment.id == assessment.id,
                Assessment.draft_revision == base_revision,
                Assessment.status.in_(tuple(status.EDITABLE_BY_VENDOR)),
            )
            .execute()
        )
        if updated == 0:
            raise Conflict(
                "この確認書はすでに提出されたか、別の画面で更新されています。ページを再読み込みしてください。"
            )
        version = assessment.submitted_version + 1
        submission = Submission.create(
            assessment=assessment,
            version=version,
            answers=json.dumps(answers, ensure_ascii=False, sort_keys=True),
        )
        audit.record(
            actor,
            "assessment.submit",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} が回答を提出（第{version}版）",
            after={"version": version, "answers": len(answers)},
        )
        staff = assessment.invited_by
        if staff is not None and staff.email:
            queue_mail(
                staff.email,
                f"【vendorcheck】回答が提出されました（{assessment.case.title} / {assessment.vendor.name}）",
                f"案件「{assessment.case.title}」の {assessment.vendor.name} から確認書の回答（第{version}版）が提出されました。\n"
                "vendorcheck にログインして審査してください。\n",
            )
    return submission


def submission_answers(submission: Submission) -> dict[str, object]:
    return load_json(submission.answers)
