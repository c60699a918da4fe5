"""The audit log (AUD-01): filter, sort and page on screen; export as CSV or Excel."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, request, stream_with_context

from vendorcheck.documents.csv_export import iter_csv
from vendorcheck.domain.jp import in_japan, now_jst, utc_start_of
from vendorcheck.domain.uploads import CSV_TYPE
from vendorcheck.services import audit
from vendorcheck.web import listing
from vendorcheck.web.auth import require
from vendorcheck.web.forms import AuditFilterForm, choices

bp = Blueprint("audit_log", __name__, url_prefix="/audit")

PER_PAGE = 50

COLUMNS = [
    listing.Column("at", "日時", lambda e: in_japan(e.at).replace(tzinfo=None), css="nowrap"),
    listing.Column("actor", "操作者", lambda e: e.actor_label),
    listing.Column("action", "操作", lambda e: e.action),
    listing.Column("object", "対象", lambda e: f"{e.object_type} {e.object_id}".strip()),
    listing.Column("summary", "内容", lambda e: e.summary, sortable=False),
    listing.Column("address", "接続元", lambda e: e.client_address, sortable=False),
]


def _criteria() -> tuple[AuditFilterForm, audit.AuditFilter, bool]:
    form = AuditFilterForm(request.args)
    form.action.choices = choices([("", "すべて"), *[(a, a) for a in audit.known_actions()]])
    form.object_type.choices = choices(
        [("", "すべて"), *[(t, t) for t in audit.known_object_types()]]
    )
    valid = form.validate() if request.args else True
    if not valid:
        return form, audit.AuditFilter(), False
    sort, descending = listing.requested_sort(COLUMNS, "at", True)
    criteria = audit.AuditFilter(
        action=form.action.data or "",
        object_type=form.object_type.data or "",
        actor=(form.actor.data or "").strip(),
        text=form.text.data or "",
        order=sort,
        descending=descending,
        since=utc_start_of(form.since.data) if form.since.data else None,
        until=utc_start_of(form.until.data + dt.timedelta(days=1)) if form.until.data else None,
    )
    return form, criteria, True


@bp.route("/")
@require("view_audit")
def index():
    form, criteria, valid = _criteria()
    if valid and listing.wants_xlsx():
        return listing.xlsx_response("監査ログ", "audit", COLUMNS, audit.iter_all(criteria))
    found = (
        audit.search(criteria, page=listing.requested_page(), per_page=PER_PAGE)
        if valid
        else audit.EventPage([], 0, 1, False)
    )
    log = listing.paged(
        COLUMNS,
        found.rows,
        total=found.total,
        sort=criteria.order,
        descending=criteria.descending,
        page=found.page,
        endpoint="audit_log.index",
        per_page=PER_PAGE,
        more=found.more,
    )
    args = listing.filter_args()
    return render_template("audit/index.html", form=form, log=log, args=args), (
        200 if valid else 400
    )


@bp.route("/export.csv")
@require("view_audit")
def export_csv():
    _form, criteria, valid = _criteria()
    if not valid:
        return index()
    header = (
        "日時（日本時間）",
        "操作者の種類",
        "操作者",
        "操作",
        "対象の種類",
        "対象 ID",
        "内容",
        "変更前",
        "変更後",
        "接続元",
    )

    rows = (
        (
            in_japan(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_kind,
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            e.summary,
            e.before,
            e.after,
            e.client_address,
        )
        for e in audit.iter_all(criteria)
    )

    filename = f"audit-{now_jst():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(iter_csv(header, rows)),
        content_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
