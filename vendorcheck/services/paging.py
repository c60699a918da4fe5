"""One page of a list, sorted and cut in the database: an indexed ORDER BY with LIMIT/OFFSET
and one COUNT, so a list page costs the same queries at any size of the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peewee import Field, Node, SelectQuery

MAX_PER_PAGE = 10_000  # the Excel download of a whole list


@dataclass(frozen=True)
class PageRequest:
    sort: str
    descending: bool = False
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    page: int  # the page shown: the one asked for, or the last one there is


def page_of(
    query: SelectQuery,
    sorts: Mapping[str, Sequence[Field | Node]],
    wanted: PageRequest,
    tie_breaker: Field,
    *,
    counted: SelectQuery | None = None,
) -> Page:
    """Sort by the columns a sort key names (then the tie breaker, same direction), count, and
    fetch the wanted page (clamped to the pages there are): three queries. The database sorts
    narrow rows (the sort columns and the tie breaker) and hands back one page of keys; only
    those rows are then read in full, so a sort without an index stays cheap on a large table.
    `counted`, when given, counts the same rows without the joins the page's columns need."""
    columns = [*sorts[wanted.sort], tie_breaker]
    order = [column.desc() if wanted.descending else column.asc() for column in columns]
    per_page = max(1, min(wanted.per_page, MAX_PER_PAGE))
    total = (counted if counted is not None else query).count()
    page = max(1, min(wanted.page, -(-total // per_page)))
    keys = [
        key
        for (key,) in query.select(tie_breaker).order_by(*order).paginate(page, per_page).tuples()
    ]
    found = {getattr(row, tie_breaker.name): row for row in query.where(tie_breaker.in_(keys))}
    return Page([found[key] for key in keys if key in found], total, page)
