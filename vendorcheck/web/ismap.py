"""The ISMAP lists for staff: search by service, provider or number; last sync; last import;
importing a list file (CSV, XLSX or the saved list page) with a trial run first."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from vendorcheck.domain import ismap as lists
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import ismap as ismap_service
from vendorcheck.services import ismap_import
from vendorcheck.services.paging import Page
from vendorcheck.web import listing
from vendorcheck.web.auth import current_actor, require

bp = Blueprint("ismap", __name__, url_prefix="/ismap")


def _page(status: int = 200, **extra):
    q = (request.args.get("q") or "").strip()[:200]
    list_kind = request.args.get("list") or ""
    removed = request.args.get("removed") == "1"
    searched = bool(q or list_kind or removed)
    found = (
        ismap_service.page_of_search(
            q, list_kind, removed, page=listing.requested_page(), per_page=listing.PER_PAGE
        )
        if searched
        else Page([], 0, 1)
    )
    pages = listing.paged(
        [], found.rows, total=found.total, sort="number", descending=False, page=found.page,
        endpoint="ismap.index",
    )  # fmt: skip
    return render_template(
        "ismap/index.html",
        q=q,
        list_kind=list_kind if list_kind in lists.LIST_NAMES else "",
        removed=removed,
        searched=searched,
        entries=pages,
        list_names=lists.LIST_NAMES,
        status=ismap_service.list_status(),
        today=today_jst(),
        **extra,
    ), status


@bp.route("/")
@require("view")
def index():
    return _page()


@bp.route("/import", methods=["POST"])
@require("approve")
def import_file():
    upload = request.files.get("file")
    dry_run = request.form.get("dry_run") == "1"
    if upload is None or not upload.filename:
        return _page(400, import_error="取り込むファイルを選んでください。")
    settings = ismap_import.ListSettings.from_config(current_app.config)
    data = upload.read(settings.max_bytes + 1)
    try:
        report = ismap_import.import_file(
            data, upload.filename, settings, current_actor(), dry_run=dry_run
        )
    except ismap_import.ImportRefused as exc:
        lines = exc.report.lines()[1:] if exc.report else []
        return _page(400, import_error=exc.message, import_lines=lines)
    if dry_run:
        return _page(200, import_lines=report.lines(), trial=True)
    flash(
        f"リストを取り込みました（追加 {len(report.added)} 件、変更 {len(report.changed)} 件、"
        f"削除 {len(report.removed)} 件、取り込めなかった行 {len(report.rejected)} 件）。",
        "success",
    )
    return redirect(url_for("ismap.index"))
