"""The registry of question types, and the one place the rest of the code imports them from."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from vendorcheck.domain.answer_types import (
    EMAIL,
    EVIDENCE_ID,
    FILE_KINDS,
    ISMAP_NUMBER,
    SCORING_MODES,
    CorporateNumberType,
    DateType,
    EmailType,
    FileType,
    FreeAnswerType,
    IsmapNumberType,
    NumberType,
    TextType,
    UrlType,
)
from vendorcheck.domain.choice_types import (
    OPTION_VALUE,
    SEVERITIES,
    YES_NO_LABELS,
    ChoiceType,
    MultiType,
    YesNoType,
    parse_options,
    parse_severity,
)
from vendorcheck.domain.question_type_base import (
    NA,
    NA_LABEL,
    PENDING,
    UNANSWERED,
    AutomaticScore,
    CleanResult,
    Option,
    Problems,
    QuestionType,
    is_number,
)

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
    "AutomaticScore",
    "ChoiceType",
    "CleanResult",
    "CorporateNumberType",
    "DateType",
    "EmailType",
    "FileType",
    "FreeAnswerType",
    "IsmapNumberType",
    "MultiType",
    "NumberType",
    "Option",
    "Problems",
    "QuestionType",
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
