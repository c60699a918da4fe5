"""The free text question type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.questionnaire.types.base import (
    CleanResult,
    FreeAnswerType,
    HtmlAttributes,
    Problems,
    SheetRule,
    parse_bool,
)


@dataclass(frozen=True)
class TextType(FreeAnswerType):
    """Free text, one line or several."""

    name: ClassVar[str] = "text"
    label_ja: ClassVar[str] = "文章"
    keys: ClassVar[frozenset[str]] = frozenset({"scoring", "multiline", "max_length"})
    widget: ClassVar[str] = "text"
    multiline: bool = False
    max_length: int = 4000

    @classmethod
    def parse_settings(cls, raw: Mapping[str, object], problems: Problems) -> dict[str, object]:
        max_length = raw.get("max_length", 4000)
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            problems.append("max_length は1以上の整数で指定してください")
            max_length = 4000
        return {"multiline": parse_bool(raw, "multiline", problems), "max_length": max_length}

    @property
    def input_attributes(self) -> HtmlAttributes:
        shape = ("rows", "5") if self.multiline else ("type", "text")
        return (shape, ("maxlength", self.max_length))

    def sheet_rule(self) -> SheetRule:
        return SheetRule(
            "text_length",
            maximum=self.max_length,
            prompt=f"{self.max_length}文字以内で記入してください。",
        )

    def clean_text(self, text: str) -> CleanResult:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = "\n".join(lines) if self.multiline else " ".join(lines)
        if len(text) > self.max_length:
            return None, f"{self.max_length}文字以内で入力してください（いまは{len(text)}文字）。"
        return text, None
