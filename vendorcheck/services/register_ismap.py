"""The ISMAP check of each register entry's recorded registration number, stored on the entry
at the events that change it: the entry's save (number, provider, name or review date) and
every change of the ISMAP lists, in the same transaction. The register's flag, list filter and
dashboard read the stored check (domain/ismap_checks.fails_on) with the day they are read on,
so no page checks every entry against the lists; migration 0020 back-filled it."""

from __future__ import annotations

import datetime as dt
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


def _claim(entry: RegisterEntry) -> Claim:
    return Claim(
        entry.ismap_number,
        provider=entry.provider_name,
        service=entry.name,
        until=entry.next_review_on,
    )


def _computed(rows: list[RegisterEntry]) -> dict[int, tuple[bool, dt.date | None]]:
    """The check to store of each entry, from the lists as they are (one query)."""
    listed = ismap.entries_for(row.ismap_number for row in rows if claims(row))
    return {
        row.id: lasting_check(_claim(row), listed.get(normalise_number(row.ismap_number)))
        if claims(row)
        else (False, None)
        for row in rows
    }


def _columns():
    return RegisterEntry.select(
        RegisterEntry.id,
        RegisterEntry.entry_type,
        RegisterEntry.name,
        RegisterEntry.provider_name,
        RegisterEntry.ismap_number,
        RegisterEntry.next_review_on,
        RegisterEntry.ismap_check_failed,
        RegisterEntry.ismap_listed_until,
    )


def refresh(entries: Iterable[RegisterEntry] | None = None) -> int:
    """Store the check of these entries (every entry when None), writing only those whose
    check has changed: one query for the lists and one update per distinct result."""
    rows = list(entries if entries is not None else _columns())
    computed = _computed(rows)
    changed: dict[tuple, list[int]] = {}
    for row in rows:
        fact = computed[row.id]
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
    return refresh(_columns().where(RegisterEntry.id.in_(ids))) if ids else 0


# --- the stored checks against a full recomputation (tests, and `vendorcheck` checks) -------


def stored_checks() -> dict[int, tuple[bool, dt.date | None]]:
    return {row.id: (row.ismap_check_failed, row.ismap_listed_until) for row in _columns()}


def recomputed_checks() -> dict[int, tuple[bool, dt.date | None]]:
    """Every entry's check derived again from the lists."""
    return _computed(list(_columns()))


def live_unconfirmed(today: dt.date) -> set[int]:
    """The entries whose number the lists do not bear out today, each checked in full with
    check_claim as the register did on every view before the check was stored."""
    rows = [row for row in _columns() if claims(row)]
    checks = ismap.check_claims((_claim(row) for row in rows), today)
    return {
        row.id
        for row, check in zip(rows, checks, strict=True)
        if any(severity in ("high", "medium") for severity, _ in check.findings)
    }
