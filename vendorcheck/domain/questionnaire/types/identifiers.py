"""Question types for registration numbers: 法人番号 and ISMAP."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.jp import clean_corporate_number, corporate_number_error
from vendorcheck.domain.questionnaire.types.base import (
    CleanResult,
    FreeAnswerType,
    HtmlAttributes,
    SampleFacts,
    SheetRule,
)

ISMAP_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{1,39}")


@dataclass(frozen=True)
class CorporateNumberType(FreeAnswerType):
    """A 13-digit 法人番号, check digit validated."""

    name: ClassVar[str] = "corporate_number"
    label_ja: ClassVar[str] = "法人番号"
    input_attributes: ClassVar[HtmlAttributes] = (
        ("type", "text"),
        ("inputmode", "numeric"),
        ("pattern", "[0-9]{13}"),
        ("maxlength", "20"),
        ("autocomplete", "off"),
        ("spellcheck", "false"),
        ("class", "input--medium"),
    )

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        return [facts.corporate_number]

    def sheet_rule(self) -> SheetRule:
        return SheetRule(
            "text_length", minimum=13, maximum=13, prompt="13桁の法人番号を数字で入力してください。"
        )

    def clean_text(self, text: str) -> CleanResult:
        error = corporate_number_error(text)
        return (None, error) if error else (clean_corporate_number(text), None)


@dataclass(frozen=True)
class IsmapNumberType(FreeAnswerType):
    """An ISMAP / ISMAP-LIU registration number."""

    name: ClassVar[str] = "ismap_number"
    label_ja: ClassVar[str] = "ISMAP登録番号"
    holds_ismap_number: ClassVar[bool] = True
    input_attributes: ClassVar[HtmlAttributes] = (
        ("type", "text"),
        ("pattern", "[A-Za-z0-9\\-]+"),
        ("maxlength", "40"),
        ("autocomplete", "off"),
        ("autocapitalize", "characters"),
        ("spellcheck", "false"),
        ("class", "input--medium"),
    )
    scoring: str = "answered"

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        return ["C22-0101-1"]

    def clean_text(self, text: str) -> CleanResult:
        # Only the characters are checked here; the service layer checks the imported list.
        number = unicodedata.normalize("NFKC", text).strip().upper()
        if not ISMAP_NUMBER.fullmatch(number):
            return None, "ISMAP登録番号は英数字とハイフンで入力してください（例: C21-0008-2）。"
        return number, None
