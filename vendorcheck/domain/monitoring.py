"""The contract period as pure rules: report schedules, deadlines in Japan time, fiscal years,
the late-incident rule, severity, and the checklists derived from the articles in force."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vendorcheck.domain.jp import JST, era_year, wareki

# --- the contract ----------------------------------------------------------------------------

ACTIVE, CLOSING, COMPLETED = "active", "closing", "completed"
CONTRACT_STATUS_LABELS = {ACTIVE: "履行中", CLOSING: "終了手続中", COMPLETED: "完了"}

FREQUENCIES: dict[str, tuple[str, int]] = {
    "monthly": ("毎月", 1),
    "quarterly": ("四半期ごと", 3),
    "yearly": ("毎年度", 12),
}
# The regular_report clause: 仕様書等に定める頻度（定めがないときは、四半期に１回以上）.
DEFAULT_FREQUENCY = "quarterly"
REPORT_CLAUSE = "regular_report"
INCIDENT_CLAUSES = frozenset({"incident_report", "cloud_incident"})
# Articles that state no obligation of the vendor's to report on.
NOT_OBLIGATIONS = frozenset(
    {"general", "definitions", "definitions_service", "definitions_sns", "consultation", "breach"}
)


@dataclass(frozen=True)
class ArticleInForce:
    number: int
    clause_id: str
    title: str

    @property
    def heading(self) -> str:
        return f"第{self.number}条（{self.title}）"


@dataclass(frozen=True)
class Condition:
    """An individual condition of the annex (an accepted remediation): what, and by when."""

    action: str
    due: dt.date | None = None


@dataclass(frozen=True)
class CheckItem:
    """One obligation to report on or to inspect: an article or an individual condition."""

    key: str
    label: str


def articles_in_force(clause_ids: Sequence[str], titles: Mapping[str, str]) -> list[ArticleInForce]:
    """Number the stored annex's clause ids as the annex did (第1条, 第2条 … in order)."""
    return [
        ArticleInForce(number, clause_id, titles.get(clause_id, clause_id))
        for number, clause_id in enumerate(clause_ids, start=1)
    ]


def obligations(
    articles: Sequence[ArticleInForce], conditions: Sequence[Condition]
) -> list[CheckItem]:
    """What a periodic report and an inspection check: each obligation article, each condition."""
    items = [
        CheckItem(f"article.{article.clause_id}", article.heading)
        for article in articles
        if article.clause_id not in NOT_OBLIGATIONS
    ]
    for index, condition in enumerate(conditions, start=1):
        due = f"（期限 {wareki(condition.due)}）" if condition.due else ""
        items.append(CheckItem(f"condition.{index}", f"個別条件({index}) {condition.action}{due}"))
    return items


# --- end of contract -------------------------------------------------------------------------

END_RETURN, END_DISPOSAL, END_CERTIFICATE, END_ACCOUNTS = (
    "return",
    "disposal",
    "certificate",
    "accounts",
)
END_LABELS = {
    END_RETURN: "情報資産の返還（利用者データの引渡し）",
    END_DISPOSAL: "情報資産の廃棄・消去",
    END_CERTIFICATE: "消去証明書の提出（消去の方法及び日付）",
    END_ACCOUNTS: "アカウントの削除（職員用・管理用）",
}
_EVIDENCE_SUBJECTS = {
    "report": "定期報告",
    "incident": "事故報告",
    "inspection": "検査",
    "corrective": "是正要求",
}


def evidence_subject_label(subject: str) -> str:
    """What a contract file was attached to, as staff read it (never the stored key)."""
    kind, _, rest = subject.partition(".")
    if kind == "end":
        return END_LABELS.get(rest, "契約終了の手続")
    return _EVIDENCE_SUBJECTS.get(kind, "添付ファイル")


_RETURN_CLAUSES = frozenset({"return_disposal", "cloud_exit", "cll_terms", "pi_return"})
_DISPOSAL_CLAUSES = frozenset(
    {
        "return_disposal",
        "cloud_termination",
        "deletion_witness",
        "cloud_deletion_evidence",
        "pi_return",
    }
)
# articles that make the vendor hand back or delete accounts (cloud accounts, SNS credentials)
_ACCOUNT_CLAUSES = frozenset({"cloud_termination", "sns_account"})
CLOUD_KINDS = frozenset({"cloud", "cloud_light"})


def end_checklist(clause_ids: Iterable[str], kind: str) -> list[CheckItem]:
    """The return and disposal steps the annex requires; every contract returns and erases."""
    ids = set(clause_ids)
    keys = [END_RETURN, END_DISPOSAL, END_CERTIFICATE]
    if not ids & (_RETURN_CLAUSES | _DISPOSAL_CLAUSES) and kind in CLOUD_KINDS:
        keys = [END_DISPOSAL]  # a light service under its own terms: erase what was stored
    if ids & _ACCOUNT_CLAUSES or kind in CLOUD_KINDS:
        keys.append(END_ACCOUNTS)
    return [CheckItem(key, END_LABELS[key]) for key in keys]


# --- schedules and deadlines ---------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    due: dt.date


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def period_end_for(day: dt.date, frequency: str) -> dt.date:
    """The end of the reporting period holding a day: the month, the fiscal quarter, the fiscal
    year (Japan's fiscal year starts on 1 April)."""
    months = FREQUENCIES[frequency][1]
    fiscal_month = (day.month - 4) % 12  # April = 0
    months_left = months - 1 - fiscal_month % months
    return month_end(add_months(day.replace(day=1), months_left))


def report_periods(start: dt.date, end: dt.date, frequency: str, due_days: int) -> list[Period]:
    """Consecutive periods from the contract start to its end, each due `due_days` after it."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    periods = []
    current = start
    while current <= end:
        period_end = min(period_end_for(current, frequency), end)
        periods.append(Period(current, period_end, period_end + dt.timedelta(days=due_days)))
        current = period_end + dt.timedelta(days=1)
    return periods


def deadline_instant(due: dt.date) -> dt.datetime:
    """The naive-UTC moment a due date ends in Japan (midnight JST after it)."""
    midnight = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(), tzinfo=JST)
    return midnight.astimezone(dt.UTC).replace(tzinfo=None)


def is_past_due(due: dt.date | None, now_utc: dt.datetime) -> bool:
    """True when a due date has ended in Japan time at a naive-UTC moment."""
    return due is not None and now_utc >= deadline_instant(due)


def jst_date(moment_utc: dt.datetime) -> dt.date:
    return moment_utc.replace(tzinfo=dt.UTC).astimezone(JST).date()


# --- fiscal years ----------------------------------------------------------------------------


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def fiscal_year_label(fiscal_year: int) -> str:
    """2026 → 令和8年度 (named by the era of its first day)."""
    era, year = era_year(dt.date(fiscal_year, 4, 1))
    return f"{era}{'元' if year == 1 else year}年度"


def overlaps_fiscal_year(start: dt.date, end: dt.date, fiscal_year: int) -> bool:
    first, last = fiscal_year_bounds(fiscal_year)
    return start <= last and end >= first


# --- incidents -------------------------------------------------------------------------------

INCIDENT_CLASSIFICATIONS = (
    ("leak", "漏えい"),
    ("loss", "滅失・き損"),
    ("tampering", "改ざん"),
    ("unauthorised_access", "不正アクセス"),
    ("malware", "不正プログラムへの感染"),
    ("outage", "サービスの停止・障害"),
    ("other", "その他"),
)
INCIDENT_CLASSIFICATION_LABELS = dict(INCIDENT_CLASSIFICATIONS)


def report_deadline(found_at: dt.datetime, hours: int) -> dt.datetime:
    return found_at + dt.timedelta(hours=hours)


def is_late_report(found_at: dt.datetime, reported_at: dt.datetime, hours: int) -> bool:
    """The annex's rule: the first report is due within `hours` of finding the incident."""
    return reported_at > report_deadline(found_at, hours)


@dataclass(frozen=True)
class SeverityRules:
    """When the CISO is told at once: these classifications, or this many personal records."""

    classifications: frozenset[str]
    personal_records_at_least: int

    @classmethod
    def parse(cls, classifications: str, personal_records: int) -> SeverityRules:
        known = {key for key, _ in INCIDENT_CLASSIFICATIONS}
        wanted = {part.strip() for part in classifications.split(",") if part.strip()}
        unknown = wanted - known
        if unknown:
            raise ValueError(
                f"未知の事故の分類 {', '.join(sorted(unknown))}（{', '.join(sorted(known))} から選びます）"
            )
        return cls(frozenset(wanted), personal_records)


def is_severe(
    classification: str, personal_records: int, rules: SeverityRules, *, marked: bool = False
) -> bool:
    if marked or classification in rules.classifications:
        return True
    return (
        rules.personal_records_at_least > 0 and personal_records >= rules.personal_records_at_least
    )


COMPLIANCE = (
    ("compliant", "遵守"),
    ("partial", "一部未遵守"),
    ("non_compliant", "未遵守"),
    ("na", "該当なし"),
)
COMPLIANCE_LABELS = dict(COMPLIANCE)
SEVERITIES = (("high", "重大"), ("medium", "中"), ("low", "軽微"))
SEVERITY_LABELS = dict(SEVERITIES)


def utc_from_jst(local: dt.datetime) -> dt.datetime:
    """A wall-clock time typed in Japan → the naive UTC the database stores."""
    return local.replace(tzinfo=JST).astimezone(dt.UTC).replace(tzinfo=None)


def jst_from_utc(moment_utc: dt.datetime) -> dt.datetime:
    return moment_utc.replace(tzinfo=dt.UTC).astimezone(JST).replace(tzinfo=None)


def lateness_text(found_at: dt.datetime, reported_at: dt.datetime, hours: int) -> str:
    """How far past the time limit a first report came: 「3時間15分」."""
    over = reported_at - report_deadline(found_at, hours)
    minutes = max(0, int(over.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    text = f"{rest // 60}時間{rest % 60}分"
    return f"{days}日{text}" if days else text


YEAR_DAYS = 365


def reconfirmation_due(
    starts_on: dt.date, ends_on: dt.date, last_asked: dt.date | None, today: dt.date
) -> bool:
    """A contract of over a year is re-confirmed once after each anniversary of its start."""
    if (ends_on - starts_on).days <= YEAR_DAYS:
        return False
    years = (today - starts_on).days // YEAR_DAYS
    if years < 1:
        return False
    anniversary = starts_on + dt.timedelta(days=YEAR_DAYS * years)
    return last_asked is None or last_asked < anniversary
