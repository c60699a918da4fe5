"""The vendor portal's saves: a section with its uploads and a removal (the button, also
without JavaScript), the autosave from JavaScript, and the submit. Each is one service call
in one transaction; a refused save shows the section again with what the vendor typed."""

from __future__ import annotations

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for

from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import questionnaire_of, refreshed
from vendorcheck.services.errors import Conflict, ServiceError
from vendorcheck.services.evidence_quota import quota_from_settings
from vendorcheck.services.refused_saves import stale_answers, typed_draft
from vendorcheck.web.auth import client_address
from vendorcheck.web.ids import parse_id
from vendorcheck.web.portal import bp
from vendorcheck.web.portal_pages import render_section
from vendorcheck.web.template_helpers import jst_filter, jst_time_filter


def _uploads() -> list[answer_service.Upload]:
    limit = _max_bytes() + 1  # one byte more than allowed is enough to refuse
    return [
        answer_service.Upload(
            name.removeprefix("file__"), storage.filename or "", storage.read(limit)
        )
        for name, storage in request.files.items(multi=True)
        if name.startswith("file__") and storage and storage.filename
    ]


def _max_bytes() -> int:
    return current_app.config["MAX_EVIDENCE_MB"] * 1024 * 1024


def _form_revision() -> int:
    revision = parse_id(request.form.get("revision"))
    if revision is None:
        abort(400)
    return revision


def _form_removal() -> int | None:
    """The evidence id the vendor asked to remove (none when the field is empty)."""
    remove = request.form.get("remove_evidence", "")
    if not remove:
        return None
    evidence_id = parse_id(remove)
    if evidence_id is None:
        abort(400)
    return evidence_id


def _save(section_id: str) -> answer_service.SaveResult:
    """The one save of a section: answers, uploads and a removal, as the vendor posted them."""
    return answer_service.save_section(
        g.assessment,
        section_id,
        request.form.to_dict(flat=False),
        _form_revision(),
        uploads=_uploads(),
        remove_evidence=_form_removal(),
        actor=answer_service.vendor_actor(g.assessment, client_address()),
        max_bytes=_max_bytes(),
        quota=quota_from_settings(current_app.config),
    )


def _shown_questions_changed(result: answer_service.SaveResult) -> bool:
    """Did the answers just saved show or hide questions the page did not show (no JavaScript)?"""
    shown = request.form.get("shown")
    return shown is not None and set(shown.split()) != result.applicable


@bp.route("/s/<section_id>", methods=["POST"])
def save(section_id: str):
    """Save the section (the button or no-JS path), attach uploads, remove files, then move on."""
    form = request.form.to_dict(flat=False)
    try:
        result = _save(section_id)
    except answer_service.StaleSave as exc:
        stale = stale_answers(g.assessment, section_id, form, g.lang)
        typed, errors, _changed = typed_draft(g.assessment, section_id, form)
        g.assessment = refreshed(g.assessment)  # the newest revision: saving again keeps the input
        flash(exc.message, "error")
        return render_section(section_id, errors, 409, draft=typed, stale=stale)
    except Conflict as exc:  # submitted meanwhile (another tab): show it as it is now
        g.assessment = refreshed(g.assessment)
        flash(exc.message, "error")
        return render_section(section_id, status_code=409)
    except answer_service.SaveRefused as exc:
        if not exc.errors:  # a file to remove is gone: say so above the form
            flash(exc.message, "error")
        typed, _errors, _changed = typed_draft(g.assessment, section_id, form)
        return render_section(section_id, exc.errors, 400, draft=typed)
    if result.removed is not None:
        flash(g.t["removed"].format(name=result.removed.filename), "success")
        return redirect(url_for("portal.section", section_id=section_id) + "#attachments")
    if result.errors:  # kept but not yet valid: the page again, with the new revision
        g.assessment = refreshed(g.assessment)
        return render_section(section_id, dict(result.errors), 400)
    moving_on = request.form.get("action") == "next"
    if moving_on and _shown_questions_changed(result):
        flash(g.t["questions_changed"], "warning")  # it says 保存しました too
        return redirect(url_for("portal.section", section_id=section_id))
    flash(g.t["saved"], "success")
    if moving_on:
        target = request.form.get("next_section", "")
        questionnaire = questionnaire_of(g.assessment)
        if target and any(s.id == target for s in questionnaire.sections):
            return redirect(url_for("portal.section", section_id=target))
        return redirect(url_for("portal.confirm"))
    return redirect(url_for("portal.section", section_id=section_id))


def _stale_reply(section_id: str, message: str):
    """The autosave's 409: the newest revision and, per question, the typed and stored answers."""
    form = request.form.to_dict(flat=False)
    current = refreshed(g.assessment)
    return jsonify(
        ok=False,
        conflict=True,
        message=message,
        revision=current.draft_revision,
        stale=[
            {"question": row.question_text, "typed": row.typed, "stored": row.stored}
            for row in stale_answers(current, section_id, form, g.lang)
        ],
        text={key: g.t[key] for key in STALE_TEXT},
    ), 409


STALE_TEXT = ("stale_title", "stale_typed", "stale_stored", "stale_keep", "stale_take")


@bp.route("/autosave", methods=["POST"])
def autosave():
    """Save one section from JavaScript; 409 with both versions when a newer save exists."""
    section_id = request.form.get("section_id", "")
    try:
        result = answer_service.save_section(
            g.assessment,
            section_id,
            request.form.to_dict(flat=False),
            _form_revision(),
            actor=answer_service.vendor_actor(g.assessment, client_address()),
        )
    except answer_service.StaleSave as exc:
        return _stale_reply(section_id, exc.message)
    except Conflict as exc:
        return jsonify(ok=False, conflict=True, message=exc.message), 409
    # The reply from what this save wrote: nothing is read back after the commit.
    questionnaire = questionnaire_of(g.assessment)
    answers = result.draft.answers if result.draft is not None else {}
    progress = {
        p.section_id: {"answered": p.answered, "required": p.required}
        for p in questionnaire.progress(answers, g.assessment.case.tier)
    }
    return jsonify(
        ok=True,
        revision=result.revision,
        errors=result.errors,
        progress=progress,
        saved_at=jst_time_filter(result.saved_at),
        last_saved=jst_filter(result.saved_at),
        message=g.t["autosaved"],
    )


@bp.route("/submit", methods=["POST"])
def submit():
    try:
        submission = answer_service.submit(
            g.assessment,
            _form_revision(),
            answer_service.vendor_actor(g.assessment, client_address()),
        )
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("portal.overview"))
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("portal.confirm"))
    flash(g.t["submitted"].format(version=submission.version), "success")
    return redirect(url_for("portal.overview"))
