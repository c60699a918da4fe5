"""The yes/no question type (with an optional 該当しない)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from vendorcheck.domain.questionnaire.i18n import Text
from vendorcheck.domain.questionnaire.types.base import (
    NA,
    NA_LABEL,
    AnswerChoice,
    AutomaticScore,
    CleanResult,
    Problems,
    QuestionType,
    SampleFacts,
    SheetRule,
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
    widget: ClassVar[str] = "choice"
    inline: ClassVar[bool] = True
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

    @property
    def choices(self) -> tuple[AnswerChoice, ...]:
        return tuple(AnswerChoice(value, YES_NO_LABELS[value]) for value in self.option_values)

    @classmethod
    def raw_option_values(cls, table: Mapping[str, object]) -> frozenset[str]:
        return frozenset({"yes", "no"} | ({NA} if table.get("allow_na") else set()))

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        other = "no" if self.expected == "yes" else "yes"
        return [self.expected if rank < 0.5 else other]

    def sheet_rule(self) -> SheetRule:
        return SheetRule(
            "list", tuple(c.label.ja for c in self.choices), prompt="一覧から選んでください。"
        )

    def sheet_value(self, value: object) -> object:
        return YES_NO_LABELS[str(value)].ja if str(value) in YES_NO_LABELS else value

    def from_sheet(self, cell: object) -> object:
        text = "" if cell is None else unicodedata.normalize("NFKC", str(cell)).strip()
        by_label = {label.ja: value for value, label in YES_NO_LABELS.items()}
        return by_label.get(text, text)

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
