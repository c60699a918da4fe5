"""The number question type, optionally bounded and with a unit."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.questionnaire.i18n import Text, parse_text
from vendorcheck.domain.questionnaire.types.base import (
    CleanResult,
    FreeAnswerType,
    HtmlAttributes,
    Problems,
    SampleFacts,
    SheetRule,
    is_number,
)


@dataclass(frozen=True)
class NumberType(FreeAnswerType):
    """A number, optionally bounded and with a unit."""

    name: ClassVar[str] = "number"
    label_ja: ClassVar[str] = "数値"
    keys: ClassVar[frozenset[str]] = frozenset({"scoring", "min", "max", "unit"})
    min: float | None = None
    max: float | None = None
    unit: Text | None = None

    @classmethod
    def parse_settings(cls, raw: Mapping[str, object], problems: Problems) -> dict[str, object]:
        settings: dict[str, object] = {}
        for key in ("min", "max"):
            if key in raw and not is_number(raw[key]):
                problems.append(f"{key} は数値で指定してください")
            elif key in raw:
                settings[key] = raw[key]
        if settings.get("min", 0) > settings.get("max", float("inf")):  # type: ignore[operator]
            problems.append("min が max より大きくなっています")
        if "unit" in raw:
            try:
                settings["unit"] = parse_text(raw["unit"])
            except ValueError as error:
                problems.append(f"unit: {error}")
        return settings

    @property
    def input_attributes(self) -> HtmlAttributes:
        shape = (("type", "number"), ("step", "any"), ("inputmode", "decimal"))
        bounds = (("min", self.min), ("max", self.max))
        return (*shape, ("class", "input--short"), *((k, v) for k, v in bounds if v is not None))

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        return [str(self.min or 1)]

    def with_unit(self, value: float, lang: str = "ja") -> str:
        """Format a number with digit grouping and the unit, e.g. 1,000円 or 99.9%."""
        number = f"{value:,}" if isinstance(value, int) else f"{value:,.6f}".rstrip("0").rstrip(".")
        if self.unit is None:
            return number
        return (
            f"{number} {self.unit.en}" if lang == "en" and self.unit.en else number + self.unit.ja
        )

    def sheet_rule(self) -> SheetRule:
        unit = f"（単位: {self.unit.ja}）" if self.unit else ""
        return SheetRule(
            "decimal", minimum=self.min, maximum=self.max, prompt=f"数値で入力してください{unit}。"
        )

    def clean_text(self, text: str) -> CleanResult:
        compact = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
        if not re.fullmatch(r"[-+]?\d+(\.\d+)?", compact):
            return None, "数値で入力してください。"
        value: float = float(compact) if "." in compact else int(compact)
        if self.min is not None and value < self.min:
            return None, f"{self.with_unit(self.min)}以上の数値を入力してください。"
        if self.max is not None and value > self.max:
            return None, f"{self.with_unit(self.max)}以下の数値を入力してください。"
        return value, None

    def display_value(self, value: object, lang: str) -> str:
        return self.with_unit(value, lang) if is_number(value) else str(value)  # type: ignore[arg-type]
