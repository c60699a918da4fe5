"""ISMAP and ISMAP-LIU lists: reading rows by a header mapping, normalising names, and the
validity of a registration (about 1 year 4 months from the day after the audited period ends).

Pure functions over plain data; the store and the services keep and fetch the lists.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from vendorcheck.domain.jp import era_year

ISMAP, LIU = "ismap", "ismap_liu"
LIST_NAMES = MappingProxyType(
    {ISMAP: "ISMAPクラウドサービスリスト", LIU: "ISMAP-LIUクラウドサービスリスト"}
)
LIST_SHORT = MappingProxyType({ISMAP: "ISMAP", LIU: "ISMAP-LIU"})
DEFAULT_PATTERNS = MappingProxyType({ISMAP: r"C\d{2}-\d{4}-\d{1,2}", LIU: r"L\d{2}-\d{4}-\d{1,2}"})
VALIDITY_MONTHS = 16  # a registration lasts about 1 year 4 months unless renewed

FIELDS = MappingProxyType(
    {
        "number": "登録番号",
        "list": "リストの区分",
        "service": "サービス名",
        "provider": "事業者名",
        "corporate_number": "法人番号",
        "registered_on": "登録日",
        "audited_period": "監査対象期間",
        "audited_period_end": "監査対象期間の末日",
        "valid_until": "有効期限",
        "scope": "言明の対象範囲",
        "regions": "リージョン",
        "url": "詳細URL",
    }
)
REQUIRED_FIELDS = ("number", "service", "provider")
DEFAULT_HEADERS = MappingProxyType(
    {
        "number": ("登録番号", "ISMAP登録番号", "Registration Number", "Registration No.", "No."),
        "list": ("区分", "リスト", "リスト区分", "List"),
        "service": ("クラウドサービス名", "サービス名", "サービスの名称", "Cloud Service", "Service Name", "Service"),
        "provider": ("クラウドサービス事業者名", "事業者名", "申請者", "提供事業者", "Provider", "Service Provider", "Company"),
        "corporate_number": ("法人番号", "Corporate Number"),
        "registered_on": ("登録日", "登録年月日", "Registration Date", "Registered"),
        "audited_period": ("監査対象期間", "Audit Period"),
        "audited_period_end": ("監査対象期間の末日", "監査対象期間（終了）", "対象期間終了日", "Audit Period End"),
        "valid_until": ("有効期限", "登録の有効期限", "有効期間", "Valid Until", "Expiry"),
        "scope": ("言明の対象範囲", "言明書の対象範囲", "対象範囲", "Scope"),
        "regions": ("リージョン", "選択可能なリージョン", "地域", "Regions", "Region"),
        "url": ("詳細URL", "URL", "詳細", "Detail URL", "Link"),
    }
)  # fmt: skip

_HEADER_NOISE = re.compile(r"[\s・:：()（）\[\]［］「」_\-‐－]+")
_COMPANY_FORMS = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|\((株|有|同)\)"
)
_NAME_NOISE = re.compile(r"[\s・,，.．、。'\"’”「」()（）\-‐－]+")
_DATE_NUMBERS = re.compile(r"(\d{1,4})\D+(\d{1,2})\D+(\d{1,2})")
_ERA_DATE = re.compile(r"(令和|平成)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日")
_ERA_START = {"令和": 2018, "平成": 1988}
EXCEL_EPOCH = dt.date(1899, 12, 30)


def header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def header_mapping(extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """The default headers per field, with the configured ones first."""
    merged = {name: tuple(aliases) for name, aliases in DEFAULT_HEADERS.items()}
    for name, aliases in (extra or {}).items():
        merged[name] = tuple(aliases) + merged.get(name, ())
    return merged


def parse_header_setting(raw: object) -> dict[str, tuple[str, ...]]:
    """Read ISMAP_HEADER_MAP: a TOML table {field = [headers]} or "field=見出し,見出し; …"."""
    if raw in (None, ""):
        return {}
    if isinstance(raw, Mapping):
        items = [(str(k), v if isinstance(v, list | tuple) else [v]) for k, v in raw.items()]
    else:
        items = []
        for part in re.split(r"[;\n]", str(raw)):
            if part.strip():
                name, sep, headers = part.partition("=")
                if not sep:
                    raise ValueError(
                        f"「{part.strip()}」は 項目=見出し,見出し の形で書いてください"
                    )
                items.append((name.strip(), re.split(r"[|,]", headers)))
    mapping = {}
    for name, headers in items:
        if name not in FIELDS:
            raise ValueError(f"未知の項目 {name}（使える項目: {', '.join(FIELDS)}）")
        mapping[name] = tuple(str(h).strip() for h in headers if str(h).strip())
    return mapping


def map_headers(
    headers: Sequence[str], mapping: Mapping[str, Sequence[str]]
) -> tuple[dict[str, int], list[str]]:
    """Column index per field (the first matching column wins) and the headers not mapped."""
    wanted = {header_key(alias): name for name, aliases in mapping.items() for alias in aliases}
    columns: dict[str, int] = {}
    unmapped = []
    for index, header in enumerate(headers):
        name = wanted.get(header_key(header))
        if name is not None and name not in columns:
            columns[name] = index
        elif str(header).strip():
            unmapped.append(str(header).strip())
    return columns, unmapped


# --- values ----------------------------------------------------------------------------------


def normalise_number(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().upper()
    return re.sub(r"[\s]+", "", text.replace("‐", "-").replace("−", "-").replace("ー", "-"))


def normalise_provider(name: str) -> str:
    """Compare provider names: NFKC, 株式会社／(株)／㈱ and other forms dropped, spaces, case."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return _NAME_NOISE.sub("", _COMPANY_FORMS.sub("", text))


def normalise_service(name: str) -> str:
    return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", name or "").casefold())


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def validity_from_period_end(period_end: dt.date) -> dt.date:
    """The last valid day: 16 months from the day after the audited period ends, less a day."""
    return add_months(period_end + dt.timedelta(days=1), VALIDITY_MONTHS) - dt.timedelta(days=1)


def parse_day(raw: object) -> dt.date | None:
    """Read a list date: a date, ISO or slashed text, 2024年3月31日, 令和6年3月31日, or an Excel
    serial number (also when stored as text). Raise ValueError when present but unreadable."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _excel_day(float(raw))
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _excel_day(float(text))
    era = _ERA_DATE.search(text)
    try:
        if era:
            year = 1 if era.group(2) == "元" else int(era.group(2))
            return dt.date(_ERA_START[era.group(1)] + year, int(era.group(3)), int(era.group(4)))
        found = _DATE_NUMBERS.search(text)
        if found and len(found.group(1)) == 4:
            return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        pass
    raise ValueError(f"日付「{text}」を読めません")


def _excel_day(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise ValueError(f"日付「{serial:g}」を読めません")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def period_end_of(text: object) -> dt.date | None:
    """The end of an audited period written as a range (2023年4月1日～2024年3月31日)."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not value:
        return None
    parts = re.split(r"[~〜～]|から|-(?=\s*\d{4}年)", value)
    return parse_day(parts[-1].replace("まで", ""))


def _check_era(day: dt.date) -> None:
    era_year(day)  # raises for dates before the calendar reform


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedService:
    """One row of a list, cleaned."""

    number: str
    list_kind: str
    service: str
    provider: str
    corporate_number: str = ""
    registered_on: dt.date | None = None
    audited_period_end: dt.date | None = None
    valid_until: dt.date | None = None
    valid_until_computed: bool = False
    scope: str = ""
    regions: str = ""
    url: str = ""

    def content(self) -> tuple:
        """What an import compares to tell a changed entry from an unchanged one."""
        return (
            self.list_kind,
            self.service,
            self.provider,
            self.corporate_number,
            self.registered_on,
            self.audited_period_end,
            self.valid_until,
            self.scope,
            self.regions,
            self.url,
        )


@dataclass(frozen=True)
class Rejection:
    line: int
    number: str
    reason: str


@dataclass
class ParsedList:
    rows: list[ListedService] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    unmapped_headers: list[str] = field(default_factory=list)
    read: int = 0
    fatal: str = ""
    fields: frozenset[str] = frozenset()  # the row fields this file gives (its mapped columns)


def given_fields(columns: Mapping[str, int]) -> frozenset[str]:
    """The ListedService fields a file with these columns states (the others it is silent on)."""
    given = set(columns) | {"list_kind", "number", "service", "provider"}
    if "audited_period" in columns:
        given.add("audited_period_end")
    if "audited_period_end" in given:
        given.add("valid_until")  # computed from the period when the list gives no validity
    return frozenset(given)


def list_of_number(number: str, patterns: Mapping[str, str]) -> str | None:
    for kind, pattern in patterns.items():
        if re.fullmatch(pattern, number):
            return kind
    return None


def _list_kind(raw: str, number: str, patterns: Mapping[str, str], default: str | None):
    text = unicodedata.normalize("NFKC", raw or "").upper()
    if "LIU" in text or "LOW" in text:
        return LIU
    if "ISMAP" in text:
        return ISMAP
    return list_of_number(number, patterns) or default


def _cell(row: Sequence[object], columns: Mapping[str, int], name: str) -> object:
    index = columns.get(name)
    if index is None or index >= len(row):
        return None
    return row[index]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def parse_rows(
    headers: Sequence[str],
    rows: Iterable[tuple[int, Sequence[object]]],
    mapping: Mapping[str, Sequence[str]],
    patterns: Mapping[str, str] = DEFAULT_PATTERNS,
    default_list: str | None = None,
) -> ParsedList:
    """Clean (line, cells) rows under their headers; reject bad rows with a reason each."""
    result = ParsedList()
    columns, result.unmapped_headers = map_headers(headers, mapping)
    result.fields = given_fields(columns)
    missing = [FIELDS[name] for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        result.fatal = (
            f"必要な列が見つかりません: {'、'.join(missing)}。見出しの対応（設定 ISMAP_HEADER_MAP）を"
            f"確認してください（見出し: {'、'.join(str(h) for h in headers if str(h).strip()) or 'なし'}）。"
        )
        return result
    seen: dict[str, int] = {}
    for line, cells in rows:
        if not any(_text(cell) for cell in cells):
            continue  # blank lines are not rows
        result.read += 1
        number = normalise_number(_cell(cells, columns, "number"))
        reason, listed = _clean_row(cells, columns, number, patterns, default_list)
        if reason is None and number in seen:
            reason = f"登録番号 {number} が {seen[number]} 行目と重複しています"
        if reason is not None:
            result.rejected.append(Rejection(line, number, reason))
            continue
        seen[number] = line
        result.rows.append(listed)  # type: ignore[arg-type]
    if result.read and not result.rows:
        result.fatal = "読み込める行が1行もありません（すべての行に問題があります）。"
    elif not result.read:
        result.fatal = "データの行がありません。"
    return result


def _clean_row(cells, columns, number, patterns, default_list):
    if not number:
        return "登録番号がありません", None
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{1,39}", number):
        return f"登録番号「{number}」の形式が正しくありません", None
    kind = _list_kind(_text(_cell(cells, columns, "list")), number, patterns, default_list)
    if kind is None:
        return f"登録番号「{number}」がどちらのリストの番号か判断できません", None
    service = _text(_cell(cells, columns, "service"))
    provider = _text(_cell(cells, columns, "provider"))
    if not service:
        return "サービス名がありません", None
    if not provider:
        return "事業者名がありません", None
    try:
        registered = parse_day(_cell(cells, columns, "registered_on"))
        period_end = parse_day(_cell(cells, columns, "audited_period_end")) or period_end_of(
            _cell(cells, columns, "audited_period")
        )
        valid_until = parse_day(_cell(cells, columns, "valid_until"))
        for day in (registered, period_end, valid_until):
            if day is not None:
                _check_era(day)
    except ValueError as error:
        return str(error), None
    computed = valid_until is None and period_end is not None
    if computed:
        valid_until = validity_from_period_end(period_end)  # type: ignore[arg-type]
    url = _text(_cell(cells, columns, "url"))
    listed = ListedService(
        number=number,
        list_kind=kind,
        service=service[:300],
        provider=provider[:200],
        corporate_number=re.sub(r"\D", "", _text(_cell(cells, columns, "corporate_number")))[:13],
        registered_on=registered,
        audited_period_end=period_end,
        valid_until=valid_until,
        valid_until_computed=computed,
        scope=_text(_cell(cells, columns, "scope"))[:2000],
        regions=_text(_cell(cells, columns, "regions"))[:500],
        url=url[:500] if url.startswith(("https://", "http://")) else "",
    )
    return None, listed
