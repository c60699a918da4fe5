"""The list pattern: sortable columns, pages, and an Excel download of the list as filtered.

A view declares its columns once; the same columns give the table headers, the sort keys
and the Excel sheet. Filters stay in the view's form and ride along in every link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request, url_for

from vendorcheck.documents.xlsx_export import to_xlsx_bytes
from vendorcheck.domain.jp import JST
from vendorcheck.domain.uploads import XLSX_TYPE
from vendorcheck.services.paging import Page, PageRequest
from vendorcheck.web.downloads import attachment

PER_PAGE = 50
XLSX_ROW_LIMIT = 10_000
_PAGING_ARGS = {"page", "sort", "order", "format"}


@dataclass(frozen=True)
class Column:
    """One column: its header, the plain value that sorts it and fills the Excel cell."""

    key: str
    label: str
    value: Callable[[Any], object]
    sortable: bool = True
    css: str = ""  # "nowrap" for dates, marks and numbers that must not wrap


@dataclass
class Listing:
    columns: Sequence[Column]
    rows: list
    total: int
    page: int
    per_page: int
    sort: str
    descending: bool
    endpoint: str
    view_args: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    more: bool = False  # total is a bound: more rows match than were counted

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        return min(self.page * self.per_page, self.total)

    def url(self, **changes: object) -> str:
        values = {"sort": self.sort, "order": "desc" if self.descending else "asc"}
        values.update(self.filters)
        values.update(changes)
        kept = {k: v for k, v in values.items() if v is not None and v != ""}
        if kept.get("page") == 1:
            kept.pop("page")
        return url_for(self.endpoint, **self.view_args, **kept)

    def sort_url(self, column: Column) -> str:
        descending = not self.descending if column.key == self.sort else False
        return self.url(sort=column.key, order="desc" if descending else "asc", page=None)

    def aria_sort(self, column: Column) -> str:
        if column.key != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"

    def page_url(self, page: int) -> str:
        return self.url(page=page)

    def xlsx_url(self) -> str:
        return self.url(format="xlsx", page=None)

    def page_numbers(self) -> list[int | None]:
        """Pages to link: the first, the last and two either side of this one (None: a gap)."""
        wanted = {1, self.pages, *range(self.page - 2, self.page + 3)}
        shown = sorted(p for p in wanted if 1 <= p <= self.pages)
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def requested_sort(columns: Sequence[Column], default: str, descending: bool) -> tuple[str, bool]:
    """The sort the address asks for, when it names a sortable column; else the default."""
    keys = {c.key for c in columns if c.sortable}
    sort = request.args.get("sort", "")
    if sort not in keys:
        return default, descending
    return sort, request.args.get("order", "asc") == "desc"


def requested_page() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return max(1, min(page, 100_000))


def filter_args() -> dict[str, str]:
    """The filter values of this request, to carry into sort, page and download links."""
    return {k: v for k, v in request.args.items() if k not in _PAGING_ARGS and v}


def paged(
    columns: Sequence[Column],
    rows: list,
    *,
    total: int,
    sort: str,
    descending: bool,
    page: int,
    endpoint: str,
    per_page: int = PER_PAGE,
    view_args: dict | None = None,
    more: bool = False,
) -> Listing:
    """A listing whose rows the service already sorted and cut to one page."""
    return Listing(
        columns=columns,
        rows=rows,
        total=total,
        page=page,
        per_page=per_page,
        sort=sort,
        descending=descending,
        endpoint=endpoint,
        view_args=view_args or {},
        filters=filter_args(),
        more=more,
    )


def from_database(
    columns: Sequence[Column],
    fetch: Callable[[PageRequest], Page],
    *,
    endpoint: str,
    default_sort: str,
    descending: bool = False,
    per_page: int = PER_PAGE,
    view_args: dict | None = None,
) -> tuple[Listing, Callable[[], list]]:
    """A listing whose sorting and paging the database does (services/paging.py); also the
    function that fetches every row, sorted the same way, for the Excel download."""
    sort, desc = requested_sort(columns, default_sort, descending)
    found = fetch(PageRequest(sort, desc, requested_page(), per_page))
    listing = Listing(
        columns=columns,
        rows=found.rows,
        total=found.total,
        page=found.page,
        per_page=per_page,
        sort=sort,
        descending=desc,
        endpoint=endpoint,
        view_args=view_args or {},
        filters=filter_args(),
    )
    return listing, lambda: fetch(PageRequest(sort, desc, 1, XLSX_ROW_LIMIT)).rows


def wants_xlsx() -> bool:
    return request.args.get("format") == "xlsx"


def xlsx_response(
    title: str, ascii_stem: str, columns: Sequence[Column], rows: Iterable
) -> Response:
    """The list as filtered and sorted, every page of it, as an Excel workbook."""
    values = (
        [column.value(row) for column in columns]
        for number, row in enumerate(rows)
        if number < XLSX_ROW_LIMIT
    )
    data = to_xlsx_bytes(title, [c.label for c in columns], values)
    stamp = dt.datetime.now(JST).strftime("%Y%m%d-%H%M")
    return attachment(data, f"{title}-{stamp}.xlsx", XLSX_TYPE, ascii_stem=f"{ascii_stem}-{stamp}")
