"""The vendor's evidence files in a save: checked by content before anything is written,
stored, counted against the quota, taken out again. The section save (answers.py) calls these
inside its one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import fn

from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.uploads import (
    AcceptedFile,
    EvidenceQuota,
    StoredEvidence,
    UploadRejected,
    check_upload,
    quota_problem,
    with_file,
)
from vendorcheck.services.assessments import Draft
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Evidence, utcnow

ANY_EVIDENCE = ("pdf", "image", "office")


@dataclass(frozen=True)
class Upload:
    """A file posted for a file question."""

    question_id: str
    filename: str
    data: bytes


def refusal(upload: Upload, reason: str) -> str:
    return f"「{upload.filename}」を添付できませんでした: {reason}"


def check_uploads(
    questionnaire: Questionnaire, uploads: Sequence[Upload], max_bytes: int
) -> tuple[list[tuple[Upload, AcceptedFile]], dict[str, str]]:
    """Check every upload by its content before anything is written: (accepted, refusals)."""
    accepted: list[tuple[Upload, AcceptedFile]] = []
    refusals: dict[str, str] = {}
    for upload in uploads:
        try:
            question = questionnaire.question(upload.question_id)
        except KeyError:
            refusals[upload.question_id] = refusal(
                upload, "ファイルを添付する質問が見つかりません。"
            )
            continue
        if not question.answer_type.holds_evidence:
            refusals[upload.question_id] = refusal(upload, "この質問にはファイルを添付できません。")
            continue
        accept = tuple(getattr(question.answer_type, "accept", ()) or ANY_EVIDENCE)
        try:
            checked = check_upload(upload.filename, upload.data, max_bytes=max_bytes, accept=accept)
        except UploadRejected as exc:
            refusals[upload.question_id] = refusal(upload, str(exc))
            continue
        accepted.append((upload, checked))
    return accepted, refusals


def store_upload(
    assessment: Assessment, draft: Draft, upload: Upload, checked: AcceptedFile
) -> Evidence:
    """Store one accepted file and list it in the draft's answer to its question."""
    evidence = Evidence.create(
        assessment=assessment,
        question_id=upload.question_id,
        filename=checked.filename,
        content_type=checked.content_type,
        file_kind=checked.kind,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        data=upload.data,
    )
    listed = [str(i) for i in draft.answers.get(upload.question_id, []) or []]
    draft.answers[upload.question_id] = [*listed, str(evidence.id)]
    return evidence


def stored_evidence(assessment: Assessment) -> StoredEvidence:
    """The live files of the assessment, counted and summed per question in one query."""
    rows = (
        Evidence.select(Evidence.question_id, fn.COUNT(Evidence.id), fn.SUM(Evidence.size))
        .where(Evidence.assessment == assessment, Evidence.removed_at.is_null())
        .group_by(Evidence.question_id)
        .tuples()
    )
    by_question = {question_id: (int(files), int(size or 0)) for question_id, files, size in rows}
    files = sum(f for f, _ in by_question.values())
    return StoredEvidence(by_question, files, sum(s for _, s in by_question.values()))


def quota_refusal(
    assessment: Assessment, accepted: Sequence[tuple[Upload, AcceptedFile]], quota: EvidenceQuota
) -> tuple[str, str] | None:
    """The (question id, message) of the first file that would pass the quota, or None (called
    after any removal). The assessment row is locked first (PostgreSQL), so two saves at once
    cannot both squeeze in; SQLite transactions here take the write lock when they begin."""
    if database.for_update:  # PostgreSQL; SQLite has no FOR UPDATE and needs none
        list(Assessment.select(Assessment.id).where(Assessment.id == assessment.id).for_update())
    stored = stored_evidence(assessment)
    for upload, _checked in accepted:
        problem = quota_problem(quota, stored, upload.question_id, len(upload.data))
        if problem:
            return upload.question_id, refusal(upload, problem)
        stored = with_file(stored, upload.question_id, len(upload.data))
    return None


def live_evidence(assessment: Assessment, evidence_id: int) -> Evidence | None:
    """A file of this assessment that has not been removed, or None."""
    return Evidence.get_or_none(
        Evidence.id == evidence_id, Evidence.assessment == assessment, Evidence.removed_at.is_null()
    )


def take_out(draft: Draft, evidence: Evidence) -> None:
    """Mark the file removed and drop it from the draft's answer to its question."""
    evidence.removed_at = utcnow()
    evidence.save(only=[Evidence.removed_at])
    remaining = [
        i for i in draft.answers.get(evidence.question_id, []) or [] if str(i) != str(evidence.id)
    ]
    if remaining:
        draft.answers[evidence.question_id] = remaining
    else:
        draft.answers.pop(evidence.question_id, None)


def file_facts(evidence: Evidence) -> dict[str, object]:
    """What the audit event records of a file."""
    return {"id": evidence.id, "question": evidence.question_id, "file": evidence.filename}
