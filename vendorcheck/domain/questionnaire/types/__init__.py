"""Question types: the registry `QUESTION_TYPES`, and the public face of the types package.

A question type is one class in one module of this package (its definition, answer cleaning,
automatic score and display), entered in `QUESTION_TYPES` below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from vendorcheck.domain.questionnaire.types.addresses import EMAIL, EmailType, UrlType
from vendorcheck.domain.questionnaire.types.base import (
    NA,
    NA_LABEL,
    PENDING,
    SCORING_MODES,
    SEVERITIES,
    UNANSWERED,
    AnswerChoice,
    AutomaticScore,
    CleanResult,
    FreeAnswerType,
    HtmlAttributes,
    Option,
    Problems,
    QuestionType,
    SampleFacts,
    SheetRule,
    is_number,
    parse_severity,
)
from vendorcheck.domain.questionnaire.types.choice import (
    OPTION_VALUE,
    ChoiceType,
    MultiType,
    parse_options,
)
from vendorcheck.domain.questionnaire.types.date import DateType
from vendorcheck.domain.questionnaire.types.file import EVIDENCE_ID, FILE_KINDS, FileType
from vendorcheck.domain.questionnaire.types.identifiers import (
    ISMAP_NUMBER,
    CorporateNumberType,
    IsmapNumberType,
)
from vendorcheck.domain.questionnaire.types.number import NumberType
from vendorcheck.domain.questionnaire.types.text import TextType
from vendorcheck.domain.questionnaire.types.yesno import YES_NO_LABELS, YesNoType

__all__ = [
    "EMAIL",
    "EVIDENCE_ID",
    "FILE_KINDS",
    "ISMAP_NUMBER",
    "NA",
    "NA_LABEL",
    "OPTION_VALUE",
    "PENDING",
    "QUESTION_TYPES",
    "SCORING_MODES",
    "SEVERITIES",
    "UNANSWERED",
    "YES_NO_LABELS",
    "AnswerChoice",
    "AutomaticScore",
    "ChoiceType",
    "CleanResult",
    "CorporateNumberType",
    "DateType",
    "EmailType",
    "FileType",
    "FreeAnswerType",
    "HtmlAttributes",
    "IsmapNumberType",
    "MultiType",
    "NumberType",
    "Option",
    "Problems",
    "QuestionType",
    "SampleFacts",
    "SheetRule",
    "TextType",
    "UrlType",
    "YesNoType",
    "is_number",
    "parse_options",
    "parse_severity",
]

QUESTION_TYPES: Mapping[str, type[QuestionType]] = MappingProxyType(
    {
        question_type.name: question_type
        for question_type in (
            ChoiceType,
            MultiType,
            YesNoType,
            TextType,
            NumberType,
            DateType,
            FileType,
            CorporateNumberType,
            IsmapNumberType,
            UrlType,
            EmailType,
        )
    }
)
