"""Japanese formatting and validation helpers: 和暦 dates, 法人番号, normalising."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def today_jst() -> dt.date:
    """Today in Japan, whatever the server's own time zone."""
    return dt.datetime.now(JST).date()


def now_jst() -> dt.datetime:
    """Now in Japan, as an aware datetime."""
    return dt.datetime.now(JST)


def in_japan(stored: dt.datetime) -> dt.datetime:
    """A stored timestamp (naive UTC) as an aware datetime in Japan time."""
    return stored.replace(tzinfo=dt.UTC).astimezone(JST)


def utc_start_of(day: dt.date) -> dt.datetime:
    """The naive UTC timestamp at which a day in Japan begins (to compare stored times)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=JST).astimezone(dt.UTC).replace(tzinfo=None)


# (start date, era name), newest first.
_ERAS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1873, 1, 1), "明治"),
)

_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

# Characters XML 1.0 forbids (python-docx raises on them) and bidi overrides
# that could disguise text in a printed document.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def era_year(day: dt.date) -> tuple[str, int]:
    """Return the era name and the year within it for a date."""
    for start, name in _ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day.isoformat()} は明治改暦より前の日付です。")


def wareki(day: dt.date, *, full_width: bool = False) -> str:
    """Format a date in 和暦: 令和7年4月1日 (元年 for the first year of an era)."""
    name, year = era_year(day)
    year_text = "元" if year == 1 else str(year)
    text = f"{name}{year_text}年{day.month}月{day.day}日"
    return text.translate(_FULL_DIGITS) if full_width else text


def parse_date(text: str) -> dt.date | None:
    """Read a date typed as 2027-03-31 or 2027/03/31, full-width digits allowed; None if unreadable."""
    normalized = unicodedata.normalize("NFKC", text or "").strip().replace("/", "-")
    try:
        return dt.datetime.strptime(normalized, "%Y-%m-%d").date()
    except ValueError:
        return None


_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_WAREKI = re.compile(
    r"(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?"
)


def parse_wareki(text: str) -> dt.date | None:
    """Read a 和暦 date (令和7年4月1日, 令和元年5月1日, R7.4.1, full-width allowed); None if not one."""
    normalized = unicodedata.normalize("NFKC", text or "").strip().upper()
    parts = _WAREKI.fullmatch(normalized)
    if not parts:
        return None
    era, year_text, month, day = parts.groups()
    era = _ERA_LETTERS.get(era, era)
    start = next(start for start, name in _ERAS if name == era)
    year = start.year + (0 if year_text == "元" else int(year_text) - 1)
    try:
        date = dt.date(year, int(month), int(day))
    except ValueError:
        return None
    return date if date >= start else None


def to_full_width_digits(text: str) -> str:
    return text.translate(_FULL_DIGITS)


def normalize(text: str) -> str:
    """NFKC-normalise and fold case and spacing, for search and comparison."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(folded.split())


def corporate_number_check_digit(base12: str) -> int:
    """Check digit of a 法人番号 from its twelve base digits (国税庁 formula)."""
    if len(base12) != 12 or not base12.isdigit():
        raise ValueError("基礎番号は12桁の数字です。")
    total = 0
    for n, char in enumerate(reversed(base12), start=1):
        total += int(char) * (1 if n % 2 else 2)
    return 9 - (total % 9)


def clean_corporate_number(raw: str) -> str:
    """Return the digits of a 法人番号 typed with full-width digits, spaces or hyphens."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\-‐－ー]", "", text)


def corporate_number_error(raw: str) -> str | None:
    """Return a Japanese error message for an invalid 法人番号, or None when valid."""
    digits = clean_corporate_number(raw)
    if not digits:
        return "法人番号を入力してください。"
    if not digits.isdigit() or len(digits) != 13:
        return "法人番号は13桁の数字で入力してください。"
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        return "法人番号が正しくありません。13桁の番号をご確認ください。"
    return None


def is_valid_corporate_number(raw: str) -> bool:
    return corporate_number_error(raw) is None


def clean_for_xml(text: str) -> str:
    """Remove characters that XML forbids and bidi overrides; keep everything else."""
    text = _XML_FORBIDDEN.sub("", text or "")
    return _BIDI_CONTROLS.sub("", text)


def jst_time(stored: dt.datetime, *, seconds: bool = False) -> str:
    """The time of day in Japan of a stored timestamp: 13:53 (13:53:07 with seconds)."""
    return _clock(in_japan(stored), seconds)


def _clock(local: dt.datetime, seconds: bool) -> str:
    return local.strftime("%H:%M:%S" if seconds else "%H:%M")


def wareki_datetime(stored: dt.datetime, *, seconds: bool = False) -> str:
    """A stored timestamp as people read it: 令和8年12月22日 13:53 (Japan time)."""
    local = in_japan(stored)  # converted once: both halves read the same local time
    return f"{wareki(local.date())} {_clock(local, seconds)}"


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def english_date(day: dt.date) -> str:
    """A date for English readers, with its 和暦: 令和8年12月1日 (1 December 2026)."""
    return f"{wareki(day)} ({day.day} {_MONTHS_EN[day.month - 1]} {day.year})"


def wareki_day(stored: dt.datetime) -> str:
    """The day in Japan of a stored timestamp (naive UTC), in 和暦: 令和8年12月1日."""
    return wareki(in_japan(stored).date())


def shorten(text: str, limit: int) -> str:
    """The start of a long text (spacing folded) with an ellipsis; short texts unchanged."""
    folded = " ".join((text or "").split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"
