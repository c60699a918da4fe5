"""Questionnaires: the frozen model, its validating reader and loader, conditions and texts.

This is the package's public face; the question types have theirs in `types`.
"""

from __future__ import annotations

from vendorcheck.domain.questionnaire.conditions import (
    AllOf,
    Answered,
    AnswerIn,
    AnyOf,
    Condition,
    ConditionError,
    Not,
    TierAtLeast,
    evaluate,
    has_answer,
    parse_condition,
    referenced_questions,
    walk,
)
from vendorcheck.domain.questionnaire.i18n import Text
from vendorcheck.domain.questionnaire.loader import (
    check_directory,
    load_directory,
    load_questionnaire,
)
from vendorcheck.domain.questionnaire.model import (
    Questionnaire,
    SectionProgress,
    parse_questionnaire,
)
from vendorcheck.domain.questionnaire.questions import DEFAULT_WEIGHT, TIERS, Question, Section
from vendorcheck.domain.questionnaire.reader import (
    ALL_QUESTION_KEYS,
    FILE_KEYS,
    ITEM_ID,
    QUESTION_ID,
    QUESTION_KEYS,
    SECTION_KEYS,
    QuestionnaireError,
)

__all__ = [
    "ALL_QUESTION_KEYS",
    "DEFAULT_WEIGHT",
    "FILE_KEYS",
    "ITEM_ID",
    "QUESTION_ID",
    "QUESTION_KEYS",
    "SECTION_KEYS",
    "TIERS",
    "AllOf",
    "AnswerIn",
    "Answered",
    "AnyOf",
    "Condition",
    "ConditionError",
    "Not",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "SectionProgress",
    "Text",
    "TierAtLeast",
    "check_directory",
    "evaluate",
    "has_answer",
    "load_directory",
    "load_questionnaire",
    "parse_condition",
    "parse_questionnaire",
    "referenced_questions",
    "walk",
]
