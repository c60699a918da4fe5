"""The vendor's side: save drafts (refusing stale saves), attach evidence, submit versions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from peewee import Case

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.questionnaire import Question, Questionnaire, Section
from vendorcheck.domain.questionnaire.carry import PREVIOUS
from vendorcheck.domain.uploads import DEFAULT_QUOTA, EvidenceQuota
from vendorcheck.services import audit, expiry_facts
from vendorcheck.services.assessments import Draft, put_answer, questionnaire_of, read_draft
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.evidence_files import (
    Upload,
    check_uploads,
    file_facts,
    live_evidence,
    quota_refusal,
    store_upload,
    take_out,
)
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import site_name
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Evidence, Submission, utcnow
from vendorcheck.store.prepared import PreparedQuery

STALE_MESSAGE = (
    "別の画面（または別の方）が、より新しい内容を保存しています。上書きを防ぐため、この保存は行いませんでした。"
    "ページを再読み込みして最新の内容を確認してから、もう一度入力してください。"
)


@dataclass(frozen=True)
class SaveResult:
    revision: int
    errors: dict[str, str] = field(default_factory=dict)  # answers kept but not yet valid
    added: tuple[Evidence, ...] = ()
    removed: Evidence | None = None
    applicable: frozenset[str] = frozenset()  # the section's questions that apply after the save
    draft: Draft | None = None  # the draft as stored by this save (no need to read it back)
    saved_at: dt.datetime | None = None  # the assessment's last_saved_at written by this save


class StaleSave(Conflict):
    """Another tab (or person) saved since this page was loaded: nothing was written."""


class SaveRefused(ServiceError):
    """Nothing was saved: an upload was refused (errors by question) or a file is gone."""

    def __init__(self, errors: Mapping[str, str], message: str) -> None:
        super().__init__(message)
        self.errors = dict(errors)


def vendor_actor(assessment: Assessment, address: str) -> Actor:
    return Actor("vendor", assessment.id, f"{assessment.vendor.name}（事業者）", address)


def _draft_json(draft: Draft) -> str:
    data: dict[str, object] = {"answers": draft.answers, "invalid": draft.invalid}
    data |= {key: getattr(draft, key) for key in ("notes", "carried") if getattr(draft, key)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def ensure_editable(assessment: Assessment) -> None:
    if assessment.status not in status.EDITABLE_BY_VENDOR:
        raise Conflict(
            "この確認書は提出済みのため、変更できません。修正が必要な場合は依頼元の担当者に連絡してください。"
        )


def write_draft(
    assessment: Assessment,
    draft: Draft,
    base_revision: int | None,
    *,
    at: dt.datetime | None = None,
) -> int:
    """Store the draft if nobody saved since base_revision and the vendor can still change it;
    return the new revision. One statement (UPDATE … RETURNING): a save holds the write lock
    for as short a time as it can. An invited assessment becomes in progress."""
    query = (
        Assessment.update(
            draft_answers=_draft_json(draft),
            draft_revision=Assessment.draft_revision + 1,
            last_saved_at=at or utcnow(),
            status=Case(
                Assessment.status, [(status.INVITED, status.IN_PROGRESS)], Assessment.status
            ),
        )
        .where(
            Assessment.id == assessment.id,
            Assessment.status.in_(tuple(status.EDITABLE_BY_VENDOR)),
        )
        .returning(Assessment.draft_revision)
    )
    if base_revision is not None:
        query = query.where(Assessment.draft_revision == base_revision)
    rows = list(query.tuples().execute())
    if not rows:
        ensure_editable(Assessment.get_by_id(assessment.id))  # submitted meanwhile: say so
        raise StaleSave(STALE_MESSAGE)
    return rows[0][0]


def _posted_value(question: Question, form: Mapping[str, Sequence[str]], name: str) -> object:
    """What the form posted for one question (a list where the type holds several values)."""
    values = [v for v in form.get(name, []) if isinstance(v, str)]
    if question.answer_type.multiple:
        return values
    return values[0] if values else ""


def _as_stored(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def find_section(questionnaire: Questionnaire, section_id: str) -> Section:
    section = next((s for s in questionnaire.sections if s.id == section_id), None)
    if section is None:
        raise NotFound("指定されたページ（セクション）はありません。")
    return section


def apply_form(
    section: Section, draft: Draft, form: Mapping[str, Sequence[str]]
) -> tuple[dict[str, str], list[str]]:
    """Put the section's posted answers into the draft; return (errors, changed question ids)."""
    errors: dict[str, str] = {}
    changed: list[str] = []
    for question in section.questions:
        if question.answer_type.holds_evidence:  # files come through add_evidence
            continue
        before = (draft.answers.get(question.id), draft.invalid.get(question.id))
        error = put_answer(draft, question, _posted_value(question, form, f"q__{question.id}"))
        if error:
            errors[question.id] = error
        after = (draft.answers.get(question.id), draft.invalid.get(question.id))
        if _as_stored(after) != _as_stored(before):  # a cleaned tuple equals its stored list
            changed.append(question.id)
    return errors, changed


def _to_remove(assessment: Assessment, evidence_id: int) -> Evidence:
    evidence = live_evidence(assessment, evidence_id)
    if evidence is None:
        raise SaveRefused({}, "そのファイルは見つかりません（すでに削除された可能性があります）。")
    return evidence


def _audit_save(actor: Actor, assessment: Assessment, section: Section, changed, added, removed):
    parts = [f"回答 {len(changed)} 件"] if changed else []
    parts += [f"添付「{e.filename}」" for e in added]
    parts += [f"削除「{removed.filename}」"] if removed else []
    audit.record(
        actor,
        "assessment.save",
        "assessment",
        assessment.id,
        f"{assessment.vendor.name} がページ「{section.title.ja}」を保存（{'、'.join(parts)}）",
        after={
            "section": section.id,
            "changed": list(changed),
            "added": [file_facts(e) for e in added],
            "removed": file_facts(removed) if removed else None,
        },
    )


def save_section(
    assessment: Assessment,
    section_id: str,
    form: Mapping[str, Sequence[str]] | None,
    base_revision: int | None,
    *,
    uploads: Sequence[Upload] = (),
    remove_evidence: int | None = None,
    actor: Actor | None = None,
    max_bytes: int | None = None,
    quota: EvidenceQuota = DEFAULT_QUOTA,
) -> SaveResult:
    """Save one section (answers from fields named q__<question id>, files to attach, a file to
    remove) in one transaction with one audit event. A refused upload refuses the whole save
    (SaveRefused), and a save based on an older revision is refused (Conflict): nothing is kept
    half-saved. form None keeps the stored answers; base_revision None saves on top of
    whatever is stored (attaching a file from a service)."""
    ensure_editable(assessment)
    questionnaire = questionnaire_of(assessment)
    section = find_section(questionnaire, section_id)
    draft = read_draft(assessment)
    errors, changed = apply_form(section, draft, form) if form is not None else ({}, [])
    if uploads and max_bytes is None:
        raise TypeError("max_bytes is required with uploads")
    accepted, refusals = check_uploads(questionnaire, uploads, max_bytes or 0)
    if refusals:
        raise SaveRefused({**errors, **refusals}, next(iter(refusals.values())))
    actor = actor or vendor_actor(assessment, "")
    saved_at = utcnow()
    # Everything read and checked above; the transaction holds only the writes (and, with
    # files, the quota count that must see the files stored by a save at the same time).
    with database.atomic():
        removed = _to_remove(assessment, remove_evidence) if remove_evidence else None
        if removed is not None:
            take_out(draft, removed)
        refused = quota_refusal(assessment, accepted, quota) if accepted else None
        if refused:
            question_id, message = refused
            raise SaveRefused({question_id: message}, message)
        added = [store_upload(assessment, draft, upload, checked) for upload, checked in accepted]
        revision = write_draft(assessment, draft, base_revision, at=saved_at)
        if changed or added or removed:
            _audit_save(actor, assessment, section, changed, added, removed)
    applicable = questionnaire.applicable_questions(draft.answers, assessment.case.tier)
    return SaveResult(
        revision,
        errors,
        added=tuple(added),
        removed=removed,
        applicable=frozenset(q.id for q in section.questions if q.id in applicable),
        draft=draft,
        saved_at=saved_at,
    )


def add_evidence(
    assessment: Assessment,
    question_id: str,
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    quota: EvidenceQuota = DEFAULT_QUOTA,
) -> Evidence:
    """Attach one file to a file question on top of the stored draft (the same audited save)."""
    questionnaire = questionnaire_of(assessment)
    try:
        section_id = questionnaire.question(question_id).section_id
    except KeyError:
        raise NotFound("ファイルを添付する質問が見つかりません。") from None
    result = save_section(
        assessment,
        section_id,
        None,
        None,
        uploads=[Upload(question_id, filename, data)],
        max_bytes=max_bytes,
        quota=quota,
    )
    return result.added[0]


# The files of an assessment without their content, read on every vendor page: SQL text built
# once (store/prepared.py).
_ACTIVE_EVIDENCE = PreparedQuery(
    lambda assessment_id: (
        Evidence.select(
            Evidence.id,
            Evidence.question_id,
            Evidence.filename,
            Evidence.size,
            Evidence.file_kind,
            Evidence.uploaded_at,
            Evidence.content_type,
        )
        .where(Evidence.assessment == assessment_id, Evidence.removed_at.is_null())
        .order_by(Evidence.id)
    )
)


def active_evidence(assessment: Assessment) -> list[Evidence]:
    return _ACTIVE_EVIDENCE.rows(assessment.id)


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
    unconfirmed: tuple[str, ...] = ()  # mandatory answers copied from an earlier one

    @property
    def ready(self) -> bool:
        return not self.missing and not self.invalid and not self.unconfirmed


def readiness(assessment: Assessment, questionnaire: Questionnaire | None = None) -> Readiness:
    questionnaire = questionnaire or questionnaire_of(assessment)
    draft = read_draft(assessment)
    missing = questionnaire.missing_required(draft.answers, assessment.case.tier)
    applicable = questionnaire.applicable_questions(draft.answers, assessment.case.tier)
    invalid = tuple(
        q.id for q in questionnaire.questions if q.id in draft.invalid and q.id in applicable
    )
    unconfirmed = tuple(
        q.id
        for q in questionnaire.questions
        if draft.carried.get(q.id) == PREVIOUS
        and q.id in applicable
        and q.is_mandatory(assessment.case.tier)
    )
    return Readiness(tuple(missing), invalid, unconfirmed)


def submit(assessment: Assessment, base_revision: int, actor: Actor) -> Submission:
    """Freeze the draft as the next version (AUD-03) if nothing required is missing."""
    ensure_editable(assessment)
    if assessment.draft_revision != base_revision:
        raise StaleSave(STALE_MESSAGE)
    questionnaire = questionnaire_of(assessment)
    check = readiness(assessment, questionnaire)
    if not check.ready:
        raise ServiceError(
            f"未回答の必須項目が {len(check.missing)} 件、確認が必要な回答が {len(check.invalid)} 件、"
            f"確認していない前回の回答（必須）が {len(check.unconfirmed)} 件あります。"
            "確認ページの一覧から入力してください。"
        )
    draft = read_draft(assessment)
    applicable = questionnaire.applicable_questions(draft.answers, assessment.case.tier)
    answers = {qid: value for qid, value in draft.answers.items() if qid in applicable}
    known = {question.id for question in questionnaire.questions}
    comments = {qid: text for qid, text in draft.notes.items() if qid in known and text}
    submitted_at = utcnow()
    with database.atomic():
        updated = (
            Assessment.update(
                status=status.SUBMITTED,
                submitted_version=Assessment.submitted_version + 1,
                last_submitted_at=submitted_at,  # the dashboard's newest-first list reads it
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
            comments=json.dumps(comments, ensure_ascii=False, sort_keys=True),
            submitted_at=submitted_at,
        )
        expiry_facts.record_submission(assessment.id, version, questionnaire, answers)
        audit.record(
            actor,
            "assessment.submit",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} が回答を提出（第{version}版）",
            after={"version": version, "answers": len(answers), "comments": len(comments)},
        )
        staff = assessment.invited_by
        if staff is not None and staff.email:
            queue_mail(
                staff.email,
                f"【{site_name()}】回答が提出されました（{assessment.case.title} / {assessment.vendor.name}）",
                f"案件「{assessment.case.title}」の {assessment.vendor.name} から確認書の回答（第{version}版）が提出されました。\n"
                "vendorcheck にログインして審査してください。\n",
            )
    return submission
