"""The Excel チェックシート upload: preview it (old → new, rejected rows, empty questions) and
apply it to the draft only when confirmed (the workbook is built in checksheet_download).

Every cell is cleaned by `assessments.put_answer`, the function the web form saves with.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from vendorcheck.documents.checksheet_reader import (
    ReadChecksheet,
    SheetRow,
    WorkbookRejected,
    read_checksheet,
)
from vendorcheck.domain.questionnaire import Question, Questionnaire
from vendorcheck.domain.uploads import safe_filename
from vendorcheck.services import answers, audit
from vendorcheck.services.assessments import (
    Draft,
    is_blank,
    put_answer,
    questionnaire_of,
    read_draft,
)
from vendorcheck.services.audit import Actor
from vendorcheck.services.checksheet_download import checksum, question_numbers
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, ChecksheetUpload, Staff, utcnow

STALE_UPLOAD = (
    "このチェックシートをダウンロードした後に、回答が保存されています。上書きを防ぐため、読み込みませんでした。"
    "チェックシートをダウンロードし直し、最新の内容に記入してからアップロードしてください。"
)
MAX_COMMENT = 2000  # characters of one comment cell kept with the answers
FORMULA_REJECTED = "数式は回答として受け付けていません。値（文字や数字）を入力してください。"


@dataclass(frozen=True)
class RowNote:
    """One row of the preview: where it is, which question, and what happens to it."""

    sheet: str
    row: int
    number: str
    question: str
    old: str = ""
    new: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ChecksheetPreview:
    upload_id: int
    filename: str
    revision: int
    changes: tuple[RowNote, ...]  # answers that will change, old → new
    rejected: tuple[RowNote, ...]  # rows not taken, with the reason
    empty: tuple[RowNote, ...]  # questions left empty that apply
    comments: tuple[RowNote, ...]  # comments that will change, old → new

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.comments)


@dataclass(frozen=True)
class _Plan:
    draft: Draft
    changes: tuple[RowNote, ...]
    rejected: tuple[RowNote, ...]
    empty: tuple[RowNote, ...]
    comments: tuple[RowNote, ...]


def _check_identity(
    read: ReadChecksheet, assessment: Assessment, questionnaire: Questionnaire, secret: str
) -> None:
    stamp = read.stamp
    if stamp.questionnaire_id != questionnaire.id:
        raise ServiceError(
            f"別の確認書（{stamp.questionnaire_id}）のチェックシートです。この回答用のチェックシートをダウンロードして記入してください。"
        )
    if stamp.version != questionnaire.version or stamp.content_hash != questionnaire.content_hash:
        raise ServiceError(
            f"確認書の版が違います（ファイルは第{stamp.version}版、この回答は第{questionnaire.version}版）。チェックシートをダウンロードし直してください。"
        )
    if stamp.assessment_id != assessment.id:
        raise ServiceError(
            "別の回答（別の案件または事業者）用のチェックシートです。この回答用のチェックシートをダウンロードして記入してください。"
        )
    ids = tuple(question.id for question in questionnaire.questions)
    if not hmac.compare_digest(stamp.checksum, checksum(secret, stamp, ids)):
        raise ServiceError(
            "表紙の照合コードが一致しません（表紙の照合情報が書き換えられた可能性があります）。チェックシートをダウンロードし直してください。"
        )
    if stamp.revision != assessment.draft_revision:
        raise Conflict(STALE_UPLOAD)
    sections = questionnaire.sections
    if len(read.sheets) != len(sections):
        raise ServiceError(
            f"セクションのシートの数が違います（{len(read.sheets)} 枚、正しくは {len(sections)} 枚）。シートを追加・削除せずに記入してください。"
        )
    known = set(ids)
    for (title, rows), section in zip(read.sheets, sections, strict=True):
        expected = [question.id for question in section.questions]
        for index, row in enumerate(rows):
            if row.question_id not in known:
                raise ServiceError(
                    f"シート「{title}」の{row.row}行目: 隠し列の質問ID「{row.question_id}」はこの確認書にありません。隠し列を変更せずに記入してください。"
                )
            if index >= len(expected) or row.question_id != expected[index]:
                raise ServiceError(
                    f"シート「{title}」の{row.row}行目: 行が移動または削除されています。チェックシートをダウンロードし直してください。"
                )
        if len(rows) != len(expected):
            raise ServiceError(
                f"シート「{title}」の質問の行が足りません（{len(rows)} 行、正しくは {len(expected)} 行）。行を削除せずに記入してください。"
            )


def _plan(read: ReadChecksheet, assessment: Assessment, questionnaire: Questionnaire) -> _Plan:
    draft = read_draft(assessment)
    before = Draft(dict(draft.answers), dict(draft.invalid), dict(draft.notes))
    numbers = question_numbers(questionnaire)
    changes, rejected, comments = [], [], []

    def note(row: SheetRow, question: Question, **fields: str) -> RowNote:
        return RowNote(row.sheet, row.row, numbers[question.id], question.text.ja, **fields)

    for row in read.rows:
        question = questionnaire.question(row.question_id)
        if row.formula:
            rejected.append(note(row, question, reason=FORMULA_REJECTED))
            continue
        comment = row.comment[:MAX_COMMENT]
        if comment != before.notes.get(question.id, ""):
            old = before.notes.get(question.id, "")
            comments.append(note(row, question, old=old or "（なし）", new=comment or "（削除）"))
            if comment:
                draft.notes[question.id] = comment
            else:
                draft.notes.pop(question.id, None)
        if question.answer_type.holds_evidence:
            continue
        raw = question.answer_type.from_sheet(row.answer)
        old_value = before.answers.get(question.id)
        if is_blank(raw):
            if old_value is not None or question.id in before.invalid:
                put_answer(draft, question, raw)
                changes.append(note(row, question, old=_shown(question, before), new="（空欄）"))
            continue
        trial = Draft({}, {})
        error = put_answer(trial, question, raw)
        if error:
            rejected.append(note(row, question, reason=error))
            continue
        if trial.answers[question.id] != old_value or question.id in before.invalid:
            put_answer(draft, question, raw)
            changes.append(
                note(
                    row,
                    question,
                    old=_shown(question, before),
                    new=question.display(trial.answers[question.id]),
                )
            )
    applicable = questionnaire.applicable_questions(draft.answers, assessment.case.tier)
    rows_by_id = {row.question_id: row for row in read.rows}
    empty = tuple(
        note(rows_by_id[q.id], q)
        for q in questionnaire.questions
        if q.id in applicable
        and q.id in rows_by_id
        and not q.answer_type.holds_evidence
        and is_blank(draft.answers.get(q.id))
    )
    return _Plan(draft, tuple(changes), tuple(rejected), empty, tuple(comments))


def _shown(question: Question, draft: Draft) -> str:
    if question.id in draft.invalid:
        return f"{draft.invalid[question.id]}（確認が必要）"
    value = draft.answers.get(question.id)
    return "（空欄）" if value is None else question.display(value)


def _read(assessment: Assessment, data: bytes, filename: str, secret: str) -> _Plan:
    try:
        read = read_checksheet(data, filename)
    except WorkbookRejected as exc:
        raise ServiceError(exc.message) from None
    questionnaire = questionnaire_of(assessment)
    _check_identity(read, assessment, questionnaire, secret)
    return _plan(read, assessment, questionnaire)


def read_preview(
    assessment: Assessment, filename: str, data: bytes, secret: str
) -> ChecksheetPreview:
    """What an upload would change, read and validated exactly as an upload; nothing stored."""
    plan = _read(assessment, data, filename, secret)
    return ChecksheetPreview(
        0,
        filename,
        assessment.draft_revision,
        plan.changes,
        plan.rejected,
        plan.empty,
        plan.comments,
    )


def upload(
    assessment: Assessment,
    filename: str,
    data: bytes,
    secret: str,
    actor: Actor,
    entered_by: Staff | None = None,
) -> ChecksheetPreview:
    """Read an uploaded workbook and keep it for confirmation; nothing changes in the draft."""
    answers.ensure_editable(assessment)
    name = safe_filename(filename)
    plan = _read(assessment, data, name, secret)
    sha256 = hashlib.sha256(data).hexdigest()
    with database.atomic():
        stored = ChecksheetUpload.create(
            assessment=assessment,
            filename=name,
            sha256=sha256,
            data=data,
            base_revision=assessment.draft_revision,
            entered_by=entered_by,
        )
        audit.record(
            actor,
            "checksheet.upload",
            "assessment",
            assessment.id,
            f"チェックシート「{name}」を読み込み（変更 {len(plan.changes)} 件、コメント {len(plan.comments)} 件、受け付けない行 {len(plan.rejected)} 件、未確定）",
            after={
                "file": name,
                "sha256": sha256,
                "upload": stored.id,
                "changes": len(plan.changes),
                "comments": len(plan.comments),
                "rejected": len(plan.rejected),
                "entered_by_staff": entered_by.id if entered_by else None,
            },
        )
    return _preview(stored, plan)


def _preview(stored: ChecksheetUpload, plan: _Plan) -> ChecksheetPreview:
    return ChecksheetPreview(
        stored.id,
        stored.filename,
        stored.base_revision,
        plan.changes,
        plan.rejected,
        plan.empty,
        plan.comments,
    )


def _pending(assessment: Assessment, upload_id: int, by_staff: bool) -> ChecksheetUpload:
    """A pending upload of this assessment, made by the same side (vendor or staff)."""
    stored = ChecksheetUpload.get_or_none(
        ChecksheetUpload.id == upload_id,
        ChecksheetUpload.assessment == assessment,
        ChecksheetUpload.applied_at.is_null(),
        ChecksheetUpload.entered_by.is_null(not by_staff),
    )
    if stored is not None:
        return stored
    applied = ChecksheetUpload.get_or_none(
        ChecksheetUpload.id == upload_id,
        ChecksheetUpload.assessment == assessment,
        ChecksheetUpload.applied_at.is_null(False),
        ChecksheetUpload.entered_by.is_null(not by_staff),
    )
    if applied is not None:  # confirmed twice (a second click, the back button): the page says so
        raise Conflict("このチェックシートの回答はすでに保存されています。")
    raise NotFound(
        "確認待ちのチェックシートが見つかりません（この回答で読み込まれたものではありません）。"
    )


def confirm(
    assessment: Assessment,
    upload_id: int,
    base_revision: int,
    secret: str,
    actor: Actor,
    *,
    by_staff: bool = False,
) -> ChecksheetPreview:
    """Apply a previewed upload to the draft, refusing it when the draft changed since."""
    stored = _pending(assessment, upload_id, by_staff)  # another assessment's upload: 404
    answers.ensure_editable(assessment)
    if base_revision != stored.base_revision or assessment.draft_revision != base_revision:
        raise Conflict(STALE_UPLOAD)
    plan = _read(assessment, bytes(stored.data), stored.filename, secret)
    staff = stored.entered_by
    with database.atomic():
        answers.write_draft(assessment, plan.draft, base_revision)
        stored.applied_at = utcnow()
        stored.save(only=[ChecksheetUpload.applied_at])
        on_behalf = f"（{staff.display_name} が事業者に代わって入力）" if staff else ""
        audit.record(
            actor,
            "checksheet.import" if staff else "checksheet.apply",
            "assessment",
            assessment.id,
            f"チェックシート「{stored.filename}」の回答を保存{on_behalf}（変更 {len(plan.changes)} 件、コメント {len(plan.comments)} 件）",
            after={
                "file": stored.filename,
                "sha256": stored.sha256,
                "changes": len(plan.changes),
                "comments": len(plan.comments),
                "rejected": len(plan.rejected),
                "entered_by_staff": staff.id if staff else None,
            },
        )
        if staff is not None and assessment.vendor.contact_email:
            _tell_vendor(assessment, stored, plan, staff)
    return _preview(stored, plan)


def _tell_vendor(
    assessment: Assessment, stored: ChecksheetUpload, plan: _Plan, staff: Staff
) -> None:
    organisation = get_organisation().name
    case = assessment.case
    queue_mail(
        assessment.vendor.contact_email,
        f"【{organisation}】チェックシートの回答を入力しました（{case.title}）",
        f"{assessment.vendor.name}\nご担当者 様\n\n"
        f"{organisation}の{staff.display_name}です。案件「{case.title}」について、"
        f"お送りいただいたチェックシート「{stored.filename}」の回答を、貴社に代わって入力しました。\n\n"
        f"変更した回答: {len(plan.changes)} 件\n変更したコメント: {len(plan.comments)} 件\n"
        f"受け付けられなかった行: {len(plan.rejected)} 件\n"
        f"ファイルの SHA-256: {stored.sha256}\n\n"
        "内容は、お送りしている回答用リンクのページで確認できます。提出はリンクのページから行ってください。\n",
    )
