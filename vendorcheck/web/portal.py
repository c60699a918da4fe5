"""The vendor portal: no account, one hashed link per assessment, every page scoped to it.
This module holds the blueprint and the link check every portal page passes through, the
portal's error pages and the file download; the pages are in portal_pages.py and the saves
(the save button, the autosave, the submit) in portal_saves.py."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, g, jsonify, render_template, request

from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import answers as answer_service
from vendorcheck.services.errors import NotFound, ServiceError, TooManyAttempts
from vendorcheck.services.invitations import LinkGone, LinkSettings, resolve_link
from vendorcheck.services.organisation import requesting_contact
from vendorcheck.web.auth import client_address
from vendorcheck.web.downloads import attachment
from vendorcheck.web.portal_text import TEXT

bp = Blueprint("portal", __name__, url_prefix="/p/<token>")


class PortalError(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code, self.message = status_code, message


def link_error(error: ServiceError) -> PortalError:
    """The page a revoked, expired or throttled vendor link (of any kind) gets: 410 or 429."""
    if isinstance(error, TooManyAttempts):
        return PortalError(429, error.message)
    if isinstance(error, LinkGone):
        return PortalError(410, error.message)
    return PortalError(404, error.message)


@bp.url_value_preprocessor
def _resolve(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.referrer_policy = "no-referrer"  # the token is in the URL: never send it elsewhere
    token = (values or {}).pop("token", "")
    try:
        assessment = resolve_link(
            token, client_address(), LinkSettings.from_config(current_app.config)
        )
    except (TooManyAttempts, LinkGone) as exc:
        raise link_error(exc) from exc
    g.token, g.assessment = token, assessment
    g.portal_contact = requesting_contact(assessment)  # the help box on every portal page
    g.lang = assessment.language if assessment.language in TEXT else "ja"
    g.t = TEXT[g.lang]


@bp.url_defaults
def _add_token(_endpoint: str, values: dict[str, Any]) -> None:
    if "token" not in values and g.get("token"):
        values["token"] = g.token


@bp.errorhandler(NotFound)
def portal_not_found(error: NotFound):
    """Nothing under a vendor link has that id: the portal's own 404 (JSON for the autosave);
    every blueprint under a vendor link (assessment or contract) answers NotFound with it."""
    if request.endpoint == "portal.autosave":
        return jsonify(ok=False, message=error.message), 404
    return portal_error_page(PortalError(404, error.message))


@bp.errorhandler(PortalError)
def portal_error_page(error: PortalError):
    """The vendor-facing error page (no staff navigation, no-referrer) for portal errors."""
    titles = {
        404: "リンクが正しくありません",
        410: "このリンクは無効になりました",
        429: "しばらく時間をおいてください",
    }
    return render_template(
        "portal/error.html", title=titles.get(error.status_code, "エラー"), message=error.message
    ), error.status_code


def off_page_context(
    questionnaire: Questionnaire, section_id: str, answers: dict, applicable: set[str]
) -> str:
    """Answers of the other sections, for conditions.js to evaluate conditions across pages."""
    off_page = [q for q in questionnaire.questions if q.section_id != section_id]
    data = {
        "answers": {q.id: _as_list(answers.get(q.id)) for q in off_page if q.id in answers},
        "applies": {q.id: q.id in applicable for q in off_page},
    }
    return json.dumps(data, ensure_ascii=False)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


@bp.route("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    item = answer_service.evidence_for_vendor(g.assessment, evidence_id)
    return attachment(
        bytes(item.data), item.filename, item.content_type, ascii_stem=f"evidence-{item.id}"
    )
