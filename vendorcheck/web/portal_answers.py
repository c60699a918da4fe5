"""The vendor's answers beyond one invitation: start from the last answers given to this
organisation, and the portable answer file (download, and import into this invitation)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for

from vendorcheck.services import answer_reuse
from vendorcheck.services.answers import vendor_actor
from vendorcheck.services.errors import NotFound, ServiceError
from vendorcheck.web import portal
from vendorcheck.web.auth import client_address

bp = Blueprint("portal_answers", __name__, url_prefix="/p/<token>/answers")
bp.url_value_preprocessor(portal._resolve)
bp.url_defaults(portal._add_token)
bp.errorhandler(portal.PortalError)(portal._portal_error)
bp.errorhandler(NotFound)(portal._not_found)


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
