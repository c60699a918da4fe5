"""The vendor's evidence files in a save: checked by content before anything is written,
stored, counted against the quota, taken out again. The section save (answers.py) calls these
inside its one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.uploads import (
    AcceptedFile,
    EvidenceQuota,
    UploadRejected,
    check_upload,
)
from vendorcheck.services import evidence_quota
from vendorcheck.services.assessments import Draft
from vendorcheck.services.evidence_quota import Holder, NewFile
from vendorcheck.store.models import Assessment, Evidence, utcnow

ANY_EVIDENCE = ("pdf", "image", "office")
EVIDENCE_HOLDER = Holder(Evidence, Evidence.assessment, Evidence.question_id)


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


def quota_refusal(
    assessment: Assessment, accepted: Sequence[tuple[Upload, AcceptedFile]], quota: EvidenceQuota
) -> tuple[str, str] | None:
    """The (question id, message) of the first file that would pass the quota, or None (called
    after any removal, inside the save's transaction; evidence_quota locks the assessment)."""
    new_files = [NewFile(u.question_id, len(u.data), u.filename) for u, _checked in accepted]
    found = evidence_quota.problem(EVIDENCE_HOLDER, assessment.id, new_files, quota)
    if found is None:
        return None
    new, reason = found
    return new.subject, f"「{new.filename}」を添付できませんでした: {reason}"


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
