"""The audit log (AUD-01): filter on screen, export as CSV."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, request, stream_with_context

from vendorcheck.documents.csv_export import iter_csv
from vendorcheck.domain.jp import now_jst, utc_start_of
from vendorcheck.services import audit
from vendorcheck.web.auth import require
from vendorcheck.web.downloads import CSV_TYPE
from vendorcheck.web.forms import AuditFilterForm, choices
from vendorcheck.web.template_helpers import jst

bp = Blueprint("audit_log", __name__, url_prefix="/audit")

PER_PAGE = 50


def _criteria() -> tuple[AuditFilterForm, audit.AuditFilter, bool]:
    form = AuditFilterForm(request.args)
    form.action.choices = choices([("", "すべて"), *[(a, a) for a in audit.known_actions()]])
    form.object_type.choices = choices(
        [("", "すべて"), *[(t, t) for t in audit.known_object_types()]]
    )
    valid = form.validate() if request.args else True
    if not valid:
        return form, audit.AuditFilter(), False
    criteria = audit.AuditFilter(
        action=form.action.data or "",
        object_type=form.object_type.data or "",
        actor=(form.actor.data or "").strip(),
        since=utc_start_of(form.since.data) if form.since.data else None,
        until=utc_start_of(form.until.data + dt.timedelta(days=1)) if form.until.data else None,
    )
    return form, criteria, True


@bp.route("/")
@require("view_audit")
def index():
    form, criteria, valid = _criteria()
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 10**6)
    events, total = audit.search(criteria, page=page, per_page=PER_PAGE) if valid else ([], 0)
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "audit/index.html", form=form, events=events, total=total, page=page, pages=pages, args=args
    ), (200 if valid else 400)


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
            jst(e.at, "%Y-%m-%d %H:%M:%S"),
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
