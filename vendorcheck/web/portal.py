"""The vendor portal: no account, one hashed link per assessment, every page scoped to it."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import FileStorage

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.uploads import UploadRejected
from vendorcheck.services import answers as answer_service
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, TooManyAttempts
from vendorcheck.services.invitations import LinkGone, LinkSettings, questionnaire_of, resolve_link
from vendorcheck.services.organisation import get_organisation
from vendorcheck.services.review import comments_by_question
from vendorcheck.store.models import Assessment
from vendorcheck.web.auth import client_address
from vendorcheck.web.downloads import attachment
from vendorcheck.web.portal_text import TEXT

bp = Blueprint("portal", __name__, url_prefix="/p/<token>")


class PortalError(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code, self.message = status_code, message


def link_settings() -> LinkSettings:
    config = current_app.config
    return LinkSettings(
        config["BASE_URL"], config["VENDOR_LINK_DAYS"], config["PORTAL_MAX_FAILURES_PER_ADDRESS"]
    )


@bp.url_value_preprocessor
def _resolve(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.referrer_policy = "no-referrer"  # the token is in the URL: never send it elsewhere
    token = (values or {}).pop("token", "")
    try:
        assessment = resolve_link(token, client_address(), link_settings())
    except TooManyAttempts as exc:
        raise PortalError(429, exc.message) from exc
    except LinkGone as exc:
        raise PortalError(410, exc.message) from exc
    except NotFound as exc:
        raise PortalError(404, exc.message) from exc
    g.token, g.assessment = token, assessment
    g.lang = assessment.language if assessment.language in TEXT else "ja"
    g.t = TEXT[g.lang]


@bp.url_defaults
def _add_token(_endpoint: str, values: dict[str, Any]) -> None:
    if "token" not in values and g.get("token"):
        values["token"] = g.token


@bp.errorhandler(PortalError)
def _portal_error(error: PortalError):
    titles = {
        404: "リンクが正しくありません",
        410: "このリンクは無効になりました",
        429: "しばらく時間をおいてください",
    }
    return render_template(
        "portal/error.html", title=titles.get(error.status_code, "エラー"), message=error.message
    ), error.status_code


def _context(questionnaire: Questionnaire, draft: answer_service.Draft) -> dict[str, Any]:
    assessment: Assessment = g.assessment
    tier = assessment.case.tier
    applicable = questionnaire.applicable_questions(draft.answers, tier)
    progress = {p.section_id: p for p in questionnaire.progress(draft.answers, tier)}
    return {
        "assessment": assessment,
        "case": assessment.case,
        "organisation": get_organisation(),
        "questionnaire": questionnaire,
        "tier": tier,
        "lang": g.lang,
        "t": g.t,
        "applicable": applicable,
        "progress": progress,
        "editable": assessment.status in status.EDITABLE_BY_VENDOR,
        "status_label": (status.LABELS_EN if g.lang == "en" else status.LABELS)[assessment.status],
        "visible_sections": [
            s for s in questionnaire.sections if any(q.id in applicable for q in s.questions)
        ],
    }


def _errors_from_draft(questionnaire: Questionnaire, draft: answer_service.Draft) -> dict[str, str]:
    """Re-validate what failed before, so the messages show again after a reload."""
    errors = {}
    for question_id, raw in draft.invalid.items():
        try:
            _, error = questionnaire.question(question_id).clean(raw)
        except KeyError:
            continue
        if error:
            errors[question_id] = error
    return errors


def _evidence_items(section_questions: set[str]) -> dict[str, list[dict[str, Any]]]:
    items: dict[str, list[dict[str, Any]]] = {}
    for evidence in answer_service.active_evidence(g.assessment):
        if evidence.question_id in section_questions:
            items.setdefault(evidence.question_id, []).append(
                {
                    "id": evidence.id,
                    "filename": evidence.filename,
                    "size": evidence.size,
                    "url": url_for("portal.evidence", evidence_id=evidence.id),
                }
            )
    return items


@bp.route("/")
def overview():
    questionnaire = questionnaire_of(g.assessment)
    draft = answer_service.read_draft(g.assessment)
    context = _context(questionnaire, draft)
    general = [c.body for c in comments_by_question(g.assessment).get("", [])]
    return render_template(
        "portal/overview.html",
        **context,
        general_comments=general,
        readiness=answer_service.readiness(g.assessment, questionnaire),
    )


def _off_page_context(
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


def _render_section(section_id: str, errors: dict[str, str] | None = None, status_code: int = 200):
    assessment: Assessment = g.assessment
    questionnaire = questionnaire_of(assessment)
    section = next((s for s in questionnaire.sections if s.id == section_id), None)
    if section is None:
        raise PortalError(404, "指定されたページはありません。")
    draft = answer_service.read_draft(assessment)
    context = _context(questionnaire, draft)
    shown_answers = {**draft.answers, **draft.invalid}
    all_errors = {**_errors_from_draft(questionnaire, draft), **(errors or {})}
    sections = context["visible_sections"]
    position = next((i for i, s in enumerate(sections) if s.id == section_id), None)
    next_section = (
        sections[position + 1] if position is not None and position + 1 < len(sections) else None
    )
    return render_template(
        "portal/section.html",
        **context,
        section=section,
        answers=shown_answers,
        errors=all_errors,
        comments={
            qid: [c.body for c in rows]
            for qid, rows in comments_by_question(assessment).items()
            if qid
        },
        evidence=_evidence_items({q.id for q in section.questions}),
        next_section=next_section,
        off_page=_off_page_context(questionnaire, section.id, draft.answers, context["applicable"]),
        max_evidence_mb=current_app.config["MAX_EVIDENCE_MB"],
    ), status_code


@bp.route("/s/<section_id>")
def section(section_id: str):
    return _render_section(section_id)


def _uploads() -> list[tuple[str, FileStorage]]:
    return [
        (name.removeprefix("file__"), storage)
        for name, storage in request.files.items(multi=True)
        if name.startswith("file__") and storage and storage.filename
    ]


def _form_revision() -> int:
    try:
        return int(request.form.get("revision", ""))
    except ValueError:
        abort(400)


@bp.route("/s/<section_id>", methods=["POST"])
def save(section_id: str):
    """Save the section (the button or no-JS path), attach uploads, remove files, then move on."""
    assessment: Assessment = g.assessment
    try:
        result = answer_service.save_section(
            assessment, section_id, request.form.to_dict(flat=False), _form_revision()
        )
    except NotFound as exc:
        raise PortalError(404, exc.message) from exc
    except Conflict as exc:
        flash(exc.message, "error")
        return _render_section(section_id, status_code=409)
    errors = dict(result.errors)
    assessment = g.assessment = answer_service.refreshed(assessment)
    max_bytes = current_app.config["MAX_EVIDENCE_MB"] * 1024 * 1024
    for question_id, storage in _uploads():
        try:
            answer_service.add_evidence(
                assessment,
                question_id,
                storage.filename or "",
                storage.read(max_bytes + 1),
                max_bytes=max_bytes,
            )
        except (UploadRejected, ServiceError) as exc:
            errors[question_id] = (
                f"「{storage.filename}」を添付できませんでした: {getattr(exc, 'message', str(exc))}"
            )
        g.assessment = assessment = answer_service.refreshed(assessment)
    remove = request.form.get("remove_evidence", "")
    if remove.isdigit():
        try:
            removed = answer_service.remove_evidence(assessment, int(remove))
            flash(g.t["removed"].format(name=removed.filename), "success")
        except ServiceError as exc:
            flash(exc.message, "error")
        return redirect(url_for("portal.section", section_id=section_id) + "#attachments")
    if errors:
        return _render_section(section_id, errors, 400)
    flash(g.t["saved"], "success")
    if request.form.get("action") == "next":
        target = request.form.get("next_section", "")
        questionnaire = questionnaire_of(assessment)
        if target and any(s.id == target for s in questionnaire.sections):
            return redirect(url_for("portal.section", section_id=target))
        return redirect(url_for("portal.confirm"))
    return redirect(url_for("portal.section", section_id=section_id))


@bp.route("/autosave", methods=["POST"])
def autosave():
    """Save one section from JavaScript; 409 with a message when a newer save exists."""
    section_id = request.form.get("section_id", "")
    try:
        result = answer_service.save_section(
            g.assessment, section_id, request.form.to_dict(flat=False), _form_revision()
        )
    except NotFound as exc:
        return jsonify(ok=False, message=exc.message), 404
    except Conflict as exc:
        return jsonify(ok=False, conflict=True, message=exc.message), 409
    assessment = answer_service.refreshed(g.assessment)
    questionnaire = questionnaire_of(assessment)
    draft = answer_service.read_draft(assessment)
    progress = {
        p.section_id: {"answered": p.answered, "required": p.required}
        for p in questionnaire.progress(draft.answers, assessment.case.tier)
    }
    return jsonify(
        ok=True,
        revision=result.revision,
        errors=result.errors,
        progress=progress,
        saved_at=f"{assessment.last_saved_at:%H:%M}",
        message=g.t["autosaved"],
    )


@bp.route("/confirm")
def confirm():
    questionnaire = questionnaire_of(g.assessment)
    draft = answer_service.read_draft(g.assessment)
    check = answer_service.readiness(g.assessment, questionnaire)
    return render_template("portal/confirm.html", **_context(questionnaire, draft), readiness=check)


@bp.route("/submit", methods=["POST"])
def submit():
    from vendorcheck.services.answers import vendor_actor

    try:
        submission = answer_service.submit(
            g.assessment, _form_revision(), vendor_actor(g.assessment, client_address())
        )
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("portal.overview"))
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("portal.confirm"))
    flash(g.t["submitted"].format(version=submission.version), "success")
    return redirect(url_for("portal.overview"))


@bp.route("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    try:
        item = answer_service.evidence_for_vendor(g.assessment, evidence_id)
    except NotFound as exc:
        raise PortalError(404, exc.message) from exc
    return attachment(
        bytes(item.data), item.filename, item.content_type, ascii_stem=f"evidence-{item.id}"
    )
