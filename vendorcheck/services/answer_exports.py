"""Staff exports of submitted answers as Excel: one version of one vendor, or every bidder of
a case side by side (questions × vendors), for the selection committee."""

from __future__ import annotations

from vendorcheck.documents.answers_workbook import AnswerRow, AnswerTable, write_answers_workbook
from vendorcheck.domain.questionnaire import Question
from vendorcheck.services.assessments import questionnaire_of, submission_answers, submissions
from vendorcheck.services.checksheet_download import question_numbers
from vendorcheck.services.errors import NotFound
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.models import Assessment, Case, Submission

NOT_APPLICABLE = "（対象外）"


def _chosen(assessment: Assessment, version: int | None) -> Submission | None:
    subs = submissions(assessment)
    if version is None:
        return subs[-1] if subs else None
    return next((s for s in subs if s.version == version), None)


def _table(case: Case, columns: list[tuple[Assessment, Submission]], title: str) -> bytes:
    questions: dict[str, tuple[str, str, Question]] = {}
    answers = []
    for assessment, submission in columns:
        questionnaire = questionnaire_of(assessment)
        numbers = question_numbers(questionnaire)
        titles = {section.id: section.title.ja for section in questionnaire.sections}
        for question in questionnaire.questions:
            questions.setdefault(
                question.id, (numbers[question.id], titles[question.section_id], question)
            )
        answers.append(({q.id: q for q in questionnaire.questions}, submission_answers(submission)))
    rows = []
    for question_id, (number, section, question) in questions.items():
        cells = []
        for own, given in answers:
            asked = own.get(question_id)
            cells.append(
                asked.display(given[question_id])
                if asked is not None and question_id in given
                else NOT_APPLICABLE
            )
        rows.append(AnswerRow(number, section, question.text.ja, tuple(cells)))
    notes = (
        f"案件: {case.title}",
        f"発注機関: {get_organisation().name}",
        "提出版: " + "、".join(f"{a.vendor.name} 第{s.version}版" for a, s in columns),
    )
    return write_answers_workbook(
        AnswerTable(title, notes, tuple(a.vendor.name for a, _ in columns), tuple(rows))
    )


def assessment_answers_xlsx(assessment: Assessment, version: int | None = None) -> bytes:
    """One submitted version (the latest by default) of one vendor."""
    submission = _chosen(assessment, version)
    if submission is None:
        raise NotFound("その版の回答は提出されていません。")
    return _table(
        assessment.case, [(assessment, submission)], f"回答一覧（{assessment.vendor.name}）"
    )


def case_answers_xlsx(case: Case) -> bytes:
    """The latest submitted answers of every bidder of the case, side by side."""
    columns = []
    for assessment in case.assessments.order_by(Assessment.id):
        submission = _chosen(assessment, None)
        if submission is not None:
            columns.append((assessment, submission))
    if not columns:
        raise NotFound("この案件には、提出された回答がまだありません。")
    return _table(case, columns, f"入札者の回答一覧（{case.title}）")
