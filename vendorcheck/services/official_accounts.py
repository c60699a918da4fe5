"""The public list of official accounts (なりすまし対策): active SNS accounts only, and only the
columns residents need (platform, account name, URL, operating section, start date)."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from vendorcheck.domain import registers as reg
from vendorcheck.store.models import Department, RegisterEntry

PUBLIC_COLUMNS = ("platform", "account_name", "url", "section", "start_date")
PUBLIC_HEADINGS = ("プラットフォーム", "アカウント名", "URL", "運用する部署", "運用開始日")


@dataclass(frozen=True)
class OfficialAccount:
    platform: str
    account_name: str
    url: str
    section: str
    start_date: str  # ISO, empty when unknown

    def as_row(self) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in PUBLIC_COLUMNS)


def official_accounts() -> list[OfficialAccount]:
    """One query over the columns shown; nothing else of an entry leaves the building."""
    rows = (
        RegisterEntry.select(
            RegisterEntry.platform,
            RegisterEntry.account_name,
            RegisterEntry.name,
            RegisterEntry.url,
            RegisterEntry.start_date,
            Department.name.alias("section"),
        )
        .join(Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id)
        .where(RegisterEntry.entry_type == reg.SNS, RegisterEntry.status == reg.ACTIVE)
        .order_by(RegisterEntry.platform, RegisterEntry.account_name, RegisterEntry.id)
        .tuples()
    )
    platforms = reg.PLATFORMS
    return [
        OfficialAccount(
            platforms.get(platform, platform),
            account_name or name,
            url,
            section or "",
            start.isoformat() if start else "",
        )
        for platform, account_name, name, url, start, section in rows
    ]
