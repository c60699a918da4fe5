"""Build the Excel チェックシート of an assessment: the current draft filled in, the cover's
照合コード binding it to the questionnaire, the assessment and the draft revision."""

from __future__ import annotations

import hashlib
import hmac

from vendorcheck.documents.checksheet_writer import (
    Checksheet,
    SheetQuestion,
    SheetSection,
    SheetStamp,
    write_checksheet,
)
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.domain.questionnaire import Question, Questionnaire
from vendorcheck.domain.requirements import load_requirements
from vendorcheck.services import answers
from vendorcheck.services.assessments import questionnaire_of, read_draft
from vendorcheck.services.clause_library import describe_condition
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.models import Assessment

HOW_TO_FILL = (
    "各シート（セクション）の黄色いセル「回答」と「備考（コメント）」に記入してください。ほかのセルは変更できません。",
    "選択式の質問は、セルの右に出る一覧から選んでください。複数選ぶ質問は「、」で区切って記入します。",
    "日付は 2025/4/1 または 令和7年4月1日 の形で入力できます。数式は使えません。",
    "「必須」欄: ◎ この区分で必ず満たす必要がある項目、○ 回答が必要な項目、－ 任意の項目です。",
    "「回答する条件」がある質問は、その条件に当てはまるときだけ回答してください。",
    "行や列の追加・削除・移動、セルの結合、シート名の変更はしないでください。",
)


def _how_to_return(has_files: bool) -> tuple[str, ...]:
    lines = (
        "記入したファイルを、回答用リンクのページ「チェックシート（Excel）」からアップロードしてください。",
        "アップロード後に変更点の一覧が表示されます。内容を確認して「この内容で保存する」を押すと保存されます。",
        "メールで返送することもできます（担当者が代わりに読み込みます）。最後の提出はリンクのページから行ってください。",
    )
    if has_files:
        lines += (
            "添付ファイルが必要な質問は、リンクのページで添付してください（「添付ファイル」列）。",
        )
    return lines


def checksum(secret: str, stamp: SheetStamp, question_ids: tuple[str, ...]) -> str:
    """The cover's 照合コード: binds the questionnaire, assessment, revision and question ids."""
    message = "|".join(
        (
            stamp.questionnaire_id,
            str(stamp.version),
            stamp.content_hash,
            str(stamp.assessment_id),
            str(stamp.revision),
            ",".join(question_ids),
        )
    )
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return digest[:20].upper()


def question_numbers(questionnaire: Questionnaire) -> dict[str, str]:
    """The number every question carries in the sheet and the preview: section-question."""
    return {
        question.id: f"{s_index}-{q_index}"
        for s_index, section in enumerate(questionnaire.sections, start=1)
        for q_index, question in enumerate(section.questions, start=1)
    }


def _requirement_names(question: Question) -> str:
    catalogue = load_requirements()
    names = [catalogue[rid].label if rid in catalogue else rid for rid in question.requirements]
    return "\n".join(names)


def _mark(question: Question, tier: int) -> str:
    if question.is_mandatory(tier):
        return "mandatory"
    return "required" if question.required else "optional"


def _evidence_text(question: Question, files: list[str]) -> str:
    if not question.answer_type.holds_evidence:
        return ""
    attached = f"（添付済み: {'、'.join(files)}）" if files else "（未添付）"
    return "リンクのページで添付してください" + attached


def _stamp(assessment: Assessment, questionnaire: Questionnaire, secret: str) -> SheetStamp:
    unsigned = SheetStamp(
        questionnaire.id,
        questionnaire.version,
        questionnaire.content_hash,
        assessment.id,
        assessment.draft_revision,
        "",
    )
    ids = tuple(question.id for question in questionnaire.questions)
    return SheetStamp(**{**unsigned.__dict__, "checksum": checksum(secret, unsigned, ids)})


def build_checksheet(assessment: Assessment, secret: str) -> tuple[bytes, str]:
    """Return the workbook of the assessment (current draft filled in) and its file name."""
    questionnaire = questionnaire_of(assessment)
    draft = read_draft(assessment)
    tier, case = assessment.case.tier, assessment.case
    by_id = {question.id: question for question in questionnaire.questions}
    numbers = question_numbers(questionnaire)
    files: dict[str, list[str]] = {}
    for evidence in answers.active_evidence(assessment):
        files.setdefault(evidence.question_id, []).append(evidence.filename)
    sections = []
    for section in questionnaire.sections:
        condition = describe_condition(section.show_if, by_id) if section.show_if else ""
        rows = []
        for question in section.questions:
            value = draft.answers.get(question.id, draft.invalid.get(question.id))
            own = describe_condition(question.show_if, by_id) if question.show_if else ""
            rows.append(
                SheetQuestion(
                    id=question.id,
                    number=numbers[question.id],
                    text=question.text.ja,
                    hint=question.hint.ja if question.hint else "",
                    requirements=_requirement_names(question),
                    mark=_mark(question, tier),
                    condition="、かつ、".join(part for part in (condition, own) if part),
                    rule=question.answer_type.sheet_rule(),
                    answer=None
                    if value is None or question.answer_type.holds_evidence
                    else (
                        question.answer_type.sheet_value(value)
                        if question.id in draft.answers
                        else str(value)
                    ),
                    comment=draft.notes.get(question.id, ""),
                    evidence=_evidence_text(question, files.get(question.id, [])),
                )
            )
        sections.append(
            SheetSection(
                section.id,
                section.title.ja,
                section.description.ja if section.description else "",
                tuple(rows),
            )
        )
    deadline = assessment.deadline or case.answer_deadline
    facts = (
        ("案件", case.title),
        ("発注機関", get_organisation().name),
        ("事業者", assessment.vendor.name),
        ("確認書", f"{questionnaire.title.ja}（第{questionnaire.version}版）"),
        ("情報の区分", f"区分{tier}"),
        ("回答期限", wareki(deadline) if deadline else "期限の定めなし"),
        ("作成日", wareki(today_jst())),
    )
    has_files = any(question.answer_type.holds_evidence for question in questionnaire.questions)
    workbook = write_checksheet(
        Checksheet(
            title=f"情報セキュリティ チェックシート　{questionnaire.title.ja}",
            facts=facts,
            how_to_fill=HOW_TO_FILL,
            how_to_return=_how_to_return(has_files),
            sections=tuple(sections),
            stamp=_stamp(assessment, questionnaire, secret),
        )
    )
    return workbook, f"チェックシート_{case.title}_{assessment.vendor.name}.xlsx"
