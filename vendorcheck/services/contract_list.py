"""The contracts a staff member may see (the department rule), filtered for the list page, the
dashboard panel and its counts: status, next due item, department, keyword."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.services.paging import Page, PageRequest, page_of
from vendorcheck.store.models import Contract, Department, RegisterEntry, Vendor
from vendorcheck.store.prepared import PreparedSelect

LIST_LIMIT = 5000
SOON_DAYS = 30
OVERDUE, SOON, NO_DUE = "overdue", "soon", "none"
DUE_FILTERS = {
    OVERDUE: "期限を過ぎている",
    SOON: f"{SOON_DAYS}日以内に期限",
    NO_DUE: "次の期限なし",
}


@dataclass(frozen=True)
class ContractFilter:
    status: str = ""  # a key of rules.CONTRACT_STATUS_LABELS
    due: str = ""  # a key of DUE_FILTERS
    department_id: int | None = None
    text: str = ""  # part of the number, the title or the vendor's name


def visible(query, reader: Reader):
    """Only the contracts of the reader's department, unless the reader sees every department."""
    return visible_to(query, scope_of(reader))


def scope_of(reader: Reader | None) -> int | None:
    """The department whose contracts the reader sees (0: none), None for every department:
    a key of prepared queries."""
    return None if reader is None else reader.department_scope


def visible_to(query, scope: int | None):
    if scope is None:
        return query
    if not scope:
        return query.where(Contract.id.is_null())  # no department: nothing to see
    return query.where(Contract.department == scope)


def _matching(reader: Reader, criteria: ContractFilter, today: dt.date):
    query = (
        Contract.select(Contract, Vendor, Department, RegisterEntry)
        .join(Vendor, on=Contract.vendor == Vendor.id)
        .switch(Contract)
        .join(Department, JOIN.LEFT_OUTER, on=Contract.department == Department.id)
        .switch(Contract)
        .join(RegisterEntry, JOIN.LEFT_OUTER, on=Contract.register_entry == RegisterEntry.id)
    )
    query = visible(query, reader)
    if criteria.status in rules.CONTRACT_STATUS_LABELS:
        query = query.where(Contract.status == criteria.status)
    if criteria.due == OVERDUE:
        query = query.where(Contract.next_due_on < today)
    elif criteria.due == SOON:
        query = query.where(
            Contract.next_due_on.between(today, today + dt.timedelta(days=SOON_DAYS))
        )
    elif criteria.due == NO_DUE:
        query = query.where(Contract.next_due_on.is_null())
    if criteria.department_id:
        query = query.where(Contract.department == criteria.department_id)
    text = (criteria.text or "").strip()[:200]
    if text:
        folded = normalize(text)
        query = query.where(
            Contract.number.contains(folded)
            | Contract.title.contains(text)
            | Vendor.name_normalized.contains(folded)
        )
    return query


def list_contracts(
    reader: Reader,
    criteria: ContractFilter = ContractFilter(),
    *,
    today: dt.date | None = None,
    limit: int = LIST_LIMIT,
) -> list[Contract]:
    """Matching contracts with their vendor, department and register entry, in one query."""
    query = _matching(reader, criteria, today or today_jst())
    order = (Contract.next_due_on.asc(nulls="LAST"), Contract.id)
    return list(query.order_by(*order).limit(limit))


SORTS = {  # a contract without a next due date comes last (first when reversed), as on paper
    "number": (Contract.number,),
    "title": (Contract.title,),
    "vendor": (Vendor.name_normalized,),
    "department": (Department.sort_order,),
    "starts_on": (Contract.starts_on,),
    "ends_on": (Contract.ends_on,),
    "status": (Contract.status,),
    "next_due_on": (Contract.next_due_on.is_null(), Contract.next_due_on),
    "register_entry": (RegisterEntry.name_normalized,),
}


def page_of_contracts(
    reader: Reader,
    criteria: ContractFilter,
    wanted: PageRequest,
    *,
    today: dt.date | None = None,
) -> Page:
    """One page of the matching contracts, sorted and cut in the database: three queries."""
    return page_of(_matching(reader, criteria, today or today_jst()), SORTS, wanted, Contract.id)


# Asked at every fresh dashboard: its text built once per database and department.
_COUNTS = PreparedSelect(
    lambda scope: (
        visible_to(Contract.select(Contract.status, fn.COUNT(Contract.id)), scope)
        .group_by(Contract.status)
        .tuples()
    )
)


def count_by_status(reader: Reader) -> dict[str, int]:
    """How many visible contracts are in each state."""
    counts = dict.fromkeys(rules.CONTRACT_STATUS_LABELS, 0)
    for state, n in _COUNTS.rows(scope_of(reader)):
        counts[state] = counts.get(state, 0) + n
    return counts
