"""The registers of external services and SNS accounts: states, roles, review checklist and the
flags an entry raises. Pure data and functions; the store and services use these lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

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
    ismap_unconfirmed: bool = False  # a number is recorded but the ISMAP lists do not bear it out


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


def flags(facts: EntryFacts, today: dt.date) -> tuple[str, ...]:
    """The problems an entry shows (ids of FLAG_LABELS), in a stable order."""
    if facts.status == RETIRED:
        return ()
    found = []
    if facts.entry_type == SNS:
        if not facts.mfa_enabled:
            found.append("no_mfa")
        if not facts.platform_verified:
            found.append("unverified")
        if facts.last_post_on and (today - facts.last_post_on).days >= DORMANT_DAYS:
            found.append("dormant")
        if not facts.official_page_url or facts.listed_on_website is False:
            found.append("not_listed")
    elif facts.classification_tier >= 2 and not facts.ismap_number.strip():
        found.append("no_ismap")
    elif facts.ismap_number.strip() and facts.ismap_unconfirmed:
        found.append("ismap_unconfirmed")
    if facts.next_review_on and facts.next_review_on < today:
        found.append("review_overdue")
    if facts.needs_responsible:
        found.append("needs_responsible")
    return tuple(found)


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
