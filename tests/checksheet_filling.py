"""Fill a downloaded チェックシート the way a vendor would in Excel (openpyxl writing cells)."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import load_workbook

from tests.answering import raw_answer
from vendorcheck.documents.checksheet_writer import ANSWER_COLUMN, COMMENT_COLUMN, ID_COLUMN
from vendorcheck.domain.questionnaire import Question, Questionnaire


def typed_value(question: Question) -> object:
    """What a diligent vendor types for a question: labels for choices, plain text otherwise."""
    raw = raw_answer(question)
    if raw is None:
        return None
    value, error = question.clean(raw if question.answer_type.multiple else raw[0])
    assert error is None
    return question.answer_type.sheet_value(value)


def fill(
    data: bytes,
    questionnaire: Questionnaire,
    value_of: Callable[[Question], object] = typed_value,
    comments: dict[str, str] | None = None,
) -> bytes:
    """Return the workbook with every answer cell set by value_of (None leaves it as it is)."""
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets[1:-1]:
        for row in range(5, sheet.max_row + 1):
            question_id = sheet.cell(row, ID_COLUMN).value
            if not question_id:
                continue
            value = value_of(questionnaire.question(question_id))
            if value is not None:
                sheet.cell(row, ANSWER_COLUMN).value = value
            if comments and question_id in comments:
                sheet.cell(row, COMMENT_COLUMN).value = comments[question_id]
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
