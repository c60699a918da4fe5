"""Questionnaires: the frozen model and its validating TOML loader, importable from one place."""

from __future__ import annotations

from vendorcheck.domain.questionnaire_loader import (
    ALL_QUESTION_KEYS,
    FILE_KEYS,
    ITEM_ID,
    QUESTION_ID,
    QUESTION_KEYS,
    SECTION_KEYS,
    QuestionnaireError,
    check_directory,
    load_directory,
    load_questionnaire,
    parse_questionnaire,
)
from vendorcheck.domain.questionnaire_model import (
    DEFAULT_WEIGHT,
    TIERS,
    Question,
    Questionnaire,
    Section,
    SectionProgress,
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
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "SectionProgress",
    "check_directory",
    "load_directory",
    "load_questionnaire",
    "parse_questionnaire",
]
