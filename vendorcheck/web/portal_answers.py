"""The vendor's answers beyond one invitation: start from the last answers given to this
organisation, and the portable answer file (download, and import into this invitation)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from vendorcheck.domain import assessment_status as status
from vendorcheck.services import answer_files, answer_reuse
from vendorcheck.services.answers import vendor_actor
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.errors import NotFound, ServiceError
from vendorcheck.services.organisation import get_organisation
from vendorcheck.web import portal
from vendorcheck.web.auth import client_address
from vendorcheck.web.downloads import attachment

bp = Blueprint("portal_answers", __name__, url_prefix="/p/<token>/answers")
bp.url_value_preprocessor(portal._resolve)
bp.url_defaults(portal._add_token)
bp.errorhandler(portal.PortalError)(portal.portal_error_page)
bp.errorhandler(NotFound)(portal.portal_not_found)


@bp.route("/reuse", methods=["POST"])
def reuse():
    try:
        carried = answer_reuse.start_from_previous(
            g.assessment, vendor_actor(g.assessment, client_address())
        )
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("portal.overview"))
    flash(
        f"前回の回答を {len(carried.copied)} 件読み込みました。各ページで内容を確認して保存してください"
        f"（質問が変わった {len(carried.changed)} 件は「要確認」として写していません）。",
        "success",
    )
    return redirect(url_for("portal.overview"))


def _file_page(carried=None, error: str = "", code: int = 200):
    assessment = g.assessment
    return render_template(
        "portal/answer_file.html",
        assessment=assessment,
        case=assessment.case,
        organisation=get_organisation(),
        questionnaire=questionnaire_of(assessment),
        editable=assessment.status in status.EDITABLE_BY_VENDOR,
        has_submission=assessment.submitted_version > 0,
        carried=carried,
        error=error,
        t=g.t,
    ), code


@bp.route("/file")
def file_page():
    return _file_page()


@bp.route("/file.json")
def file_download():
    data, filename = answer_files.export_answer_file(g.assessment)
    return attachment(data, filename, "application/json", ascii_stem=f"answers-{g.assessment.id}")


@bp.route("/file", methods=["POST"])
def file_import():
    storage = request.files.get("answer_file")
    if storage is None or not storage.filename:
        return _file_page(error="読み込む回答ファイル（.json）を選んでください。", code=400)
    data = storage.read(answer_files.MAX_FILE_BYTES + 1)
    try:
        carried = answer_files.import_answer_file(
            g.assessment, data, vendor_actor(g.assessment, client_address())
        )
    except ServiceError as exc:
        return _file_page(error=exc.message, code=400)
    return _file_page(carried)
