"""Use applications (利用申請): apply, answer the department's self-check (the portal's question
engine, autosave and evidence), submit, and the approver's 承認 / 差戻し / 却下."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from vendorcheck.domain import registers as reg
from vendorcheck.domain.jp import jst_time
from vendorcheck.domain.register_fields import fields_for
from vendorcheck.domain.uploads import UploadRejected
from vendorcheck.services import (
    application_approvers,
    application_versions,
    register_people,
    self_checks,
)
from vendorcheck.services import applications as application_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services.drafts import errors_of_draft, find_section
from vendorcheck.services.errors import Conflict, ServiceError
from vendorcheck.services.evidence_quota import quota_from_settings
from vendorcheck.services.organisation import list_departments, organisation_scheme
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.services.register_lookups import accepted_cloud_assessments
from vendorcheck.web.auth import current_actor, current_reader, require
from vendorcheck.web.downloads import attachment
from vendorcheck.web.forms import Form
from vendorcheck.web.ids import parse_id
from vendorcheck.web.portal import off_page_context

bp = Blueprint("applications", __name__, url_prefix="/applications")


def _self_check_questionnaire(kind: str):
    found = catalogue(current_app.config).for_kind(kind, respondent="department")
    return found[0] if found else None


def person_from_form(role: str = reg.RESPONSIBLE) -> register_people.PersonInput:
    staff_id = request.form.get("staff_id", "")
    return register_people.PersonInput(
        role=role,
        staff_id=parse_id(staff_id),
        name=request.form.get("person_name", ""),
        department_name=request.form.get("person_department", ""),
    )


def _entry_values(entry_type: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in fields_for(entry_type):
        if spec.kind == "bool":
            values[spec.name] = request.form.get(spec.name) == "1"
        elif spec.name in request.form:
            values[spec.name] = request.form.get(spec.name, "")
    return values


@bp.route("/")
@require("view")
def index():
    reader = current_reader()
    return render_template(
        "applications/index.html",
        waiting=application_service.waiting(reader),
        kinds=reg.APPLICATION_KINDS,
        labels=reg.APPLICATION_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@require("manage_cases")
def new():
    kind = request.values.get("kind", "sns")
    if kind not in reg.APPLICATION_KINDS:
        kind = "sns"
    entry_type = reg.APPLICATION_KINDS[kind][0]
    reader = current_reader()
    form = Form()
    errors: dict[str, str] = {}
    form_error = None
    values: dict[str, Any] = {"classification_level": "1"} if kind == "sns" else {}
    department_id = reader.department_id
    status = 200
    if request.method == "POST":
        values = _entry_values(entry_type)
        values |= {k: request.form.get(k, "") for k in ("person_name", "person_department")}
        values["staff_id"] = request.form.get("staff_id", "")
        department_text = request.form.get("department_id", "")
        department_id = parse_id(department_text)
        assessment_text = request.form.get("assessment_id", "")
        if not form.validate_on_submit():
            form_error = "フォームの有効期限が切れました。もう一度送信してください。"
            status = 400
        else:
            try:
                application = application_service.start(
                    current_actor(),
                    reader,
                    application_service.ApplicationInput(
                        kind=kind,
                        department_id=department_id,
                        fields={
                            k: v
                            for k, v in values.items()
                            if k not in ("person_name", "person_department", "staff_id")
                        },
                        responsible=person_from_form(),
                        assessment_id=parse_id(assessment_text),
                    ),
                    _self_check_questionnaire(kind),
                )
            except ServiceError as exc:
                if exc.field:
                    errors[exc.field] = exc.message
                else:
                    form_error = exc.message
                status = 400
            else:
                flash("利用申請を作成しました。続けて自己点検に回答してください。", "success")
                return redirect(url_for("applications.detail", application_id=application.id))
    departments = [d for d in list_departments(include_inactive=False) if reader.may_change(d.id)]
    return render_template(
        "applications/new.html",
        form=form,
        kind=kind,
        kinds=reg.APPLICATION_KINDS,
        specs=[
            s for s in fields_for(entry_type) if s.name not in ("last_post_on", "listed_on_website")
        ],
        values=values,
        errors=errors,
        form_error=form_error,
        levels=organisation_scheme().levels,
        platforms=reg.PLATFORMS,
        departments=departments,
        department_id=department_id,
        staff_choices=staff_service.active_staff(),
        assessments=accepted_cloud_assessments(reader) if kind == "cloud" else [],
    ), status


def _application(application_id: int):
    return application_service.get_application(current_reader(), application_id)


@bp.route("/<int:application_id>")
@require("view")
def detail(application_id: int):
    application = _application(application_id)
    reader = current_reader()
    questionnaire = self_checks.questionnaire_of(application) if application.snapshot_id else None
    draft = self_checks.read_draft(application)
    progress = (
        {p.section_id: p for p in questionnaire.progress(draft.answers, application.tier)}
        if questionnaire
        else {}
    )
    versions = application_versions.versions_of(application)
    department_id = application.entry.department_id
    return render_template(
        "applications/detail.html",
        versions=versions,
        changes=application_versions.changes(versions[1], versions[0], questionnaire)
        if len(versions) > 1
        else None,
        submitted_fields=application_versions.fields_text(versions[0]) if versions else [],
        submitted_responsible=application_versions.responsible_text(versions[0])
        if versions
        else "",
        may_read_entry=reader.may_read(department_id),
        application=application,
        entry=application.entry,
        questionnaire=questionnaire,
        progress=progress,
        readiness=self_checks.readiness(application),
        answers=self_checks.submitted_answers(application),
        editable=application.status in reg.EDITABLE_APPLICATION
        and reader.may_change(application.entry.department_id),
        can_decide=application.status == reg.SUBMITTED
        and application_approvers.may_approve(reader, department_id)
        and (reader.sees_all or application.applicant_id != reader.staff_id),
        labels=reg.APPLICATION_LABELS,
        kinds=reg.APPLICATION_KINDS,
        decisions=application_service.DECISIONS,
        form=Form(),
    )


def _render_section(application, section_id: str, errors=None, status_code: int = 200):
    questionnaire = self_checks.questionnaire_of(application)
    section = find_section(questionnaire, section_id)
    draft = self_checks.read_draft(application)
    tier = application.tier
    applicable = questionnaire.applicable_questions(draft.answers, tier)
    sections = [s for s in questionnaire.sections if any(q.id in applicable for q in s.questions)]
    position = next((i for i, s in enumerate(sections) if s.id == section_id), None)
    next_section = (
        sections[position + 1] if position is not None and position + 1 < len(sections) else None
    )
    evidence: dict[str, list[dict[str, Any]]] = {}
    for item in self_checks.active_evidence(application):
        evidence.setdefault(item.question_id, []).append(
            {
                "id": item.id,
                "filename": item.filename,
                "size": item.size,
                "url": url_for(
                    "applications.evidence", application_id=application.id, evidence_id=item.id
                ),
            }
        )
    editable = application.status in reg.EDITABLE_APPLICATION and current_reader().may_change(
        application.entry.department_id
    )
    return render_template(
        "applications/section.html",
        application=application,
        entry=application.entry,
        questionnaire=questionnaire,
        section=section,
        sections=sections,
        answers={**draft.answers, **draft.invalid},
        errors={**errors_of_draft(questionnaire, draft), **(errors or {})},
        tier=tier,
        applicable=applicable,
        evidence=evidence,
        next_section=next_section,
        off_page=off_page_context(questionnaire, section.id, draft.answers, applicable),
        editable=editable,
        max_evidence_mb=current_app.config["MAX_EVIDENCE_MB"],
    ), status_code


@bp.route("/<int:application_id>/s/<section_id>")
@require("view")
def section(application_id: int, section_id: str):
    application = _application(application_id)
    return _render_section(application, section_id)


def _revision() -> int:
    revision = parse_id(request.form.get("revision", ""))
    if revision is None:
        abort(400)
    return revision


@bp.route("/<int:application_id>/s/<section_id>", methods=["POST"])
@require("manage_cases")
def save(application_id: int, section_id: str):
    reader = current_reader()
    try:
        _revision_now, errors = self_checks.save_section(
            reader, application_id, section_id, request.form.to_dict(flat=False), _revision()
        )
    except Conflict as exc:
        flash(exc.message, "error")
        return _render_section(_application(application_id), section_id, status_code=409)
    max_bytes = current_app.config["MAX_EVIDENCE_MB"] * 1024 * 1024
    for name, storage in request.files.items(multi=True):
        if not (name.startswith("file__") and storage and storage.filename):
            continue
        question_id = name.removeprefix("file__")
        try:
            self_checks.add_evidence(
                reader,
                application_id,
                question_id,
                storage.filename,
                storage.read(max_bytes + 1),
                max_bytes=max_bytes,
                quota=quota_from_settings(current_app.config),
            )
        except (UploadRejected, ServiceError) as exc:
            errors[question_id] = (
                f"「{storage.filename}」を添付できませんでした: {getattr(exc, 'message', str(exc))}"
            )
    remove = parse_id(request.form.get("remove_evidence", ""))
    if remove is not None:
        try:
            removed = self_checks.remove_evidence(reader, application_id, remove)
            flash(f"「{removed.filename}」を削除しました。", "success")
        except ServiceError as exc:
            flash(exc.message, "error")
        return redirect(
            url_for("applications.section", application_id=application_id, section_id=section_id)
        )
    if errors:
        return _render_section(_application(application_id), section_id, errors, 400)
    flash("保存しました。", "success")
    target = request.form.get("next_section", "")
    if request.form.get("action") == "next":
        if target:
            return redirect(
                url_for("applications.section", application_id=application_id, section_id=target)
            )
        return redirect(url_for("applications.detail", application_id=application_id))
    return redirect(
        url_for("applications.section", application_id=application_id, section_id=section_id)
    )


@bp.route("/<int:application_id>/autosave", methods=["POST"])
@require("manage_cases")
def autosave(application_id: int):
    try:
        revision, errors = self_checks.save_section(
            current_reader(),
            application_id,
            request.form.get("section_id", ""),
            request.form.to_dict(flat=False),
            _revision(),
        )
    except Conflict as exc:
        return jsonify(ok=False, conflict=True, message=exc.message), 409
    application = _application(application_id)
    questionnaire = self_checks.questionnaire_of(application)
    draft = self_checks.read_draft(application)
    progress = {
        p.section_id: {"answered": p.answered, "required": p.required}
        for p in questionnaire.progress(draft.answers, application.tier)
    }
    return jsonify(
        ok=True,
        revision=revision,
        errors=errors,
        progress=progress,
        saved_at=jst_time(application.last_saved_at) if application.last_saved_at else "",
        message="自動保存しました。",
    )


@bp.route("/<int:application_id>/submit", methods=["POST"])
@require("manage_cases")
def submit(application_id: int):
    form = Form()
    if not form.validate_on_submit():
        abort(400)
    try:
        self_checks.submit(current_actor(), current_reader(), application_id, _revision())
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash("利用申請を提出しました。承認者の判断をお待ちください。", "success")
    return redirect(url_for("applications.detail", application_id=application_id))


@bp.route("/<int:application_id>/decide", methods=["POST"])
@require("manage_cases")  # the ciso, admin and the approvers named in the settings
def decide(application_id: int):
    form = Form()
    if not form.validate_on_submit():
        abort(400)
    decision = request.form.get("decision", "")
    try:
        application = application_service.decide(
            current_actor(),
            current_reader(),
            application_id,
            decision,
            request.form.get("reason", ""),
        )
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("applications.detail", application_id=application_id))
    flash(f"利用申請を{application_service.DECISIONS[decision]}しました。", "success")
    if decision == "approve":
        return redirect(url_for("registers.detail", entry_id=application.entry_id))
    return redirect(url_for("applications.detail", application_id=application_id))


@bp.route("/<int:application_id>/evidence/<int:evidence_id>")
@require("view")
def evidence(application_id: int, evidence_id: int):
    item = self_checks.evidence_file(current_reader(), application_id, evidence_id)
    return attachment(
        bytes(item.data), item.filename, item.content_type, ascii_stem=f"evidence-{item.id}"
    )
