"""Draft answers outside an assessment: the department's self-check keeps its draft on the use
application, and uses the portal's own form handling (answers.apply_form, find_section) and
the same checks, so both answer a questionnaire exactly alike."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from vendorcheck.domain.questionnaire import Questionnaire, Section
from vendorcheck.domain.uploads import AcceptedFile, UploadRejected, check_upload
from vendorcheck.services.answers import STALE_MESSAGE, Readiness, apply_form, find_section
from vendorcheck.services.assessments import Draft, load_json
from vendorcheck.services.errors import NotFound, ServiceError

__all__ = [
    "STALE_MESSAGE",
    "Draft",
    "Readiness",
    "applicable_answers",
    "check_evidence",
    "draft_json",
    "errors_of_draft",
    "find_section",
    "merge_section",
    "parse_draft",
    "readiness_of",
    "with_file",
    "without_file",
]


def parse_draft(text: str) -> Draft:
    data = load_json(text)
    return Draft(dict(data.get("answers") or {}), dict(data.get("invalid") or {}))


def draft_json(draft: Draft) -> str:
    return json.dumps(
        {"answers": draft.answers, "invalid": draft.invalid}, ensure_ascii=False, sort_keys=True
    )


def merge_section(
    section: Section, form: Mapping[str, Sequence[str]], draft: Draft
) -> dict[str, str]:
    """Put one section's form fields (q__<question id>) into the draft; return the errors."""
    errors, _changed = apply_form(section, draft, form)
    return errors


def check_evidence(
    questionnaire: Questionnaire, question_id: str, filename: str, data: bytes, max_bytes: int
) -> AcceptedFile:
    """Check an upload for a file question by content; raise ServiceError saying why not."""
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        raise NotFound("ファイルを添付する質問が見つかりません。") from None
    if not question.answer_type.holds_evidence:
        raise ServiceError("この質問にはファイルを添付できません。")
    try:
        return check_upload(
            filename,
            data,
            max_bytes=max_bytes,
            accept=tuple(getattr(question.answer_type, "accept", ()) or ("pdf", "image", "office")),
        )
    except UploadRejected as error:
        raise ServiceError(str(error)) from None


def with_file(draft: Draft, question_id: str, file_id: int) -> Draft:
    ids = [str(i) for i in draft.answers.get(question_id, []) or []]
    draft.answers[question_id] = [*ids, str(file_id)]
    return draft


def without_file(draft: Draft, question_id: str, file_id: int) -> Draft:
    remaining = [i for i in draft.answers.get(question_id, []) or [] if str(i) != str(file_id)]
    if remaining:
        draft.answers[question_id] = remaining
    else:
        draft.answers.pop(question_id, None)
    return draft


def readiness_of(questionnaire: Questionnaire, draft: Draft, tier: int) -> Readiness:
    missing = questionnaire.missing_required(draft.answers, tier)
    applicable = questionnaire.applicable_questions(draft.answers, tier)
    invalid = tuple(
        q.id for q in questionnaire.questions if q.id in draft.invalid and q.id in applicable
    )
    return Readiness(tuple(missing), invalid)


def applicable_answers(questionnaire: Questionnaire, draft: Draft, tier: int) -> dict:
    """The answers of the questions that apply: what a submission freezes."""
    applicable = questionnaire.applicable_questions(draft.answers, tier)
    return {qid: value for qid, value in draft.answers.items() if qid in applicable}


def errors_of_draft(questionnaire: Questionnaire, draft: Draft) -> dict[str, str]:
    """Re-validate what failed before, so the messages show again after a reload."""
    errors = {}
    for question_id, raw in draft.invalid.items():
        try:
            _, error = questionnaire.question(question_id).clean(raw)
        except KeyError:
            continue
        if error:
            errors[question_id] = error
    return errors
