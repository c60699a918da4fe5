"""The ISMAP check of each register entry's recorded registration number, stored on the entry
at the events that change it: the entry's save (number, provider, name or review date) and
every change of the ISMAP lists, in the same transaction. The register's flag, list filter and
dashboard read the stored check (domain/ismap_checks.fails_on) with the day they are read on,
so no page checks every entry against the lists; migration 0020 back-filled it."""

from __future__ import annotations

from collections.abc import Iterable

from vendorcheck.domain import registers as reg
from vendorcheck.domain.ismap import normalise_number
from vendorcheck.domain.ismap_checks import Claim, fails_on, lasting_check
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import ismap
from vendorcheck.store.models import RegisterEntry

BATCH = 500


def claims(entry: RegisterEntry) -> bool:
    return entry.entry_type == reg.SERVICE and bool(entry.ismap_number.strip())


def unconfirmed(entry: RegisterEntry, today=None) -> bool:
    """Whether the lists, as stored at the last save or import, do not bear the number out."""
    day = today or today_jst()
    return claims(entry) and fails_on(entry.ismap_check_failed, entry.ismap_listed_until, day)


def refresh(entries: Iterable[RegisterEntry] | None = None) -> int:
    """Store the check of these entries (every entry when None), writing only those whose
    check has changed: one query for the lists and one update per distinct result."""
    rows = list(
        entries
        if entries is not None
        else RegisterEntry.select(
            RegisterEntry.id,
            RegisterEntry.entry_type,
            RegisterEntry.name,
            RegisterEntry.provider_name,
            RegisterEntry.ismap_number,
            RegisterEntry.next_review_on,
            RegisterEntry.ismap_check_failed,
            RegisterEntry.ismap_listed_until,
        )
    )
    listed = ismap.entries_for(row.ismap_number for row in rows if claims(row))
    changed: dict[tuple, list[int]] = {}
    for row in rows:
        fact = (False, None)
        if claims(row):
            claim = Claim(
                row.ismap_number,
                provider=row.provider_name,
                service=row.name,
                until=row.next_review_on,
            )
            fact = lasting_check(claim, listed.get(normalise_number(claim.number)))
        if fact != (row.ismap_check_failed, row.ismap_listed_until):
            row.ismap_check_failed, row.ismap_listed_until = fact
            changed.setdefault(fact, []).append(row.id)
    for (failed, until), ids in changed.items():
        for start in range(0, len(ids), BATCH):
            RegisterEntry.update(ismap_check_failed=failed, ismap_listed_until=until).where(
                RegisterEntry.id.in_(ids[start : start + BATCH])
            ).execute()
    return sum(len(ids) for ids in changed.values())


def refresh_ids(entry_ids: Iterable[int]) -> int:
    """Store the check of the entries with these ids (after an update by query)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return 0
    return refresh(RegisterEntry.select().where(RegisterEntry.id.in_(ids)))
