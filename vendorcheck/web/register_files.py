"""Register downloads (Word, CSV, Excel; whole or one department) and the import of existing
registers with a dry run that lists every rejected row before anything is written."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request

from vendorcheck.services import register_exports, register_import
from vendorcheck.services.errors import NotFound, ServiceError
from vendorcheck.services.organisation import list_departments
from vendorcheck.web.auth import current_actor, current_reader, require
from vendorcheck.web.downloads import attachment
from vendorcheck.web.forms import Form

bp = Blueprint("register_files", __name__, url_prefix="/registers")


def _page(report=None, error=None, status=200):
    reader = current_reader()
    return render_template(
        "registers/files.html",
        departments=[d for d in list_departments() if reader.may_read(d.id)],
        report=report,
        error=error,
        formats=register_exports.FORMATS,
    ), status


@bp.route("/files")
@require("view")
def export_page():
    return _page()


@bp.route("/export.<file_format>")
@require("view")
def export(file_format: str):
    if file_format not in register_exports.FORMATS:
        raise NotFound(
            "この形式では台帳を出力できません。Word・CSV・Excel のいずれかを選んでください。"
        )
    department = request.args.get("department", "").strip() or None
    try:
        result = register_exports.export_register(current_reader(), file_format, department)
    except ServiceError as exc:
        return _page(error=exc.message, status=400)
    return attachment(result.data, result.filename, result.content_type, ascii_stem="register")


@bp.route("/import", methods=["POST"])
@require("manage_cases")
def import_file():
    if not Form().validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(error="取り込むファイルを選んでください。", status=400)
    reader = current_reader()
    dry_run = request.form.get("confirm") != "1"
    try:
        register_import.ensure_may_import(reader)
        report = register_import.import_register(
            current_actor(),
            reader,
            upload.read(register_import.MAX_BYTES + 1),
            dry_run=dry_run,
        )
    except ServiceError as exc:
        return _page(error=exc.message, status=400)
    if report.written:
        flash(f"{report.accepted} 件を台帳に取り込みました。", "success")
    return _page(report=report, status=200 if not report.rejected else 400)
