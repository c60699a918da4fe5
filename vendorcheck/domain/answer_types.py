"""Question types answered freely (text, number, date, file, ids, addresses), scored by `scoring`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from vendorcheck.domain.i18n import Text, parse_text
from vendorcheck.domain.jp import clean_corporate_number, corporate_number_error, wareki
from vendorcheck.domain.question_type_base import (
    PENDING,
    AutomaticScore,
    CleanResult,
    Problems,
    QuestionType,
    as_items,
    is_number,
    parse_bool,
)

SCORING_MODES = ("none", "answered", "reviewer")
FILE_KINDS = ("pdf", "image", "office")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ISMAP_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{1,39}")
EVIDENCE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


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
        return {"multiline": parse_bool(raw, "multiline", problems), "max_length": max_length}

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
        evidence_ids = [str(item).strip() for item in as_items(raw) if item is not None]
        evidence_ids = [item for item in dict.fromkeys(evidence_ids) if item]
        if not all(EVIDENCE_ID.fullmatch(item) for item in evidence_ids):
            return None, "添付ファイルを確認できませんでした。もう一度添付してください。"
        return (tuple(evidence_ids) or None), None

    def display_value(self, value: object, lang: str) -> str:
        count = len(as_items(value))
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
