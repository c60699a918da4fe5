"""The register list: filters (type, state, department, keyword, flags), sorting and pages in
the database, each page with its entries' flags, in the same few queries however large the
register; and the flags as database conditions, kept in step with domain/registers.flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.classification import Scheme
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.services.organisation import organisation_scheme
from vendorcheck.services.registers import entry_flags, visible
from vendorcheck.store.models import Department, RegisterEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class EntryFilter:
    entry_type: str = ""
    status: str = ""
    department_id: int | None = None
    text: str = ""  # a keyword in the name, account, handle, provider or URL
    flagged: bool = False  # any flag
    flag: str = ""  # one flag of FILTERABLE_FLAGS
    page: int = 1
    sort: str = "id"  # a key of SORT_COLUMNS
    descending: bool = True


@dataclass(frozen=True)
class EntryPage:
    rows: list[RegisterEntry]
    total: int
    page: int
    pages: int
    flags: dict[int, tuple[str, ...]]  # entry id -> flags, computed with one scheme read


SORT_COLUMNS = {
    "id": RegisterEntry.id,
    "name": RegisterEntry.name_normalized,
    "type": RegisterEntry.entry_type,
    "department": Department.sort_order,
    "status": RegisterEntry.status,
    "start": RegisterEntry.start_date,
    "next_review": RegisterEntry.next_review_on,
}


def flag_conditions(
    today: dt.date, scheme: Scheme | None = None, dormant_since: dt.date | None = None
) -> dict[str, object]:
    """The flags of domain/registers.flags as database conditions, for filtering and counting
    (ismap_unconfirmed from the check stored on the entry, services/register_ismap.py). A
    test keeps the two in step."""
    sns = RegisterEntry.entry_type == reg.SNS
    confidential = [
        level.code for level in (scheme or organisation_scheme()).levels if level.tier >= 2
    ]
    return {
        "no_mfa": sns & (RegisterEntry.mfa_enabled == False),  # noqa: E712
        "unverified": sns & (RegisterEntry.platform_verified == False),  # noqa: E712
        "dormant": sns
        & RegisterEntry.last_post_on.is_null(False)
        & (RegisterEntry.last_post_on <= (dormant_since or reg.dormant_since(today))),
        "not_listed": sns
        & (
            (RegisterEntry.official_page_url == "") | (RegisterEntry.listed_on_website == False)  # noqa: E712
        ),
        "no_ismap": (RegisterEntry.entry_type == reg.SERVICE)
        & RegisterEntry.classification_level.in_(confidential or [""])
        & (fn.TRIM(RegisterEntry.ismap_number) == ""),
        "ismap_unconfirmed": (RegisterEntry.entry_type == reg.SERVICE)
        & (fn.TRIM(RegisterEntry.ismap_number) != "")
        & (
            (RegisterEntry.ismap_check_failed == True)  # noqa: E712
            | (RegisterEntry.ismap_listed_until < today)
        ),
        "review_overdue": RegisterEntry.next_review_on < today,
        "needs_responsible": RegisterEntry.needs_responsible == True,  # noqa: E712
    }


FILTERABLE_FLAGS = tuple(reg.FLAG_LABELS)


def _filtered(reader: Reader, criteria: EntryFilter):
    query = visible(
        RegisterEntry.select(RegisterEntry, Department).join(
            Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id
        ),
        reader,
    )
    if criteria.entry_type in reg.ENTRY_TYPE_LABELS:
        query = query.where(RegisterEntry.entry_type == criteria.entry_type)
    if criteria.status in reg.STATUS_LABELS:
        query = query.where(RegisterEntry.status == criteria.status)
    if criteria.department_id:
        query = query.where(RegisterEntry.department == criteria.department_id)
    text = normalize(criteria.text)[:200]
    if text:
        query = query.where(
            RegisterEntry.name_normalized.contains(text)
            | RegisterEntry.account_name.contains(text)
            | RegisterEntry.account_handle.contains(text)
            | RegisterEntry.provider_name.contains(text)
            | RegisterEntry.url.contains(text)
        )
    if criteria.flagged or criteria.flag in FILTERABLE_FLAGS:
        conditions = flag_conditions(today_jst())
        wanted = (
            [conditions[criteria.flag]]
            if criteria.flag in FILTERABLE_FLAGS
            else list(conditions.values())
        )
        either = wanted[0]
        for condition in wanted[1:]:
            either = either | condition
        if len(wanted) > 1:
            # One scan beats the planner's union of an index per flag (SQLite: 20 ms → 3 ms
            # on 10,000 entries); a CASE is used by no index.
            either = Case(None, [(either, 1)], 0) == 1
        query = query.where((RegisterEntry.status != reg.RETIRED) & either)
    column = SORT_COLUMNS.get(criteria.sort, RegisterEntry.id)
    tie = [] if column is RegisterEntry.id else [RegisterEntry.id]  # a stable order of pages
    if criteria.descending:
        return query.order_by(column.desc(), *(t.desc() for t in tie))
    return query.order_by(column, *tie)


def _with_flags(rows: list[RegisterEntry]) -> dict[int, tuple[str, ...]]:
    scheme, today = organisation_scheme(), today_jst()
    return {entry.id: entry_flags(entry, today, scheme) for entry in rows}


def list_entries(reader: Reader, criteria: EntryFilter, page_size: int = PAGE_SIZE) -> EntryPage:
    """One page of the entries the reader may see, sorted in the database, with their
    department and flags: the same few queries however large the register."""
    query = _filtered(reader, criteria)
    total = query.count()
    pages = max(1, -(-total // page_size))
    page = min(max(1, criteria.page), pages)
    # The page's ids first: sorting narrow rows is what keeps a sort by a column without an
    # index (部局, 利用開始日) fast on a large register; then only those rows in full.
    ids = [
        row[0]
        for row in query.select(RegisterEntry.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .tuples()
    ]
    found = {
        entry.id: entry
        for entry in RegisterEntry.select(RegisterEntry, Department)
        .join(Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id)
        .where(RegisterEntry.id.in_(ids or [0]))
    }
    rows = [found[entry_id] for entry_id in ids if entry_id in found]
    return EntryPage(rows, total, page, pages, _with_flags(rows))


def all_entries(reader: Reader, criteria: EntryFilter, limit: int) -> EntryPage:
    """Every filtered entry in the list's order (up to limit), for the Excel download."""
    rows = list(_filtered(reader, criteria).limit(limit))
    return EntryPage(rows, len(rows), 1, 1, _with_flags(rows))
