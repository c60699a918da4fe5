"""Each question type declares its チェックシート validation and its cell conversion: an answer
written into a cell and read back cleans to the same answer."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.answering import raw_answer
from vendorcheck.domain.jp import parse_wareki
from vendorcheck.domain.questionnaire import load_questionnaire
from vendorcheck.domain.questionnaire.types import QUESTION_TYPES, NumberType, SheetRule

QUESTIONS = [
    question
    for name in ("cloud", "outsourcing", "system", "sns")
    for question in load_questionnaire(f"questionnaires/{name}.toml").questions
]


def test_every_type_declares_a_sheet_rule():
    kinds = {"list", "decimal", "date", "text_length", "any", "none"}
    for question_type in QUESTION_TYPES.values():
        rule = question_type().sheet_rule()
        assert isinstance(rule, SheetRule) and rule.kind in kinds and rule.prompt


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_an_answer_survives_the_cell(question):
    raw = raw_answer(question)
    if raw is None:
        assert question.answer_type.sheet_rule().kind == "none"
        return
    value, error = question.clean(raw if question.answer_type.multiple else raw[0])
    assert error is None
    cell = question.answer_type.sheet_value(value)
    if isinstance(cell, dt.date):  # Excel gives dates back as datetimes
        cell = dt.datetime.combine(cell, dt.time())
    again, error = question.clean(question.answer_type.from_sheet(cell))
    assert error is None and again == value


def test_numbers_declare_their_bounds_and_excel_floats_read_back_as_integers():
    number = NumberType(min=0, max=100)
    rule = number.sheet_rule()
    assert (rule.kind, rule.minimum, rule.maximum) == ("decimal", 0, 100)
    assert number.clean(number.from_sheet(12.0)) == (12, None)
    assert number.clean(number.from_sheet("１２")) == (12, None)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("令和7年4月1日", dt.date(2025, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("Ｒ７．４．１", dt.date(2025, 4, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("令和7年2月30日", None),
        ("2025年4月1日", None),
    ],
)
def test_wareki_dates_are_read(text, day):
    assert parse_wareki(text) == day
