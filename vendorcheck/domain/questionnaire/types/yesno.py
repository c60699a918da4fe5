"""The yes/no question type (with an optional 該当しない)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.questionnaire.i18n import Text
from vendorcheck.domain.questionnaire.types.base import (
    NA,
    NA_LABEL,
    AutomaticScore,
    CleanResult,
    Problems,
    QuestionType,
    parse_bool,
    parse_severity,
)

YES_NO_LABELS = {"yes": Text("はい", "Yes"), "no": Text("いいえ", "No"), NA: NA_LABEL}


@dataclass(frozen=True)
class YesNoType(QuestionType):
    """Yes or no (or not applicable); scores 1.0 for the expected answer."""

    name: ClassVar[str] = "yesno"
    label_ja: ClassVar[str] = "はい・いいえ"
    keys: ClassVar[frozenset[str]] = frozenset({"expected", "finding", "allow_na"})
    expected: str = "yes"
    finding: str | None = None
    allow_na: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, object], problems: Problems) -> QuestionType:
        expected = raw.get("expected", "yes")
        if expected not in ("yes", "no"):
            problems.append('expected には "yes" か "no" を指定してください')
            expected = "yes"
        finding = parse_severity(raw.get("finding"), problems)
        return cls(str(expected), finding, parse_bool(raw, "allow_na", problems))

    @property
    def option_values(self) -> tuple[str, ...]:
        return ("yes", "no", NA) if self.allow_na else ("yes", "no")

    @property
    def scores(self) -> bool:
        return True

    def clean_text(self, text: str) -> CleanResult:
        if text in ("yes", "no"):
            return text, None
        return None, "「はい」か「いいえ」を選んでください。"

    def automatic_score(self, value: object) -> AutomaticScore:
        return NA if value == NA else float(value == self.expected)

    def findings(self, value: object) -> tuple[tuple[str, str], ...]:
        if not self.finding or value not in ("yes", "no") or value == self.expected:
            return ()
        answer, wanted = YES_NO_LABELS[str(value)].ja, YES_NO_LABELS[self.expected].ja
        return ((self.finding, f"回答が「{answer}」です（求める回答は「{wanted}」）"),)

    def display_value(self, value: object, lang: str) -> str:
        label = YES_NO_LABELS.get(str(value))
        return label.get(lang) if label else str(value)
