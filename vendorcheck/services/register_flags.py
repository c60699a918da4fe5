"""The stored facts of each register entry: the ISMAP check of its number (register_ismap)
and its flags with the first day each is raised (domain/registers.flag_dates, table
register_flag), written in the transaction of every change they read: the entry's fields,
state, department and review date, its 責任者, the official-page check, the ISMAP lists and
the classification scheme. With the rows, their counts by department, flag and month of
`since` (table register_flag_count) move by the same change. The dashboard sums those counts
and lists the flags with `since <= today` along an index, so no view evaluates every entry's
flags; migration 0021 back-filled both, and `stored_rows` / `recomputed_rows` and
`stored_counts` / `counts_of` compare them with a full recomputation."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from peewee import EXCLUDED, JOIN

from vendorcheck.domain import registers as reg
from vendorcheck.domain.classification import Scheme
from vendorcheck.services import register_ismap
from vendorcheck.services.organisation import organisation_scheme
from vendorcheck.store.db import is_sqlite
from vendorcheck.store.models import Department, RegisterEntry, RegisterFlag, RegisterFlagCount

BATCH = 500
# A stored row: flag, since, in_use, department id, department order, name (normalised).
Row = tuple[str, dt.date, bool, int | None, int | None, str]
# A count's key: department id (0: none), flag, the first day of the month of `since`.
CountKey = tuple[int, str, dt.date]

# What the flags read of an entry (entry_facts), and with them the copies the flag table keeps
# for its indexes.
FLAG_FIELDS = (
    RegisterEntry.entry_type,
    RegisterEntry.status,
    RegisterEntry.mfa_enabled,
    RegisterEntry.platform_verified,
    RegisterEntry.official_page_url,
    RegisterEntry.listed_on_website,
    RegisterEntry.last_post_on,
    RegisterEntry.next_review_on,
    RegisterEntry.needs_responsible,
    RegisterEntry.classification_level,
    RegisterEntry.ismap_number,
    RegisterEntry.ismap_check_failed,
    RegisterEntry.ismap_listed_until,
)
READ = (
    RegisterEntry.id,
    RegisterEntry.department,
    RegisterEntry.name_normalized,
    *FLAG_FIELDS,
    Department.id,
    Department.sort_order,
)


def entry_facts(entry: RegisterEntry, scheme: Scheme) -> reg.EntryFacts:
    """What the flags of an entry look at, as the domain's plain data."""
    return reg.EntryFacts(
        entry_type=entry.entry_type,
        status=entry.status,
        mfa_enabled=entry.mfa_enabled,
        platform_verified=entry.platform_verified,
        official_page_url=entry.official_page_url,
        listed_on_website=entry.listed_on_website,
        last_post_on=entry.last_post_on,
        next_review_on=entry.next_review_on,
        needs_responsible=entry.needs_responsible,
        classification_tier=scheme.tier_or_lowest(entry.classification_level),
        ismap_number=entry.ismap_number,
        ismap_check_failed=entry.ismap_check_failed,
        ismap_listed_until=entry.ismap_listed_until,
    )


def _rows(entry: RegisterEntry, scheme: Scheme) -> set[Row]:
    in_use = entry.status in reg.IN_USE
    order = entry.department.sort_order if entry.department_id else None
    return {
        (flag, since, in_use, entry.department_id, order, entry.name_normalized)
        for flag, since in reg.flag_dates(entry_facts(entry, scheme)).items()
    }


def _batches(items: list) -> Iterator[list]:
    """The items in slices of BATCH (a statement's parameters stay within every database's
    limit)."""
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _entries(ids: list[int] | None, *, lock: bool = False) -> list[RegisterEntry]:
    query = (
        RegisterEntry.select(*READ)
        .join(Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id)
        .order_by(RegisterEntry.id)  # locked in one order by every rewrite
    )
    if lock and not is_sqlite():
        # A rewrite reads the entries it rewrites locked (the changes' own writes hold them
        # already; a whole-register rewrite waits for them), so no change comes between the
        # read and the write; SQLite's one writer does this itself.
        query = query.for_update(of=RegisterEntry)
    if ids is None:
        return list(query)
    found = []
    for batch in _batches(ids):
        found.extend(query.where(RegisterEntry.id.in_(batch)))
    return found


def _stored(ids: list[int] | None) -> dict[int, set[Row]]:
    query = RegisterFlag.select(
        RegisterFlag.entry,
        RegisterFlag.flag,
        RegisterFlag.since,
        RegisterFlag.in_use,
        RegisterFlag.department,
        RegisterFlag.department_order,
        RegisterFlag.name_normalized,
    )
    batches = (
        [query]
        if ids is None
        else [query.where(RegisterFlag.entry.in_(batch)) for batch in _batches(ids)]
    )
    stored: dict[int, set[Row]] = {}
    for batch in batches:
        for entry_id, *row in batch.tuples():
            stored.setdefault(entry_id, set()).add(tuple(row))
    return stored


def counts_of(rows: Mapping[int, Iterable[Row]]) -> Counter[CountKey]:
    """The entries in use raising each flag from a day of each month, by department."""
    counts: Counter[CountKey] = Counter()
    for entry_rows in rows.values():
        for flag, since, in_use, department, _order, _name in entry_rows:
            if in_use:
                counts[(department or 0, flag, since.replace(day=1))] += 1
    return counts


def _move_counts(before: Mapping[int, set[Row]], after: Mapping[int, set[Row]]) -> None:
    """Add the change from the rows before to the rows after to the stored counts, in one
    upsert per batch (concurrent changes add up: each adds its own difference)."""
    moved = counts_of(after)
    moved.subtract(counts_of(before))
    values = [
        {"department_key": key[0], "flag": key[1], "month": key[2], "entries": number}
        for key, number in sorted(moved.items())
        if number
    ]
    for batch in _batches(values):
        RegisterFlagCount.insert_many(batch).on_conflict(
            conflict_target=[
                RegisterFlagCount.department_key,
                RegisterFlagCount.flag,
                RegisterFlagCount.month,
            ],
            update={RegisterFlagCount.entries: RegisterFlagCount.entries + EXCLUDED.entries},
        ).execute()


def _rewrite(ids: list[int] | None) -> int:
    """Write the flag rows of these entries (every entry when None) that differ from what is
    stored: one delete and one insert per batch of changed entries."""
    scheme = organisation_scheme()
    computed = {entry.id: _rows(entry, scheme) for entry in _entries(ids, lock=True)}
    stored = _stored(ids)
    changed = sorted(
        entry_id
        for entry_id in computed.keys() | stored.keys()
        if computed.get(entry_id, set()) != stored.get(entry_id, set())
    )
    for batch in _batches(changed):
        RegisterFlag.delete().where(RegisterFlag.entry.in_(batch)).execute()
        rows = [
            {
                "entry": entry_id,
                "flag": flag,
                "since": since,
                "in_use": in_use,
                "department": department,
                "department_order": order,
                "name_normalized": name,
            }
            for entry_id in batch
            for flag, since, in_use, department, order, name in sorted(computed.get(entry_id, ()))
        ]
        for rows_batch in _batches(rows):
            RegisterFlag.insert_many(rows_batch).execute()
    _move_counts(
        {entry_id: stored.get(entry_id, set()) for entry_id in changed},
        {entry_id: computed.get(entry_id, set()) for entry_id in changed},
    )
    return len(changed)


def refresh(entries: Iterable[RegisterEntry] | None = None) -> int:
    """Store the ISMAP check and the flags of these entries (every entry when None) after a
    change of what they read, in the caller's transaction; return how many entries' flags
    changed. The entries given get their stored ISMAP check set too."""
    if entries is None:
        register_ismap.refresh()
        return _rewrite(None)
    rows = list(entries)
    register_ismap.refresh(rows)
    return _rewrite(sorted({row.id for row in rows})) if rows else 0


def refresh_ids(entry_ids: Iterable[int]) -> int:
    """The same for the entries with these ids (after an update by query)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return 0
    register_ismap.refresh_ids(ids)
    return _rewrite(ids)


# --- the stored rows against a full recomputation (tests, and checks of an instance) -------


def stored_rows() -> dict[int, set[Row]]:
    return _stored(None)


def recomputed_rows() -> dict[int, set[Row]]:
    """Every entry's flag rows derived again from the entries (entries without flags left out,
    as they have no rows)."""
    scheme = organisation_scheme()
    computed = {entry.id: _rows(entry, scheme) for entry in _entries(None)}
    return {entry_id: rows for entry_id, rows in computed.items() if rows}


def stored_counts() -> Counter[CountKey]:
    """The stored counts (those of no entry left out)."""
    return Counter(
        {
            (row.department_key, row.flag, row.month): row.entries
            for row in RegisterFlagCount.select()
            if row.entries
        }
    )
