"""The register list page on the list pattern: the filter form, the columns (the same for the
table, the sort links and the Excel download), one page of entries with their flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.services import register_list
from vendorcheck.services.organisation import list_departments
from vendorcheck.web import listing
from vendorcheck.web.forms import Form, choices
from vendorcheck.web.ids import id_or_zero


class EntryFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form

    type = SelectField("種類", validate_choice=False)
    status = SelectField("状態", validate_choice=False)
    department = SelectField("部局", coerce=id_or_zero, validate_choice=False)
    flag = SelectField("要対応の内容", validate_choice=False)
    q = StringField("キーワード", validators=[Length(max=200)])
    flagged = BooleanField("要対応のみ")


@dataclass(frozen=True)
class ListedEntry:
    entry: Any
    flags: tuple[str, ...]


def _flag_text(row: ListedEntry) -> str:
    return "、".join(reg.FLAG_LABELS[f] for f in row.flags)


COLUMNS = [
    listing.Column("id", "番号", lambda r: r.entry.id, css="nowrap"),
    listing.Column("name", "名称", lambda r: r.entry.name),
    listing.Column(
        "type", "種類", lambda r: reg.ENTRY_TYPE_LABELS.get(r.entry.entry_type, ""), css="nowrap"
    ),
    listing.Column(
        "department",
        "部局",
        lambda r: r.entry.department.name if r.entry.department_id else "",
    ),
    listing.Column(
        "status", "状態", lambda r: reg.STATUS_LABELS.get(r.entry.status, ""), css="nowrap"
    ),
    listing.Column("start", "利用開始日", lambda r: r.entry.start_date, css="nowrap"),
    listing.Column("next_review", "次回点検日", lambda r: r.entry.next_review_on, css="nowrap"),
    listing.Column("flags", "要対応", _flag_text, sortable=False),
]


def _filter_form(reader: Reader) -> EntryFilterForm:
    form = EntryFilterForm(request.args)
    form.type.choices = choices([("", "すべて"), *reg.ENTRY_TYPE_LABELS.items()])
    form.status.choices = choices([("", "すべて"), *reg.STATUS_LABELS.items()])
    form.department.choices = choices(
        [(0, "すべて"), *[(d.id, d.name) for d in list_departments() if reader.may_read(d.id)]]
    )
    form.flag.choices = choices(
        [("", "すべて"), *[(k, reg.FLAG_LABELS[k]) for k in register_list.FILTERABLE_FLAGS]]
    )
    form.validate()
    return form


def render(reader: Reader):
    """The list page, or its Excel download (?format=xlsx) of every filtered row."""
    form = _filter_form(reader)
    sort, descending = listing.requested_sort(COLUMNS, "id", True)
    criteria = register_list.EntryFilter(
        entry_type=form.type.data or "",
        status=form.status.data or "",
        department_id=form.department.data or None,
        text=(form.q.data or "")[:200],
        flagged=bool(form.flagged.data),
        flag=form.flag.data or "",
        page=listing.requested_page(),
        sort=sort,
        descending=descending,
    )
    if listing.wants_xlsx():
        everything = register_list.all_entries(reader, criteria, listing.XLSX_ROW_LIMIT)
        rows = [ListedEntry(e, everything.flags[e.id]) for e in everything.rows]
        return listing.xlsx_response("外部サービス・SNS台帳", "register", COLUMNS, rows)
    page = register_list.list_entries(reader, criteria, listing.PER_PAGE)
    entries = listing.paged(
        COLUMNS,
        [ListedEntry(e, page.flags[e.id]) for e in page.rows],
        total=page.total,
        sort=sort,
        descending=descending,
        page=page.page,
        endpoint="registers.index",
    )
    filtered = any(
        (criteria.entry_type, criteria.status, criteria.department_id, criteria.text.strip())
    ) or (criteria.flagged or criteria.flag)
    return render_template(
        "registers/index.html",
        form=form,
        entries=entries,
        filtered=filtered,
        flag_labels=reg.FLAG_LABELS,
        status_labels=reg.STATUS_LABELS,
        type_labels=reg.ENTRY_TYPE_LABELS,
    )
