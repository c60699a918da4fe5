"""The registry of question types: definition, answer cleaning, automatic score, display."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from vendorcheck.domain.i18n import Text, parse_text
from vendorcheck.domain.jp import clean_corporate_number, corporate_number_error, wareki

NA = "na"
PENDING = "pending"
SEVERITIES = ("high", "medium", "low")
SCORING_MODES = ("none", "answered", "reviewer")
FILE_KINDS = ("pdf", "image", "office")
NA_LABEL = Text("該当しない", "Not applicable")
YES_NO_LABELS = {"yes": Text("はい", "Yes"), "no": Text("いいえ", "No"), NA: NA_LABEL}
UNANSWERED = Text("（未回答）", "(not answered)")
OPTION_VALUE = re.compile(r"[a-z0-9_]+")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ISMAP_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{1,39}")
EVIDENCE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

AutomaticScore = float | Literal["na", "pending"] | None
CleanResult = tuple[object | None, str | None]
Problems = list[str]


def is_number(value: object) -> bool:
    """Tell whether a TOML value is a number (TOML booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _parse_bool(raw: Mapping[str, object], key: str, problems: Problems) -> bool:
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


def _parse_option(item: object, index: int, exclusive_ok: bool, problems: Problems) -> Option:
    if not isinstance(item, Mapping) or not isinstance(item.get("value"), str):
        problems.append(f"{index}番目の選択肢: value を文字列で指定してください")
        return Option(f"#{index}", Text("?"), 0.0)
    value = item["value"]
    where = f"選択肢 '{value}': "
    allowed = {"value", "label", "score", "finding"} | ({"exclusive"} if exclusive_ok else set())
    problems.extend(f"{where}未知のキー '{key}'" for key in sorted(set(item) - allowed))
    if not OPTION_VALUE.fullmatch(value):
        problems.append(f"{where}value は半角英小文字・数字・_ で指定してください")
    if value == NA:
        problems.append(f"{where}'na' は「該当しない」用の値です（allow_na を使ってください）")
    try:
        label = parse_text(item.get("label"))
    except ValueError as error:
        problems.append(f"{where}label: {error}")
        label = Text(value)
    score = item.get("score")
    if not is_number(score) or not 0 <= score <= 1:  # type: ignore[operator]
        problems.append(f"{where}score は 0 から 1 までの数値で指定してください")
        score = 0.0
    finding = parse_severity(item.get("finding"), problems, where)
    exclusive = item.get("exclusive", False)
    if not isinstance(exclusive, bool):
        problems.append(f"{where}exclusive は true か false で指定してください")
    return Option(value, label, float(score), finding, exclusive is True)  # type: ignore[arg-type]


def parse_options(raw: object, problems: Problems, *, exclusive_ok: bool) -> tuple[Option, ...]:
    """Parse the options list of a choice or multi question, reporting every problem."""
    if not isinstance(raw, list) or len(raw) < 2:
        problems.append("選択肢 (options) を2つ以上指定してください")
        return ()
    options: dict[str, Option] = {}
    for index, item in enumerate(raw, start=1):
        option = _parse_option(item, index, exclusive_ok, problems)
        if option.value in options:
            problems.append(f"選択肢 '{option.value}' が重複しています")
        options.setdefault(option.value, option)
    return tuple(options.values())


def _to_data(value: object) -> object:
    if isinstance(value, Text | Option):
        return value.to_data()
    return [_to_data(item) for item in value] if isinstance(value, tuple) else value


class QuestionType:
    """Base of every question type; subclasses are frozen dataclasses of their settings."""

    name: ClassVar[str]
    label_ja: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()  # the TOML keys this type adds to a question
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

    def clean(self, raw: object) -> CleanResult:
        """Clean a raw form value into (answer, None), or (None, Japanese instruction)."""
        sent = _items(raw)  # a single-value field: take the first value the form sent
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
class ChoiceType(QuestionType):
    """One option from a list; scores the chosen option's score."""

    name: ClassVar[str] = "choice"
    label_ja: ClassVar[str] = "単一選択"
    keys: ClassVar[frozenset[str]] = frozenset({"options", "allow_na"})
    exclusive_ok: ClassVar[bool] = False  # whether an option may be `exclusive`
    options: tuple[Option, ...] = ()
    allow_na: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, object], problems: Problems) -> QuestionType:
        options = parse_options(raw.get("options"), problems, exclusive_ok=cls.exclusive_ok)
        return cls(options=options, allow_na=_parse_bool(raw, "allow_na", problems))

    @property
    def option_values(self) -> tuple[str, ...]:
        values = tuple(option.value for option in self.options)
        return (*values, NA) if self.allow_na else values

    @property
    def scores(self) -> bool:
        return True

    @functools.cached_property
    def _options_by_value(self) -> dict[str, Option]:
        return {option.value: option for option in self.options}

    def option(self, value: object) -> Option | None:
        return self._options_by_value.get(value) if isinstance(value, str) else None

    def clean_text(self, text: str) -> CleanResult:
        return (text, None) if self.option(text) else (None, "選択肢の中から選んでください。")

    def automatic_score(self, value: object) -> AutomaticScore:
        if value == NA:
            return NA
        chosen = [self.option(item) for item in _items(value)]
        return min(1.0, sum(option.score for option in chosen if option is not None))

    def findings(self, value: object) -> tuple[tuple[str, str], ...]:
        chosen = [self.option(item) for item in _items(value)]
        return tuple(
            (option.finding, f"「{option.label.ja}」が選ばれています")
            for option in chosen
            if option is not None and option.finding
        )

    def display_value(self, value: object, lang: str) -> str:
        labels = [(self.option(item), item) for item in _items(value)]
        return "、".join(option.label.get(lang) if option else str(raw) for option, raw in labels)


@dataclass(frozen=True)
class MultiType(ChoiceType):
    """Several options at once; the score is the capped sum of the chosen options."""

    name: ClassVar[str] = "multi"
    label_ja: ClassVar[str] = "複数選択"
    exclusive_ok: ClassVar[bool] = True

    def clean(self, raw: object) -> CleanResult:
        chosen = [
            value for value in dict.fromkeys(str(item).strip() for item in _items(raw)) if value
        ]
        lone = [value for value in chosen if value == NA and self.allow_na] + [
            option.label.ja
            for option in self.options
            if option.exclusive and option.value in chosen
        ]
        if lone and len(chosen) > 1:
            label = NA_LABEL.ja if lone[0] == NA else lone[0]
            return None, f"「{label}」を選ぶときは、ほかの選択肢は選ばないでください。"
        if chosen == [NA] and self.allow_na:
            return NA, None
        if any(self.option(value) is None for value in chosen):
            return None, "選択肢の中から選んでください。"
        order = [option.value for option in self.options]
        return (tuple(sorted(chosen, key=order.index)) or None), None


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
        return cls(str(expected), finding, _parse_bool(raw, "allow_na", problems))

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


@dataclass(frozen=True)
class TextType(FreeAnswerType):
    """Free text, one line or several."""

    name: ClassVar[str] = "text"
    label_ja: ClassVar[str] = "文章"
    keys: ClassVar[frozenset[str]] = frozenset({"scoring", "multiline", "max_length"})
    multiline: bool = False
    max_length: int = 4000

    @classmethod
    def parse_settings(cls, raw: Mapping[str, object], problems: Problems) -> dict[str, object]:
        max_length = raw.get("max_length", 4000)
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            problems.append("max_length は1以上の整数で指定してください")
            max_length = 4000
        return {"multiline": _parse_bool(raw, "multiline", problems), "max_length": max_length}

    def clean_text(self, text: str) -> CleanResult:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = "\n".join(lines) if self.multiline else " ".join(lines)
        if len(text) > self.max_length:
            return None, f"{self.max_length}文字以内で入力してください（いまは{len(text)}文字）。"
        return text, None


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

    def with_unit(self, value: float, lang: str = "ja") -> str:
        """Format a number with digit grouping and the unit, e.g. 1,000円 or 99.9%."""
        number = f"{value:,}" if isinstance(value, int) else f"{value:,.6f}".rstrip("0").rstrip(".")
        if self.unit is None:
            return number
        return (
            f"{number} {self.unit.en}" if lang == "en" and self.unit.en else number + self.unit.ja
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


@dataclass(frozen=True)
class DateType(FreeAnswerType):
    """A calendar date, stored as YYYY-MM-DD and printed in 和暦."""

    name: ClassVar[str] = "date"
    label_ja: ClassVar[str] = "日付"

    def clean_text(self, text: str) -> CleanResult:
        parts = re.fullmatch(
            r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", unicodedata.normalize("NFKC", text)
        )
        if not parts:
            return None, "日付は 2025-04-01 の形で入力してください。"
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


@dataclass(frozen=True)
class FileType(FreeAnswerType):
    """Evidence files, stored as the ids of uploaded evidence."""

    name: ClassVar[str] = "file"
    label_ja: ClassVar[str] = "添付ファイル"
    keys: ClassVar[frozenset[str]] = frozenset({"scoring", "accept"})
    scoring: str = "answered"
    accept: tuple[str, ...] = FILE_KINDS

    @classmethod
    def parse_settings(cls, raw: Mapping[str, object], problems: Problems) -> dict[str, object]:
        accept = raw.get("accept", list(FILE_KINDS))
        if not isinstance(accept, list) or not accept or not set(accept) <= set(FILE_KINDS):
            problems.append('accept は ["pdf", "image", "office"] の中から1つ以上指定してください')
            return {}
        return {"accept": tuple(kind for kind in FILE_KINDS if kind in accept)}

    def clean(self, raw: object) -> CleanResult:
        evidence_ids = [str(item).strip() for item in _items(raw) if item is not None]
        evidence_ids = [item for item in dict.fromkeys(evidence_ids) if item]
        if not all(EVIDENCE_ID.fullmatch(item) for item in evidence_ids):
            return None, "添付ファイルを確認できませんでした。もう一度添付してください。"
        return (tuple(evidence_ids) or None), None

    def display_value(self, value: object, lang: str) -> str:
        count = len(_items(value))
        return f"{count} file(s) attached" if lang == "en" else f"添付ファイル {count} 件"


@dataclass(frozen=True)
class CorporateNumberType(FreeAnswerType):
    """A 13-digit 法人番号, check digit validated."""

    name: ClassVar[str] = "corporate_number"
    label_ja: ClassVar[str] = "法人番号"

    def clean_text(self, text: str) -> CleanResult:
        error = corporate_number_error(text)
        return (None, error) if error else (clean_corporate_number(text), None)


@dataclass(frozen=True)
class IsmapNumberType(FreeAnswerType):
    """An ISMAP / ISMAP-LIU registration number."""

    name: ClassVar[str] = "ismap_number"
    label_ja: ClassVar[str] = "ISMAP登録番号"
    scoring: str = "answered"

    def clean_text(self, text: str) -> CleanResult:
        # Only the characters are checked here; the service layer checks the imported list.
        number = unicodedata.normalize("NFKC", text).strip().upper()
        if not ISMAP_NUMBER.fullmatch(number):
            return None, "ISMAP登録番号は英数字とハイフンで入力してください（例: C21-0008-2）。"
        return number, None


@dataclass(frozen=True)
class UrlType(FreeAnswerType):
    """An http(s) address."""

    name: ClassVar[str] = "url"
    label_ja: ClassVar[str] = "URL"

    def clean_text(self, text: str) -> CleanResult:
        parts = urlsplit(text)
        if parts.scheme in ("http", "https") and parts.netloc and not re.search(r"\s", text):
            return text, None
        return None, "URLは http:// または https:// から始まる形で入力してください。"


@dataclass(frozen=True)
class EmailType(FreeAnswerType):
    """An e-mail address."""

    name: ClassVar[str] = "email"
    label_ja: ClassVar[str] = "メールアドレス"

    def clean_text(self, text: str) -> CleanResult:
        # Vendors often type a full-width ＠ through the IME; NFKC folds it.
        address = unicodedata.normalize("NFKC", text).strip()
        if EMAIL.fullmatch(address):
            return address, None
        return None, "メールアドレスは name@example.jp の形で入力してください。"


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
