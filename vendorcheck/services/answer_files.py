"""The portable answer file a vendor keeps: its submitted answers as JSON (no evidence, no
tokens), imported into another invitation here or on another vendorcheck. The format is
documented in docs/ANSWER_FILE.md with the JSON Schema docs/answer_file.schema.json."""

from __future__ import annotations

import json
from collections.abc import Mapping

from vendorcheck.domain.questionnaire.carry import Carried, carry_answers, question_fingerprint
from vendorcheck.services.answer_reuse import fill_draft
from vendorcheck.services.assessments import latest_submission, questionnaire_of, submission_answers
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import NotFound, ServiceError
from vendorcheck.store.models import Assessment, utcnow

FORMAT = "vendorcheck-answers"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ANSWERS = 5000


def export_answer_file(assessment: Assessment) -> tuple[bytes, str]:
    """The latest submitted answers of the assessment as an answer file, and its file name."""
    submission = latest_submission(assessment)
    if submission is None:
        raise NotFound(
            "提出済みの回答がないため、回答ファイルは作れません。提出後にダウンロードしてください。"
        )
    questionnaire = questionnaire_of(assessment)
    answers = submission_answers(submission)
    vendor = assessment.vendor
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().replace(microsecond=0).isoformat() + "Z",
        "vendor": {"name": vendor.name, "corporate_number": vendor.corporate_number},
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "content_hash": questionnaire.content_hash,
            "title": questionnaire.title.ja,
        },
        "submission_version": submission.version,
        "answers": [
            {
                "question_id": question.id,
                "fingerprint": question_fingerprint(question),
                "value": answers[question.id],
            }
            for question in questionnaire.questions
            if question.id in answers and not question.answer_type.holds_evidence
        ],
    }
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
    return body, f"回答ファイル_{questionnaire.id}_v{questionnaire.version}_{vendor.name}.json"


def _refuse(message: str) -> ServiceError:
    return ServiceError(f"回答ファイルを読み込めません: {message}")


def _parse(data: bytes) -> Mapping[str, object]:
    if not data:
        raise _refuse("ファイルが空です。")
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(f"ファイルが大きすぎます（上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）。")
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(
            "JSON として読めませんでした。ダウンロードした回答ファイルを選んでください。"
        ) from None
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        raise _refuse("vendorcheck の回答ファイルではありません（format が違います）。")
    if parsed.get("format_version") != FORMAT_VERSION:
        raise _refuse(
            f"未知の版の回答ファイルです（format_version {parsed.get('format_version')!r}、"
            f"読み込めるのは {FORMAT_VERSION}）。"
        )
    return parsed


def _answers(parsed: Mapping[str, object]) -> tuple[dict[str, str], dict[str, object]]:
    items = parsed.get("answers")
    if not isinstance(items, list) or len(items) > MAX_ANSWERS:
        raise _refuse("answers が一覧になっていません。")
    fingerprints: dict[str, str] = {}
    values: dict[str, object] = {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _refuse(f"answers の{number}番目が正しくありません。")
        question_id, fingerprint = item.get("question_id"), item.get("fingerprint")
        value = item.get("value")
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        listed = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if (
            not isinstance(question_id, str)
            or not isinstance(fingerprint, str)
            or not (scalar or listed)
        ):
            raise _refuse(f"answers の{number}番目（{question_id!r}）の形が正しくありません。")
        fingerprints[question_id], values[question_id] = fingerprint, value
    return fingerprints, values


def import_answer_file(assessment: Assessment, data: bytes, actor: Actor) -> Carried:
    """Fill the empty draft from an answer file; changed and unknown questions are reported."""
    parsed = _parse(data)
    about = parsed.get("questionnaire")
    questionnaire = questionnaire_of(assessment)
    if not isinstance(about, dict) or about.get("id") != questionnaire.id:
        source = about.get("id") if isinstance(about, dict) else None
        raise _refuse(
            f"別の確認書（{source}）の回答ファイルです。この確認書（{questionnaire.id}）の回答ファイルを選んでください。"
        )
    fingerprints, values = _answers(parsed)
    carried = carry_answers(fingerprints, values, questionnaire)
    fill_draft(
        assessment,
        carried,
        actor,
        "assessment.answer_file",
        f"回答ファイル（{questionnaire.id} 第{about.get('version')}版）から {len(carried.copied)} 件を写し、"
        f"{len(carried.changed)} 件を要確認、{len(carried.unknown)} 件を不明な質問としました",
        {"file_questionnaire_version": about.get("version")},
    )
    return carried
