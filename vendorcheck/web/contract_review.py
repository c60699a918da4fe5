"""Staff work in the contract period: review periodic reports, record and follow incidents,
record inspections, issue and verify corrective requests."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.jp import parse_date
from vendorcheck.services import contracts, incidents, inspections, periodic_reports, reconfirmation
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.web.auth import current_actor, require
from vendorcheck.web.contract_forms import attach_uploads, incident_input
from vendorcheck.web.ids import parse_id

bp = Blueprint("contract_review", __name__, url_prefix="/contracts/<int:contract_id>")

FINDING_ROWS = 3


def _to_contract(contract_id: int, anchor: str):
    return redirect(url_for("contracts.detail", contract_id=contract_id, _anchor=anchor))


# --- periodic reports ----------------------------------------------------------------------


def _report_page(contract, report, error: ServiceError | None = None):
    return render_template(
        "contracts/report.html",
        contract=contract,
        report=report,
        label=periodic_reports.period_label(report),
        status_label=periodic_reports.STATUS_LABELS[report.status],
        versions=[
            (row, periodic_reports.version_content(row))
            for row in periodic_reports.versions(report)
        ],
        compliance_labels=rules.COMPLIANCE_LABELS,
        free_text=periodic_reports.FREE_TEXT,
        evidence=contracts.evidence_for(contract, f"report.{report.id}"),
        error=error,
    ), (400 if error else 200)


@bp.route("/reports/<int:report_id>")
@require("view")
def report(contract_id: int, report_id: int):
    contract = contracts.get_contract(contract_id)
    row = periodic_reports.get_report(contract, report_id)
    return _report_page(contract, row)


@bp.route("/reports/<int:report_id>", methods=["POST"])
@require("manage_cases")
def review_report(contract_id: int, report_id: int):
    contract = contracts.get_contract(contract_id)
    row = periodic_reports.get_report(contract, report_id)
    try:
        if request.form.get("decision") == "accept":
            periodic_reports.accept(current_actor(), row)
            flash(f"定期報告 {periodic_reports.period_label(row)} を受理しました。", "success")
        else:
            periodic_reports.return_report(current_actor(), row, request.form.get("reason", ""))
            flash("定期報告を差し戻しました。事業者にメールで知らせます。", "success")
    except ServiceError as exc:
        return _report_page(contract, periodic_reports.get_report(contract, report_id), exc)
    return _to_contract(contract_id, "reports")


# --- incidents -----------------------------------------------------------------------------


def _incident_form(contract, values, error: ServiceError | None = None):
    return render_template(
        "contracts/incident_new.html",
        contract=contract,
        values=values,
        error=error,
        classifications=rules.INCIDENT_CLASSIFICATIONS,
        channels=incidents.CHANNELS,
        staff_form=True,
        form_action=url_for("contract_review.new_incident", contract_id=contract.id),
    ), (400 if error else 200)


@bp.route("/incidents/new", methods=["GET", "POST"])
@require("manage_cases")
def new_incident(contract_id: int):
    contract = contracts.get_contract(contract_id)
    if request.method == "GET":
        return _incident_form(contract, {})
    values = request.form.to_dict()
    try:
        row = incidents.report(
            current_actor(),
            contract,
            incident_input(request.form, by_staff=True),
            severity=incidents.severity_from_config(current_app.config),
            by_staff=True,
        )
    except ServiceError as exc:
        return _incident_form(contract, values, exc)
    for message in attach_uploads(current_actor(), contract, f"incident.{row.id}"):
        flash(message, "error")
    flash(
        f"事故 No.{row.id} を記録しました。"
        + ("第一報が期限を過ぎていたため、指摘事項に加えました。" if row.late else "")
        + ("重大な事故として統括情報セキュリティ責任者に通知します。" if row.severe else ""),
        "success",
    )
    return redirect(
        url_for("contract_review.incident", contract_id=contract.id, incident_id=row.id)
    )


def _incident_page(contract, row, error: ServiceError | None = None):
    return render_template(
        "contracts/incident.html",
        contract=contract,
        incident=row,
        updates=incidents.updates_of(row),
        classification=rules.INCIDENT_CLASSIFICATION_LABELS[row.classification],
        evidence=contracts.evidence_for(contract, f"incident.{row.id}"),
        error=error,
    ), (400 if error else 200)


@bp.route("/incidents/<int:incident_id>")
@require("view")
def incident(contract_id: int, incident_id: int):
    contract = contracts.get_contract(contract_id)
    row = incidents.get_incident(contract, incident_id)
    return _incident_page(contract, row)


@bp.route("/incidents/<int:incident_id>", methods=["POST"])
@require("manage_cases")
def follow_incident(contract_id: int, incident_id: int):
    contract = contracts.get_contract(contract_id)
    row = incidents.get_incident(contract, incident_id)
    try:
        if request.form.get("action") == "close":
            incidents.close(current_actor(), row, request.form.get("body", ""))
            flash("事故を対応完了にしました。", "success")
        else:
            incidents.add_update(current_actor(), row, request.form.get("body", ""))
            flash("続報を記録しました。", "success")
    except ServiceError as exc:
        return _incident_page(contract, row, exc)
    return redirect(
        url_for("contract_review.incident", contract_id=contract_id, incident_id=row.id)
    )


# --- inspections and corrective requests --------------------------------------------------


def _inspection_page(contract, values, error: ServiceError | None = None):
    return render_template(
        "contracts/inspection_new.html",
        contract=contract,
        items=contracts.obligations_of(contract),
        results=inspections.CHECK_RESULTS,
        severities=rules.SEVERITIES,
        finding_rows=range(1, FINDING_ROWS + 1),
        values=values,
        error=error,
    ), (400 if error else 200)


@bp.route("/inspections/new", methods=["GET", "POST"])
@require("manage_cases")
def new_inspection(contract_id: int):
    contract = contracts.get_contract(contract_id)
    if request.method == "GET":
        return _inspection_page(contract, {})
    form = request.form
    data = inspections.InspectionInput(
        inspected_on=parse_date(form.get("inspected_on", "")),
        inspectors=form.get("inspectors", ""),
        scope=form.get("scope", ""),
        checklist={
            item.key: (form.get(f"result__{item.key}", ""), form.get(f"note__{item.key}", ""))
            for item in contracts.obligations_of(contract)
        },
        notes=form.get("notes", ""),
        findings=[
            (form.get(f"finding_{n}", ""), form.get(f"severity_{n}", ""))
            for n in range(1, FINDING_ROWS + 1)
        ],
    )
    try:
        inspection = inspections.record_inspection(current_actor(), contract, data)
    except ServiceError as exc:
        return _inspection_page(contract, form.to_dict(), exc)
    for message in attach_uploads(current_actor(), contract, f"inspection.{inspection.id}"):
        flash(message, "error")
    flash("検査を記録しました。是正が必要な指摘には是正要求を出してください。", "success")
    return _to_contract(contract_id, "inspections")


@bp.route("/corrective", methods=["POST"])
@require("manage_cases")
def issue_corrective(contract_id: int):
    contract = contracts.get_contract(contract_id)
    finding = request.form.get("finding_id", "")
    try:
        row = inspections.issue_corrective(
            current_actor(),
            contract,
            request.form.get("request", ""),
            parse_date(request.form.get("due_on", "")),
            finding_id=parse_id(finding),
        )
    except ServiceError as exc:
        flash(f"是正要求を出せませんでした: {exc.message}", "error")
        return _to_contract(contract_id, "corrective")
    flash(f"是正要求 No.{row.id} を出しました。事業者にメールで知らせます。", "success")
    return _to_contract(contract_id, "corrective")


@bp.route("/corrective/<int:request_id>", methods=["POST"])
@require("manage_cases")
def verify_corrective(contract_id: int, request_id: int):
    contract = contracts.get_contract(contract_id)
    row = inspections.get_corrective(contract, request_id)
    try:
        inspections.verify(
            current_actor(),
            row,
            close=request.form.get("decision") == "close",
            note=request.form.get("note", ""),
        )
    except ServiceError as exc:
        flash(f"是正要求 No.{request_id}: {exc.message}", "error")
        return _to_contract(contract_id, f"corrective-{request_id}")
    flash(f"是正要求 No.{request_id} を更新しました。", "success")
    return _to_contract(contract_id, "corrective")


# --- annual re-confirmation ----------------------------------------------------------------


@bp.route("/reconfirmation", methods=["POST"])
@require("manage_cases")
def start_reconfirmation(contract_id: int):
    contract = contracts.get_contract(contract_id)
    try:
        _row, url = reconfirmation.start(
            current_actor(), contract, LinkSettings.from_config(current_app.config)
        )
    except ServiceError as exc:
        flash(exc.message, "error")
        return _to_contract(contract_id, "reconfirmation")
    flash(
        f"年次再確認を依頼しました。前回の回答を入力済みのリンクを事業者に送ります: {url}",
        "success",
    )
    return _to_contract(contract_id, "reconfirmation")


@bp.route("/reconfirmation/<int:row_id>", methods=["POST"])
@require("manage_cases")
def evaluate_reconfirmation(contract_id: int, row_id: int):
    contract = contracts.get_contract(contract_id)
    asked = reconfirmation.get_reconfirmation(contract, row_id)
    try:
        row = reconfirmation.evaluate(current_actor(), asked)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _to_contract(contract_id, "reconfirmation")
    flash(
        f"再採点しました（判定 {row.base_verdict} → {row.verdict}）。"
        + ("判定が下がったため是正要求を出しました。" if row.corrective_id else ""),
        "success",
    )
    return _to_contract(contract_id, "reconfirmation")
