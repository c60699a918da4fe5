"""The assessment every journey starts from: look it up, its questionnaire, its draft, its
submitted versions and their answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from vendorcheck.domain.questionnaire import Question, Questionnaire
from vendorcheck.services.errors import NotFound
from vendorcheck.services.questionnaires import kept_snapshot, questionnaire_from_snapshot
from vendorcheck.store.models import Assessment, Case, QuestionnaireSnapshot, Submission, Vendor
from vendorcheck.store.prepared import PreparedQuery


def _not_found(assessment_id: int) -> NotFound:
    return NotFound(f"回答（アセスメント）ID {assessment_id} は見つかりません。")


@dataclass(frozen=True)
class Draft:
    answers: dict[str, object]
    invalid: dict[str, object]  # what the vendor typed that failed validation: kept, never lost
    notes: dict[str, str] = field(default_factory=dict)  # comments beside answers (チェックシート)
    carried: dict[str, str] = field(default_factory=dict)  # question id → previous / check


def get_assessment(assessment_id: int) -> Assessment:
    """The assessment with its case and vendor, or NotFound."""
    assessment = (
        Assessment.select(Assessment, Case, Vendor)
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .where(Assessment.id == assessment_id)
        .first()
    )
    if assessment is None:
        raise _not_found(assessment_id)
    return assessment


def assessment_in_case(case_id: int, assessment_id: int) -> Assessment:
    """The assessment, only when it belongs to that case (links in URLs must agree)."""
    assessment = get_assessment(assessment_id)
    if assessment.case_id != case_id:
        raise _not_found(assessment_id)
    return assessment


def refreshed(assessment: Assessment) -> Assessment:
    """The assessment as stored now (after a save changed its draft and revision)."""
    return Assessment.get_by_id(assessment.id)


# Every vendor page and save reads it: its SQL text is built once (store/prepared.py).
_SNAPSHOT_WITHOUT_CONTENT = PreparedQuery(
    lambda snapshot_id: QuestionnaireSnapshot.select(
        *(f for f in QuestionnaireSnapshot._meta.sorted_fields if f.name != "content")
    ).where(QuestionnaireSnapshot.id == snapshot_id)
)


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    """The exact questionnaire the vendor was invited with (its stored snapshot)."""
    if "snapshot" not in assessment.__rel__:  # not loaded yet: all but its content first
        snapshot = _SNAPSHOT_WITHOUT_CONTENT.first(assessment.snapshot_id)
        if snapshot is not None:
            assessment.__rel__["snapshot"] = snapshot  # the rest reads it without a query
    snapshot = assessment.snapshot
    if snapshot.content is None:  # read without its content: rebuilt already, or read it now
        kept = kept_snapshot(snapshot.content_hash)
        if kept is not None:
            return kept
        snapshot = QuestionnaireSnapshot.get_by_id(snapshot.id)
    return questionnaire_from_snapshot(snapshot.content, snapshot.content_hash)


def load_json(text: str) -> dict:
    """A stored JSON object; an empty one when the text is empty or not an object."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def read_draft(assessment: Assessment) -> Draft:
    data = load_json(assessment.draft_answers)
    return Draft(
        dict(data.get("answers") or {}),
        dict(data.get("invalid") or {}),
        dict(data.get("notes") or {}),
        dict(data.get("carried") or {}),
    )


def is_blank(raw: object) -> bool:
    return raw in ("", None, []) or (isinstance(raw, str) and not raw.strip())


def put_answer(draft: Draft, question: Question, raw: object) -> str | None:
    """Clean one raw value into the draft (what fails is kept as typed); return its error.
    An answer carried from an earlier one counts as confirmed once it is put again."""
    draft.carried.pop(question.id, None)
    draft.invalid.pop(question.id, None)
    draft.answers.pop(question.id, None)
    if is_blank(raw):
        return None
    value, error = question.clean(raw)
    if error:
        draft.invalid[question.id] = raw
        return error
    draft.answers[question.id] = value
    return None


def submissions(assessment: Assessment) -> list[Submission]:
    """Every submitted version, oldest first."""
    return list(
        Submission.select().where(Submission.assessment == assessment).order_by(Submission.version)
    )


def latest_submission(assessment: Assessment) -> Submission | None:
    return (
        Submission.select()
        .where(Submission.assessment == assessment)
        .order_by(Submission.version.desc())
        .first()
    )


def submission_answers(submission: Submission) -> dict[str, object]:
    return load_json(submission.answers)


def submission_comments(submission: Submission) -> dict[str, str]:
    """The vendor's comments beside the answers of a submitted version (question id → text)."""
    return {str(k): str(v) for k, v in load_json(submission.comments or "{}").items()}


def comments_shown(assessment: Assessment, version: int | None) -> dict[str, str]:
    """The vendor's comments of a submitted version, or of the draft when version is None."""
    if version is None:
        return dict(read_draft(assessment).notes)
    submission = Submission.get_or_none(
        Submission.assessment == assessment, Submission.version == version
    )
    return submission_comments(submission) if submission is not None else {}


def latest_answers(assessment: Assessment) -> tuple[dict[str, object], int | None]:
    """The newest submitted answers (and their version), or the draft when nothing was submitted."""
    latest = latest_submission(assessment)
    if latest is None:
        return read_draft(assessment).answers, None
    return submission_answers(latest), latest.version
