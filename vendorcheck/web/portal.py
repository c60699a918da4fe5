"""The vendor portal: no account, one hashed link per assessment, every page scoped to it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

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

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import answer_reuse
from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import Draft, questionnaire_of, read_draft, refreshed
from vendorcheck.services.drafts import errors_of_draft
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, TooManyAttempts
from vendorcheck.services.evidence_quota import quota_from_settings
from vendorcheck.services.invitations import LinkGone, LinkSettings, resolve_link
from vendorcheck.services.known_answers import known_answers
from vendorcheck.services.organisation import get_organisation, requesting_contact
from vendorcheck.services.refused_saves import stale_answers, typed_draft
from vendorcheck.services.review import comments_by_question
from vendorcheck.web.auth import client_address
from vendorcheck.web.downloads import attachment
from vendorcheck.web.ids import parse_id
from vendorcheck.web.portal_text import TEXT
from vendorcheck.web.template_helpers import jst_filter, jst_time_filter

if TYPE_CHECKING:  # for annotations only: the web reads the store through services
    from vendorcheck.store.models import Assessment

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


def _requests(questionnaire: Questionnaire, applicable: set[str]) -> dict[str, list[str]]:
    """After a return: section id → the questions the reviewer commented on (latest version)."""
    assessment: Assessment = g.assessment
    if assessment.status != status.RETURNED:
        return {}
    latest = comments_by_question(assessment, version=assessment.submitted_version)
    marked: dict[str, list[str]] = {}
    for question in questionnaire.questions:
        if question.id in latest and question.id in applicable:
            marked.setdefault(question.section_id, []).append(question.id)
    return marked


def _context(questionnaire: Questionnaire, draft: Draft) -> dict[str, Any]:
    assessment: Assessment = g.assessment
    tier = assessment.case.tier
    applicable = questionnaire.applicable_questions(draft.answers, tier)
    progress = {p.section_id: p for p in questionnaire.progress(draft.answers, tier)}
    requests = _requests(questionnaire, applicable)
    return {
        "requests": requests,
        "request_count": sum(len(ids) for ids in requests.values()),
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
    draft = read_draft(g.assessment)
    context = _context(questionnaire, draft)
    general = [c.body for c in comments_by_question(g.assessment).get("", [])]
    return render_template(
        "portal/overview.html",
        **context,
        general_comments=general,
        reuse_offer=answer_reuse.reuse_offer(g.assessment),
        readiness=answer_service.readiness(g.assessment, questionnaire),
    )


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


def _render_section(
    section_id: str,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    *,
    draft: Draft | None = None,
    stale: list | None = None,
):
    """Render a section from the stored draft, or from a refused save's typed draft."""
    assessment: Assessment = g.assessment
    questionnaire = questionnaire_of(assessment)
    section = answer_service.find_section(questionnaire, section_id)  # NotFound: portal 404
    draft = draft or read_draft(assessment)
    context = _context(questionnaire, draft)
    shown_answers = {**draft.answers, **draft.invalid}
    all_errors = {**errors_of_draft(questionnaire, draft), **(errors or {})}
    sections = context["visible_sections"]
    position = next((i for i, s in enumerate(sections) if s.id == section_id), None)
    next_section = (
        sections[position + 1] if position is not None and position + 1 < len(sections) else None
    )
    first_question = next((q for q in section.questions if q.id in context["applicable"]), None)
    # The register's facts, offered only on a page never saved (a field emptied on purpose stays
    # empty) and only while the vendor can still answer.
    asked = {q.id for q in section.questions}
    untouched = context["editable"] and not asked & (shown_answers.keys() | draft.carried.keys())
    prefilled = {
        qid: value
        for qid, value in known_answers(assessment, questionnaire).items()
        if untouched and qid in asked
    }
    return render_template(
        "portal/section.html",
        **context,
        section=section,
        position=(position + 1) if position is not None else None,
        first_question=first_question,
        prefilled=prefilled,
        answers={**prefilled, **shown_answers},
        errors=all_errors,
        comments={
            qid: [c.body for c in rows]
            for qid, rows in comments_by_question(assessment).items()
            if qid
        },
        evidence=_evidence_items({q.id for q in section.questions}),
        next_section=next_section,
        off_page=off_page_context(questionnaire, section.id, draft.answers, context["applicable"]),
        max_evidence_mb=current_app.config["MAX_EVIDENCE_MB"],
        shown=" ".join(q.id for q in section.questions if q.id in context["applicable"]),
        stale=stale or [],
        carried=[(q, draft.carried[q.id]) for q in section.questions if q.id in draft.carried],
    ), status_code


@bp.route("/s/<section_id>")
def section(section_id: str):
    return _render_section(section_id)


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
        return _render_section(section_id, errors, 409, draft=typed, stale=stale)
    except Conflict as exc:
        flash(exc.message, "error")
        return _render_section(section_id, status_code=409)
    except answer_service.SaveRefused as exc:
        if not exc.errors:  # a file to remove is gone: say so above the form
            flash(exc.message, "error")
        typed, _errors, _changed = typed_draft(g.assessment, section_id, form)
        return _render_section(section_id, exc.errors, 400, draft=typed)
    g.assessment = refreshed(g.assessment)
    if result.removed is not None:
        flash(g.t["removed"].format(name=result.removed.filename), "success")
        return redirect(url_for("portal.section", section_id=section_id) + "#attachments")
    if result.errors:
        return _render_section(section_id, dict(result.errors), 400)
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
    assessment = refreshed(g.assessment)
    questionnaire = questionnaire_of(assessment)
    draft = read_draft(assessment)
    progress = {
        p.section_id: {"answered": p.answered, "required": p.required}
        for p in questionnaire.progress(draft.answers, assessment.case.tier)
    }
    return jsonify(
        ok=True,
        revision=result.revision,
        errors=result.errors,
        progress=progress,
        saved_at=jst_time_filter(assessment.last_saved_at),
        last_saved=jst_filter(assessment.last_saved_at),
        message=g.t["autosaved"],
    )


@bp.route("/confirm")
def confirm():
    questionnaire = questionnaire_of(g.assessment)
    draft = read_draft(g.assessment)
    check = answer_service.readiness(g.assessment, questionnaire)
    return render_template("portal/confirm.html", **_context(questionnaire, draft), readiness=check)


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


@bp.route("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    item = answer_service.evidence_for_vendor(g.assessment, evidence_id)
    return attachment(
        bytes(item.data), item.filename, item.content_type, ascii_stem=f"evidence-{item.id}"
    )
