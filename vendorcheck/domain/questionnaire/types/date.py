"""The date question type: stored as YYYY-MM-DD, printed in 和暦."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.jp import parse_wareki, wareki
from vendorcheck.domain.questionnaire.types.base import (
    CleanResult,
    FreeAnswerType,
    HtmlAttributes,
    SampleFacts,
    SheetRule,
)


@dataclass(frozen=True)
class DateType(FreeAnswerType):
    """A calendar date, stored as YYYY-MM-DD and printed in 和暦."""

    name: ClassVar[str] = "date"
    label_ja: ClassVar[str] = "日付"
    holds_date: ClassVar[bool] = True
    # A text input, not type=date: the browser's date picker speaks the browser's language and
    # refuses 和暦; the server reads 2026-12-01, 2026/12/1 and 令和8年12月1日 (full-width too).
    input_attributes: ClassVar[HtmlAttributes] = (
        ("type", "text"),
        ("class", "input--date"),
        ("inputmode", "text"),
        ("autocomplete", "off"),
    )

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        return [facts.date]

    def sheet_rule(self) -> SheetRule:
        return SheetRule(
            "date", prompt="日付を 2025/4/1 または 令和7年4月1日 の形で入力してください。"
        )

    def sheet_value(self, value: object) -> object:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return value

    def from_sheet(self, cell: object) -> object:
        if isinstance(cell, dt.datetime | dt.date):
            return (cell.date() if isinstance(cell, dt.datetime) else cell).isoformat()
        return super().from_sheet(cell)

    def clean_text(self, text: str) -> CleanResult:
        if (day := parse_wareki(text)) is not None:
            return day.isoformat(), None
        parts = re.fullmatch(
            r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", unicodedata.normalize("NFKC", text)
        )
        if not parts:
            return None, "日付は 2025-04-01 または 令和7年4月1日 の形で入力してください。"
        try:
            return dt.date(*(int(part) for part in parts.groups())).isoformat(), None
        except ValueError:
            return None, "存在しない日付です。年月日を確認してください。"

    def display_value(self, value: object, lang: str) -> str:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return wareki(day) if lang == "ja" else day.isoformat()
