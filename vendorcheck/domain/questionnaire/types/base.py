"""The base every question type extends (and the base of the freely answered ones), with the
answer markers and helpers the types share."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal, NamedTuple

from vendorcheck.domain.questionnaire.i18n import Text

NA = "na"
PENDING = "pending"
NA_LABEL = Text("該当しない", "Not applicable")
UNANSWERED = Text("（未回答）", "(not answered)")
SEVERITIES = ("high", "medium", "low")
SCORING_MODES = ("none", "answered", "reviewer")

AutomaticScore = float | Literal["na", "pending"] | None
CleanResult = tuple[object | None, str | None]
Problems = list[str]
HtmlAttributes = tuple[tuple[str, object], ...]  # (name, value) in the order they are written


class AnswerChoice(NamedTuple):
    """One thing a vendor can pick: its value, its label, and whether it excludes the others."""

    value: str
    label: Text
    exclusive: bool = False


@dataclass(frozen=True)
class SheetRule:
    """How a spreadsheet answer cell is checked as it is typed (a data validation), as data.

    kind: "list" (pick one of `choices`), "decimal", "date", "text_length", "any", or "none"
    (not answered in a spreadsheet: the cell stays locked).
    """

    kind: str = "any"
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    prompt: str = ""


@dataclass(frozen=True)
class SampleFacts:
    """What a demonstration vendor answers with, for the types that need more than a rank."""

    text: str = ""
    date: str = ""
    website: str = ""
    email: str = ""
    corporate_number: str = ""


def is_number(value: object) -> bool:
    """Tell whether a TOML value is a number (TOML booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_items(value: object) -> list[object]:
    """Return a form value as a list, wrapping a single value."""
    return list(value) if isinstance(value, list | tuple) else [value]


def parse_bool(raw: Mapping[str, object], key: str, problems: Problems) -> bool:
    """Read an optional true/false key (default false), appending a problem when it is not one."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        problems.append(f"{key} は true か false で指定してください")
    return value is True


def parse_severity(value: object, problems: Problems, where: str = "") -> str | None:
    """Return a finding severity, appending a problem when it is not high/medium/low."""
    if value is None or value in SEVERITIES:
        return value  # type: ignore[return-value]
    if value == "mandatory":
        problems.append(f"{where}finding に mandatory は指定できません（必須項目の未達用です）")
    else:
        problems.append(f"{where}未知の指摘の重大度 '{value}' です（high, medium, low のいずれか）")
    return None


@dataclass(frozen=True)
class Option:
    """One choice of a choice or multi question."""

    value: str
    label: Text
    score: float
    finding: str | None = None
    exclusive: bool = False

    def to_data(self) -> dict[str, object]:
        data = {"value": self.value, "label": self.label.to_data(), "score": self.score}
        return (
            data
            | ({"finding": self.finding} if self.finding else {})
            | ({"exclusive": True} if self.exclusive else {})
        )


def _to_data(value: object) -> object:
    if isinstance(value, Text | Option):
        return value.to_data()
    return [_to_data(item) for item in value] if isinstance(value, tuple) else value


class QuestionType:
    """Base of every question type; subclasses are frozen dataclasses of their settings."""

    name: ClassVar[str]
    label_ja: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()  # the TOML keys this type adds to a question
    # How the answer is asked for, as data: the web layer renders each question with the
    # template partial named by `widget` (web/templates/questionnaire/types/<widget>.html).
    widget: ClassVar[str] = "input"
    multiple: ClassVar[bool] = False  # an answer holds several values (the form field repeats)
    inline: ClassVar[bool] = False  # the choices are short enough to stand on one line
    holds_evidence: ClassVar[bool] = False  # answers are the ids of uploaded evidence files
    holds_date: ClassVar[bool] = False  # answers are calendar dates
    holds_ismap_number: ClassVar[bool] = False  # answers are checked against the ISMAP lists
    allow_na: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, object], problems: Problems) -> QuestionType:
        """Build the type's settings from a question table, appending problems."""
        return cls()

    def to_data(self) -> dict[str, object]:
        """Return the settings as TOML keys, defaults included (the field names are the keys)."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}  # type: ignore[arg-type]
        return {key: _to_data(value) for key, value in values.items() if value is not None}

    @property
    def option_values(self) -> tuple[str, ...] | None:
        """Values a condition's `in` may test; None when the type cannot be tested so."""
        return None

    @property
    def scores(self) -> bool:
        """Tell whether an answer gets a score (so an unanswered question scores 0)."""
        return False

    @property
    def input_attributes(self) -> HtmlAttributes:
        """HTML attributes of the answer's control, besides its id, name and value."""
        return (("type", "text"),)

    @property
    def choices(self) -> tuple[AnswerChoice, ...]:
        """What a vendor picks from, in order (empty for the types answered freely)."""
        return ()

    @classmethod
    def raw_option_values(cls, table: Mapping[str, object]) -> frozenset[str] | None:
        """Option values of an unvalidated question table (None: not testable by `in`)."""
        return None

    def sample_answer(self, rank: float, facts: SampleFacts) -> list[str]:
        """The form values a demonstration vendor sends: rank 0 answers best, 1 worst."""
        return [facts.text]

    def sheet_rule(self) -> SheetRule:
        """The data validation of this type's answer cell in the Excel チェックシート."""
        return SheetRule("any", prompt="記入してください。")

    def sheet_value(self, value: object) -> object:
        """Write an answer into a spreadsheet cell (the text a vendor would type)."""
        if self.allow_na and value == NA:
            return NA_LABEL.ja
        return "、".join(str(item) for item in value) if isinstance(value, list | tuple) else value

    def from_sheet(self, cell: object) -> object:
        """Turn a spreadsheet cell value into the raw form value `clean` takes."""
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        text = str(cell).strip()
        if self.allow_na and unicodedata.normalize("NFKC", text) == NA_LABEL.ja:
            return NA
        return text

    def clean(self, raw: object) -> CleanResult:
        """Clean a raw form value into (answer, None), or (None, Japanese instruction)."""
        sent = as_items(raw)  # a single-value field: take the first value the form sent
        text = "" if not sent or sent[0] is None else str(sent[0]).strip()
        if not text:
            return None, None
        if self.allow_na and text == NA:
            return NA, None
        return self.clean_text(text)

    def clean_text(self, text: str) -> CleanResult:
        return text, None

    def automatic_score(self, value: object) -> AutomaticScore:
        """Score an answered value: 0..1, "na", "pending" (reviewer) or None (not scored)."""
        return None

    def findings(self, value: object) -> tuple[tuple[str, str], ...]:
        """Return (severity, Japanese reason) for each finding the answer raises."""
        return ()

    def display(self, value: object, lang: str = "ja") -> str:
        """Return the answer as text for Word or HTML."""
        if value is None or value == "" or value == [] or value == ():
            return UNANSWERED.get(lang)
        if self.allow_na and value == NA:
            return NA_LABEL.get(lang)
        return self.display_value(value, lang)

    def display_value(self, value: object, lang: str) -> str:
        return str(value)


@dataclass(frozen=True)
class FreeAnswerType(QuestionType):
    """Base of the types scored by their `scoring` setting rather than by options."""

    keys: ClassVar[frozenset[str]] = frozenset({"scoring"})
    scoring: str = "none"

    @classmethod
    def parse(cls, raw: Mapping[str, object], problems: Problems) -> QuestionType:
        scoring = raw.get("scoring", cls.scoring)
        if scoring not in SCORING_MODES:
            problems.append(f"未知の採点方法 '{scoring}' です（none, answered, reviewer）")
            scoring = cls.scoring
        return cls(scoring=str(scoring), **cls.parse_settings(raw, problems))

    @classmethod
    def parse_settings(cls, raw: Mapping[str, object], problems: Problems) -> dict[str, object]:
        return {}

    @property
    def scores(self) -> bool:
        return self.scoring != "none"

    def automatic_score(self, value: object) -> AutomaticScore:
        return {"none": None, "answered": 1.0, "reviewer": PENDING}[self.scoring]
