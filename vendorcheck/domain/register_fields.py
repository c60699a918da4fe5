"""The fields of a register entry, declared once: the edit form, the checks, the exports and the
import all read this list, so a new field is added in one place."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from vendorcheck.domain.jp import clean_for_xml, normalize, parse_date
from vendorcheck.domain.registers import ENTRY_TYPE_LABELS, PLATFORMS, SERVICE, SNS

BOTH = (SERVICE, SNS)


@dataclass(frozen=True)
class EntryField:
    name: str
    label: str
    kind: str  # text, long, url, date, bool, platform
    types: tuple[str, ...] = BOTH
    max_length: int = 200
    hint: str = ""


ENTRY_FIELDS: tuple[EntryField, ...] = (
    EntryField("name", "名称（サービス名・アカウント名）", "text"),
    EntryField("provider_name", "提供事業者", "text", hint="例: LINEヤフー株式会社"),
    EntryField("url", "URL", "url", max_length=500, hint="サービスの URL、又はアカウントの URL"),
    EntryField("purpose", "利用目的", "long", max_length=2000),
    EntryField("classification_level", "取り扱う情報の最も高い分類", "text", max_length=20),
    EntryField("ismap_number", "ISMAP 登録番号", "text", (SERVICE,), 40),
    EntryField("data_location", "データの保存場所", "text", (SERVICE,)),
    EntryField("governing_law", "準拠法", "text", (SERVICE,)),
    EntryField("platform", "プラットフォーム", "platform", (SNS,), 40),
    EntryField("account_name", "アカウント名", "text", (SNS,)),
    EntryField("account_handle", "アカウント ID（@ で始まるもの等）", "text", (SNS,)),
    EntryField("audience", "主な対象者", "text", (SNS,), 300),
    EntryField("content", "発信する内容", "long", (SNS,), 2000),
    EntryField("posters", "投稿する人", "text", (SNS,), 300),
    EntryField("response_hours", "対応時間", "text", (SNS,), hint="例: 平日 8時30分〜17時15分"),
    EntryField(
        "official_page_url",
        "公式アカウント一覧を掲載した公式ウェブサイトのページ",
        "url",
        (SNS,),
        500,
        "なりすまし対策として、このページにアカウントの URL 又は ID が載っているかを確認します。",
    ),
    EntryField("mfa_enabled", "多要素認証を設定している", "bool", (SNS, SERVICE)),
    EntryField(
        "platform_verified", "プラットフォームの認証（公式マーク）を受けている", "bool", (SNS,)
    ),
    EntryField("last_post_on", "最終投稿日", "date", (SNS,)),
    EntryField("start_date", "利用開始日", "date"),
    EntryField("next_review_on", "次回点検日", "date"),
    EntryField("notes", "備考", "long", max_length=2000),
)
FIELDS_BY_NAME = {f.name: f for f in ENTRY_FIELDS}
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def fields_for(entry_type: str) -> tuple[EntryField, ...]:
    return tuple(f for f in ENTRY_FIELDS if entry_type in f.types)


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def clean_value(spec: EntryField, raw: object) -> object:
    """Turn what was typed (or imported) into the stored value, or raise FieldError."""
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = unicodedata.normalize("NFKC", str(raw or "")).strip().casefold()
        if text in {"", "0", "no", "false", "なし", "無", "いいえ", "未", "未設定", "off"}:
            return False
        if text in {"1", "yes", "true", "あり", "有", "はい", "済", "設定済", "on", "y"}:
            return True
        raise FieldError(spec.name, f"{spec.label}は「あり」又は「なし」で入力してください。")
    if spec.kind == "date":
        if isinstance(raw, dt.date):
            return raw
        text = str(raw or "").strip()
        if not text:
            return None
        day = parse_any_date(text)
        if day is None:
            raise FieldError(
                spec.name, f"{spec.label}は 2026-04-01 又は 令和8年4月1日 の形で入力してください。"
            )
        return day
    text = clean_for_xml(unicodedata.normalize("NFKC", str(raw or ""))).strip()
    if spec.kind != "long":
        text = " ".join(text.split())
    if len(text) > spec.max_length:
        raise FieldError(spec.name, f"{spec.label}は{spec.max_length}文字以内で入力してください。")
    if spec.kind == "url" and text and not _URL.fullmatch(text):
        raise FieldError(
            spec.name, f"{spec.label}は http:// 又は https:// で始まる URL で入力してください。"
        )
    if spec.kind == "platform" and text:
        by_label = {normalize(label): key for key, label in PLATFORMS.items()}
        key = text.casefold() if text.casefold() in PLATFORMS else by_label.get(normalize(text))
        if key is None:
            raise FieldError(spec.name, f"{spec.label}は一覧から選んでください。")
        return key
    return text


_WAREKI = re.compile(
    r"(令和|平成|昭和|[RHSrhs])\s*(\d+|元)\s*[年.\-/]\s*(\d+)\s*[月.\-/]\s*(\d+)\s*日?"
)
_ERA_START = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_any_date(text: str) -> dt.date | None:
    """A date as ISO, 2026/4/1, 和暦 (令和8年4月1日, R8.4.1) or an Excel serial number."""
    normalized = unicodedata.normalize("NFKC", text).strip()
    if not normalized:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", normalized):  # Excel serial (days since 1899-12-30)
        serial = int(float(normalized))
        return EXCEL_EPOCH + dt.timedelta(days=serial) if 20000 <= serial <= 80000 else None
    match = _WAREKI.fullmatch(normalized)
    if match:
        era, year, month, day = match.groups()
        number = 1 if year == "元" else int(year)
        try:
            return dt.date(_ERA_START[era.upper()] + number, int(month), int(day))
        except ValueError:
            return None
    loose = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", normalized)
    if loose:
        try:
            return dt.date(*map(int, loose.groups()))
        except ValueError:
            return None
    return parse_date(normalized)


def entry_type_label(entry_type: str) -> str:
    return ENTRY_TYPE_LABELS.get(entry_type, entry_type)
