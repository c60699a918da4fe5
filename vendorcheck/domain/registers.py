"""The registers of external services and SNS accounts: states, roles, review checklist and the
flags an entry raises. Pure data and functions; the store and services use these lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

from vendorcheck.domain.ismap_checks import failing_from

# Entry states (申請中 → 承認済 → 利用中 → 休止 → 廃止).
APPLIED, APPROVED, ACTIVE, SUSPENDED, RETIRED = (
    "applied",
    "approved",
    "active",
    "suspended",
    "retired",
)
STATUS_LABELS = MappingProxyType(
    {
        APPLIED: "申請中",
        APPROVED: "承認済",
        ACTIVE: "利用中",
        SUSPENDED: "休止",
        RETIRED: "廃止",
    }
)
IN_USE = (APPROVED, ACTIVE, SUSPENDED)  # an entry in use: reviewed, on the dashboard
# Which state an entry may move to by hand (retirement has its own step with evidence).
STATUS_MOVES = MappingProxyType({APPROVED: (ACTIVE,), ACTIVE: (SUSPENDED,), SUSPENDED: (ACTIVE,)})

SERVICE, SNS = "service", "sns"
ENTRY_TYPE_LABELS = MappingProxyType({SERVICE: "外部サービス", SNS: "SNS アカウント"})

# The application kinds and the entry type each creates.
APPLICATION_KINDS = MappingProxyType(
    {
        "cloud_light": (SERVICE, "外部サービス（機密性2未満・約款による利用）"),
        "cloud": (SERVICE, "外部サービス（機密性2以上・調達案件で審査済み）"),
        "sns": (SNS, "SNS アカウントの開設"),
    }
)
SELF_CHECK_KINDS = ("cloud_light", "sns")  # answered by the department inside vendorcheck

# Application states.
DRAFT, SUBMITTED, RETURNED, DECIDED_APPROVED, REJECTED = (
    "draft",
    "submitted",
    "returned",
    "approved",
    "rejected",
)
APPLICATION_LABELS = MappingProxyType(
    {
        DRAFT: "作成中",
        SUBMITTED: "承認待ち",
        RETURNED: "差戻し",
        DECIDED_APPROVED: "承認",
        REJECTED: "却下",
    }
)
EDITABLE_APPLICATION = frozenset({DRAFT, RETURNED})

RESPONSIBLE, DEPUTY, ADMINISTRATOR = "responsible", "deputy", "administrator"
PERSON_ROLES = MappingProxyType(
    {RESPONSIBLE: "責任者", DEPUTY: "副責任者", ADMINISTRATOR: "管理者・担当者"}
)

PLATFORMS = MappingProxyType(
    {
        "x": "X（旧 Twitter）",
        "facebook": "Facebook",
        "instagram": "Instagram",
        "line": "LINE",
        "youtube": "YouTube",
        "tiktok": "TikTok",
        "note": "note",
        "other": "その他",
    }
)

# The review checklist (AUD-02, SNS-09): id, label, whether it applies to services too.
REVIEW_ITEMS: tuple[tuple[str, str, bool], ...] = (
    ("still_used", "現在も業務で利用している", True),
    ("people_right", "責任者・副責任者・担当者の登録が現在の体制と一致している", True),
    ("mfa_on", "多要素認証が有効になっている", True),
    ("terms_checked", "利用規約・約款を再確認し、不利な変更がない", True),
    ("listed", "公式ウェブサイトの公式アカウント一覧に掲載されている", False),
)
REVIEW_INTERVAL_DAYS = 365
DORMANT_DAYS = 180  # no post for this long: a dormant account (SNS-06 closure)


def review_items(entry_type: str) -> tuple[tuple[str, str], ...]:
    return tuple((i, label) for i, label, services in REVIEW_ITEMS if services or entry_type == SNS)


@dataclass(frozen=True)
class EntryFacts:
    """What the flags look at, as plain data."""

    entry_type: str
    status: str
    mfa_enabled: bool
    platform_verified: bool
    official_page_url: str
    listed_on_website: bool | None
    last_post_on: dt.date | None
    next_review_on: dt.date | None
    needs_responsible: bool
    classification_tier: int
    ismap_number: str
    # The ISMAP check of the number as stored (domain/ismap_checks.lasting_check): the lists do
    # not bear it out on any day, and the listed validity after which they do not.
    ismap_check_failed: bool = False
    ismap_listed_until: dt.date | None = None


FLAG_LABELS = MappingProxyType(
    {
        "no_mfa": "多要素認証が未設定",
        "unverified": "プラットフォームの認証（公式マーク）なし",
        "dormant": f"{DORMANT_DAYS}日以上投稿がない（休眠）",
        "not_listed": "公式ウェブサイトに掲載されていない",
        "review_overdue": "定期点検の期限切れ",
        "needs_responsible": "責任者の登録が必要",
        "no_ismap": "ISMAP 登録番号が未記録",
        "ismap_unconfirmed": "ISMAP 登録を確認できない（リストにない・期限切れ・他の事業者など）",
    }
)


def dormant_since(today: dt.date) -> dt.date:
    """An account whose last post is on or before this day is dormant."""
    return today - dt.timedelta(days=DORMANT_DAYS)


# The first day of the flags no date waits for: before any day a flag is read on, and a day
# that SQLite and PostgreSQL DATE columns both store (0001-01-01).
ALWAYS = dt.date.min


def _days_after(day: dt.date, days: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:  # after 9999-12-31: never
        return None


def flag_dates(facts: EntryFacts) -> dict[str, dt.date]:
    """The flags an entry raises on some day (ids of FLAG_LABELS, in a stable order), each with
    the first day it is raised: ALWAYS, or the day after the review date, DORMANT_DAYS after the
    last post, the day after the ISMAP listing ends. They change only when the entry (or the
    lists, or the scheme) does, so services/register_flags.py stores them at those events."""
    if facts.status == RETIRED:
        return {}
    found: dict[str, dt.date | None] = {}
    if facts.entry_type == SNS:
        if not facts.mfa_enabled:
            found["no_mfa"] = ALWAYS
        if not facts.platform_verified:
            found["unverified"] = ALWAYS
        if facts.last_post_on:
            found["dormant"] = _days_after(facts.last_post_on, DORMANT_DAYS)
        if not facts.official_page_url or facts.listed_on_website is False:
            found["not_listed"] = ALWAYS
    elif facts.classification_tier >= 2 and not facts.ismap_number.strip():
        found["no_ismap"] = ALWAYS
    elif facts.ismap_number.strip():
        found["ismap_unconfirmed"] = failing_from(
            facts.ismap_check_failed, facts.ismap_listed_until
        )
    if facts.next_review_on:
        found["review_overdue"] = _days_after(facts.next_review_on, 1)
    if facts.needs_responsible:
        found["needs_responsible"] = ALWAYS
    return {flag: since for flag, since in found.items() if since is not None}


def flags(facts: EntryFacts, today: dt.date) -> tuple[str, ...]:
    """The problems an entry shows today (ids of FLAG_LABELS), in a stable order."""
    return tuple(flag for flag, since in flag_dates(facts).items() if since <= today)


def handle_forms(handle: str, url: str) -> tuple[str, ...]:
    """The strings whose presence on the official page shows the account is listed."""
    forms = []
    cleaned_url = (url or "").strip()
    if cleaned_url:
        forms.append(cleaned_url.rstrip("/"))
        bare = cleaned_url.split("://", 1)[-1].rstrip("/")
        forms.append(bare)
    cleaned = (handle or "").strip()
    if cleaned:
        forms.append(cleaned if cleaned.startswith("@") else "@" + cleaned)
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 3))
