"""The Excel チェックシート pages: download, upload, preview and confirm, for the vendor (under its
link) and for staff (importing a sheet received by mail on the vendor's behalf)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.uploads import XLSX_TYPE
from vendorcheck.services import checksheets as checksheet_service
from vendorcheck.services.answers import vendor_actor
from vendorcheck.services.assessments import get_assessment
from vendorcheck.services.checksheet_download import build_checksheet
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.organisation import get_organisation
from vendorcheck.web import portal
from vendorcheck.web.auth import client_address, current_actor, require
from vendorcheck.web.downloads import attachment, name_part
from vendorcheck.web.ids import parse_id

if TYPE_CHECKING:  # for annotations only: the web reads the store through services
    from vendorcheck.store.models import Assessment

NO_FILE = "アップロードするチェックシート（.xlsx）を選んでください。"

portal_bp = Blueprint("portal_checksheet", __name__, url_prefix="/p/<token>/checksheet")
portal_bp.url_value_preprocessor(portal._resolve)
portal_bp.url_defaults(portal._add_token)
portal_bp.errorhandler(portal.PortalError)(portal.portal_error_page)
portal_bp.errorhandler(NotFound)(portal.portal_not_found)

staff_bp = Blueprint("checksheets", __name__, url_prefix="/assessments/<int:assessment_id>")


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _download(assessment: Assessment):
    data, filename = build_checksheet(assessment, _secret())
    safe = name_part(filename.removesuffix(".xlsx"), limit=120, default="checksheet") + ".xlsx"
    return attachment(data, safe, XLSX_TYPE, ascii_stem=f"checksheet-{assessment.id}")


def _uploaded() -> tuple[str, bytes] | None:
    storage = request.files.get("workbook")
    if storage is None or not storage.filename:
        return None
    limit = current_app.config["MAX_EVIDENCE_MB"] * 1024 * 1024
    return storage.filename, storage.read(limit + 1)


def _revision() -> int | None:
    return parse_id(request.form.get("revision", ""))


# The vendor, under its link.


def _portal_page(preview=None, error: str = "", code: int = 200):
    assessment: Assessment = g.assessment
    return render_template(
        "checksheets/portal.html",
        assessment=assessment,
        case=assessment.case,
        organisation=get_organisation(),
        editable=assessment.status in status.EDITABLE_BY_VENDOR,
        preview=preview,
        error=error,
        t=g.t,
    ), code


@portal_bp.route("/")
def portal_page():
    return _portal_page()


@portal_bp.route("/download")
def portal_download():
    return _download(g.assessment)


@portal_bp.route("/", methods=["POST"])
def portal_upload():
    upload = _uploaded()
    if upload is None:
        return _portal_page(error=NO_FILE, code=400)
    actor = vendor_actor(g.assessment, client_address())
    try:
        preview = checksheet_service.upload(g.assessment, *upload, _secret(), actor)
    except Conflict as exc:
        return _portal_page(error=exc.message, code=409)
    except ServiceError as exc:
        return _portal_page(error=exc.message, code=400)
    return _portal_page(preview)


@portal_bp.route("/<int:upload_id>/confirm", methods=["POST"])
def portal_confirm(upload_id: int):
    revision = _revision()
    actor = vendor_actor(g.assessment, client_address())
    try:
        if revision is None:
            raise Conflict(checksheet_service.STALE_UPLOAD)
        preview = checksheet_service.confirm(g.assessment, upload_id, revision, _secret(), actor)
    except Conflict as exc:
        return _portal_page(error=exc.message, code=409)
    except ServiceError as exc:
        return _portal_page(error=exc.message, code=400)
    flash(f"チェックシートの回答を保存しました（変更 {len(preview.changes)} 件）。", "success")
    return redirect(url_for("portal.confirm"))


# Staff, importing a sheet received by mail.


def _staff_page(assessment: Assessment, preview=None, error: str = "", code: int = 200):
    return render_template(
        "checksheets/staff.html",
        assessment=assessment,
        case=assessment.case,
        vendor=assessment.vendor,
        editable=assessment.status in status.EDITABLE_BY_VENDOR,
        preview=preview,
        error=error,
    ), code


@staff_bp.route("/checksheet.xlsx")
@require("view")
def staff_download(assessment_id: int):
    found = get_assessment(assessment_id)  # NotFound: the 404 page
    return _download(found)


@staff_bp.route("/checksheet")
@require("manage_cases")
def staff_page(assessment_id: int):
    found = get_assessment(assessment_id)  # NotFound: the 404 page
    return _staff_page(found)


@staff_bp.route("/checksheet", methods=["POST"])
@require("manage_cases")
def staff_upload(assessment_id: int):
    found = get_assessment(assessment_id)  # NotFound: the 404 page
    upload = _uploaded()
    if upload is None:
        return _staff_page(found, error=NO_FILE, code=400)
    try:
        preview = checksheet_service.upload(
            found, *upload, _secret(), current_actor(), entered_by=g.staff
        )
    except Conflict as exc:
        return _staff_page(found, error=exc.message, code=409)
    except ServiceError as exc:
        return _staff_page(found, error=exc.message, code=400)
    return _staff_page(found, preview)


@staff_bp.route("/checksheet/<int:upload_id>/confirm", methods=["POST"])
@require("manage_cases")
def staff_confirm(assessment_id: int, upload_id: int):
    found = get_assessment(assessment_id)  # NotFound: the 404 page
    revision = _revision()
    try:
        if revision is None:
            raise Conflict(checksheet_service.STALE_UPLOAD)
        preview = checksheet_service.confirm(
            found, upload_id, revision, _secret(), current_actor(), by_staff=True
        )
    except Conflict as exc:
        return _staff_page(found, error=exc.message, code=409)
    except ServiceError as exc:
        return _staff_page(found, error=exc.message, code=400)
    flash(
        f"チェックシートの回答を事業者に代わって保存しました（変更 {len(preview.changes)} 件）。事業者にメールで知らせます。",
        "success",
    )
    return redirect(url_for("review.assessment", assessment_id=found.id))
