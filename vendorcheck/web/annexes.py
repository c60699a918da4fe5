"""Staff pages of the contract annex: preview, generate, download, and the clause library."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from vendorcheck.domain import assessment_status
from vendorcheck.domain.clauses import ClauseError
from vendorcheck.domain.jp import parse_date
from vendorcheck.domain.requirements import CONTRACT_COVERAGE, KIND_LABELS, KINDS, load_requirements
from vendorcheck.domain.uploads import DOCX_TYPE
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import contract_terms
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services.assessments import get_assessment
from vendorcheck.services.errors import Conflict, ServiceError
from vendorcheck.web.auth import current_actor, require
from vendorcheck.web.downloads import attachment, flash_download, name_part
from vendorcheck.web.errors import render_error

bp = Blueprint("annexes", __name__)

FORM_KEYS = ("key", "decision", "condition_text", "reason", "due_on")


@bp.app_template_global("annex_url")
def annex_url(assessment_id: int) -> str:
    """The annex page of an assessment, for links from other pages."""
    return url_for("annexes.assessment", assessment_id=assessment_id)


def _clauses():
    """Return (clauses, problems): the library, or the problems that keep it from loading."""
    try:
        return clause_service.clause_library(current_app.config), []
    except ClauseError as error:
        return [], error.errors


def _positions():
    return clause_service.clause_positions(current_app.config)


def _render(assessment, status: int = 200, chosen=None, error: str | None = None, form_values=None):
    clauses, clause_problems = _clauses()
    inputs, annex, offered = None, None, []
    nothing_submitted = False
    try:
        inputs = annex_service.gather(
            assessment, clauses=clauses, positions=_positions() if clauses else None
        )
    except annex_service.NothingSubmitted:
        nothing_submitted = True
    except ServiceError as exc:
        clause_problems = [exc.message]
    if inputs is not None and clauses:
        offered = annex_service.optional_offer(clauses, inputs)
        wanted = request.args.getlist("optional") if chosen is None else chosen
        choices = {c.id: c.id in wanted for c in offered}
        try:
            annex = annex_service.build_annex(clauses, inputs, choices)
        except ServiceError as exc:
            clause_problems = [exc.message]
    else:
        choices = {}
    rows = annex_service.versions(assessment)
    return render_template(
        "annexes/assessment.html",
        assessment=assessment,
        case=assessment.case,
        vendor=assessment.vendor,
        status_label=assessment_status.LABELS.get(assessment.status, assessment.status),
        inputs=inputs,
        annex=annex,
        offered=offered,
        choices=choices,
        nothing_submitted=nothing_submitted,
        nothing_message=annex_service.NOTHING_SUBMITTED,
        conflicts=inputs.conflicts if inputs else (),
        decisions=contract_terms.DECISIONS,
        form_values=form_values or {},
        can_finalise=inputs is not None and not (annex and annex.draft),
        clause_problems=clause_problems,
        error=error,
        versions=rows,
        article_counts={row.version: len(annex_service.clause_ids_of(row)) for row in rows},
        next_version=(rows[0].version + 1) if rows else 1,
    ), status


@bp.route("/assessments/<int:assessment_id>/annex")
@require("view")
def assessment(assessment_id: int):
    return _render(get_assessment(assessment_id))


@bp.route("/assessments/<int:assessment_id>/annex", methods=["POST"])
@require("manage_cases")
def generate(assessment_id: int):
    found = get_assessment(assessment_id)
    chosen = request.form.getlist("optional")
    clauses, problems = _clauses()
    if problems:
        return _render(found, 500, chosen)
    try:
        row = annex_service.generate(
            current_actor(), found, chosen, clauses=clauses, positions=_positions()
        )
    except (annex_service.NothingSubmitted, Conflict) as exc:
        return _render(found, 409, chosen, exc.message)
    except annex_service.AnnexError as exc:
        return _render(found, 500, chosen, exc.message)
    except ServiceError as exc:
        return _render(found, 400, chosen, exc.message)
    flash_download(
        f"特記事項の第{row.version}版を作成しました。",
        url_for(".download", assessment_id=found.id, version=row.version),
        f"第{row.version}版をダウンロード（.docx）",
    )
    return redirect(url_for(".assessment", assessment_id=found.id, _anchor="versions"))


@bp.route("/assessments/<int:assessment_id>/annex/conflicts", methods=["POST"])
@require("manage_cases")
def resolve_conflict(assessment_id: int):
    found = get_assessment(assessment_id)
    clauses, problems = _clauses()
    if problems:
        return _render(found, 500)
    values = {key: request.form.get(key, "")[:4000] for key in FORM_KEYS}
    try:
        inputs = annex_service.gather(found, clauses=clauses, positions=_positions())
        conflict = contract_terms.find_conflict(inputs.conflicts, values["key"])
        contract_terms.resolve(
            current_actor(),
            found,
            conflict,
            decision=values["decision"],
            condition_text=values["condition_text"],
            reason=values["reason"],
            due_on=parse_date(values["due_on"]) if values["due_on"] else None,
        )
    except annex_service.NothingSubmitted as exc:
        return _render(found, 409, error=exc.message)
    except ServiceError as exc:
        return _render(found, 400, error=exc.message, form_values=values)
    flash(f"契約上の相違「{conflict.topic}」への対応を記録しました。", "success")
    return redirect(url_for(".assessment", assessment_id=found.id, _anchor="conflicts"))


@bp.route("/assessments/<int:assessment_id>/annex/<int:version>.docx")
@require("view")
def download(assessment_id: int, version: int):
    found = get_assessment(assessment_id)
    row = annex_service.get_version(found, version)
    title = name_part(found.case.title)
    filename = f"特記事項_{title}_第{version}版.docx"
    return attachment(
        annex_service.docx_bytes(row),
        filename,
        DOCX_TYPE,
        ascii_stem=f"annex-{found.id}-v{version}",
    )


@bp.route("/clauses")
@require("view")
def clauses():
    kind = request.args.get("kind", "")
    if kind and kind not in KINDS:
        return render_error(400, "種別は一覧から選んでください。")
    library, problems = _clauses()
    shown = [clause for clause in library if not kind or kind in clause.kinds]
    catalogue = questionnaire_service.catalogue(current_app.config)
    questions = {
        question.id: question
        for questionnaire in catalogue.all()
        for question in questionnaire.questions
    }
    conditions = {
        clause.id: clause_service.describe_condition(clause.when, questions)
        for clause in shown
        if clause.when is not None
    }
    covered = {
        rid
        for clause in shown
        if not (clause.optional or clause.only_with_remediations)
        for rid in clause.covers
    }
    return render_template(
        "annexes/clauses.html",
        clauses=shown,
        total=len(library),
        kind=kind,
        kinds=KINDS,
        kind_labels=KIND_LABELS,
        conditions=conditions,
        problems=problems,
        requirements=load_requirements(),
        required=CONTRACT_COVERAGE.get(kind, ()) if kind else (),
        covered=covered,
        directory=current_app.config["CLAUSES_DIR"],
    )
