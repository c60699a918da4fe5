"""One assessment's answers with its scorecard, as a Word document for the approval file (決裁)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vendorcheck.documents import docx_helpers as dh
from vendorcheck.documents.comparison_report import (
    REPORT_STYLES,
    add_table,
    cell_lines,
    full_width_dates,
    with_question_texts,
)
from vendorcheck.domain.comparison import (
    format_score,
    severity_label,
)
from vendorcheck.domain.jp import wareki
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.scorecard import (
    QUESTION_STATUS_LABELS,
    REQUIREMENT_STATUS_LABELS,
    Remediation,
    Review,
    Scorecard,
)


@dataclass(frozen=True)
class AssessmentReport:
    """Everything the approval report prints, gathered by the service."""

    organisation: str
    case_title: str
    vendor_name: str
    questionnaire: Questionnaire
    answers: Mapping[str, object]
    scorecard: Scorecard
    version: int
    issued_on: dt.date
    details: tuple[tuple[str, str], ...] = ()  # (label, value): 区分, 提出日, 状態 …
    reviews: Mapping[str, Review] | None = None
    remediations: Sequence[Remediation] = ()
    requirement_names: Mapping[str, str] | None = None  # requirement id → its Japanese name


def _score(value: float | None) -> str:
    return "－" if value is None else f"{value:g}"


def _answer_text(question, value: object) -> str:
    """The answer as shown; a date answer in the report's full-width 和暦."""
    shown = question.display(value)
    return full_width_dates(shown) if question.answer_type.holds_date else shown


def _answer_rows(report: AssessmentReport, section_id: str) -> list[list[object]]:
    card, reviews = report.scorecard, report.reviews or {}
    rows = []
    for question in report.questionnaire.section(section_id).questions:
        result = card.question(question.id)
        if not result.applies:
            continue
        review = reviews.get(question.id)
        status = QUESTION_STATUS_LABELS.get(result.status, result.status)
        if result.reviewed is not None and review is not None:
            status += f"\n審査: {review.reason}"
        rows.append(
            [
                question.text.ja,
                _answer_text(question, report.answers.get(question.id)),
                _score(result.final),
                status,
            ]
        )
    return rows


def build_assessment_docx(
    report: AssessmentReport, template_path: Path | str | None = None
) -> bytes:
    """Return the .docx: summary, scorecard (verdict, reasons, sections, requirements, gaps,
    remediations) and every answer that applies, by section."""
    card = report.scorecard
    names = report.requirement_names or {}

    def question_text(question_id: str) -> str:
        try:
            return report.questionnaire.question(question_id).text.ja
        except KeyError:
            return "（この版の確認書にない質問）"

    texts = {question.id: question.text.ja for question in report.questionnaire.questions}

    def readable(text: str) -> str:
        return with_question_texts(text, texts)

    document = dh.open_template(template_path)
    styles = dh.paragraph_styles(document, REPORT_STYLES)

    def say(text: str, style: str = dh.BODY) -> None:
        dh.add_paragraph(document, text, styles[style])

    say("情報セキュリティ確認結果報告書（決裁用）", dh.TITLE)
    say(wareki(report.issued_on, full_width=True), dh.DATE)
    say(report.organisation, dh.DATE)
    add_table(
        document,
        ["項目", "内容"],
        [
            ["案件", report.case_title],
            ["事業者", report.vendor_name],
            [
                "確認書",
                f"{report.questionnaire.title.ja}（第{report.questionnaire.version}版）",
            ],
            ["対象の回答", f"第{report.version}版"],
            *([label, value] for label, value in report.details),
        ],
        [1, 4],
        row_headings=True,
    )

    say("１　採点結果", dh.ARTICLE_HEADING)
    verdict = card.verdict + ("" if card.complete else "（審査中の質問があるため未確定）")
    say(f"判定: {verdict}", dh.ITEM)
    say(
        f"総合点: {format_score(card.total)}点（区分{card.tier}の合格点 {card.threshold:g}点）",
        dh.ITEM,
    )
    say("判定の理由:", dh.ITEM)
    for reason in card.verdict_reasons:
        say(f"・{readable(reason)}", dh.ITEM)
    add_table(
        document,
        ["セクション", "得点", "回答済み／回答が必要な質問"],
        [[s.title.ja, format_score(s.score), f"{s.answered}／{s.required}"] for s in card.sections],
        [4, 1, 2],
    )

    say("２　要件ごとの充足状況", dh.ARTICLE_HEADING)
    add_table(
        document,
        ["要件", "状況", "理由"],
        [
            [
                names.get(r.id, r.id),
                cell_lines(REQUIREMENT_STATUS_LABELS[r.status]),
                readable(r.reason_ja),
            ]
            for r in card.requirements
        ],
        [3, 1.4, 5],
    )

    say("３　指摘事項", dh.ARTICLE_HEADING)
    if card.gaps:
        add_table(
            document,
            ["重大度", "質問", "内容", "是正措置"],
            [
                [
                    severity_label(gap.severity),
                    question_text(gap.question_id),
                    readable(gap.reason_ja),
                    "承認済み" if gap.remediated else "なし",
                ]
                for gap in card.gaps
            ],
            [1, 2, 6, 1.2],
        )
    else:
        say("指摘事項はありません。")

    say("４　是正措置", dh.ARTICLE_HEADING)
    if report.remediations:
        add_table(
            document,
            ["質問", "是正措置の内容", "期限", "承認"],
            [
                [
                    question_text(item.question_id),
                    item.action,
                    wareki(item.due, full_width=True) if item.due else "定めなし",
                    "承認済み" if item.accepted else "未承認",
                ]
                for item in report.remediations
            ],
            [2, 6, 2, 1.2],
        )
    else:
        say("是正措置はありません。")

    say("５　回答内容", dh.ARTICLE_HEADING)
    for number, section in enumerate(report.questionnaire.sections, start=1):
        rows = _answer_rows(report, section.id)
        say(f"（{number}）{section.title.ja}", dh.ITEM)
        if rows:
            add_table(document, ["質問", "回答", "評点", "状態"], rows, [5, 4, 1, 2])
        else:
            say("このセクションに該当する質問はありません。")
    dh.set_core_properties(
        document, f"確認結果報告書 {report.case_title} {report.vendor_name}", report.issued_on
    )
    document.core_properties.category = "確認結果報告書"
    dh.scrub_package(document)
    return dh.to_bytes(document)
