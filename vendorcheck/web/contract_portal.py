"""The vendor's contract pages: no account, one hashed link per contract, every page scoped to
it (periodic reports, incident reports, corrective requests, the end-of-contract proofs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.jp import parse_date, today_jst
from vendorcheck.services import (
    contract_end,
    contract_links,
    contracts,
    incidents,
    inspections,
    periodic_reports,
)
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, TooManyAttempts
from vendorcheck.services.invitations import LinkGone
from vendorcheck.services.organisation import get_organisation
from vendorcheck.web.auth import client_address
from vendorcheck.web.contract_forms import attach_uploads, incident_input
from vendorcheck.web.downloads import attachment
from vendorcheck.web.portal import PortalError, link_error, portal_error_page, portal_not_found

if TYPE_CHECKING:  # for annotations only: the web reads the store through services
    from vendorcheck.store.models import Contract

bp = Blueprint("contract_portal", __name__, url_prefix="/c/<token>")


@bp.url_value_preprocessor
def _resolve(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.referrer_policy = "no-referrer"  # the token is in the URL: never send it elsewhere
    token = (values or {}).pop("token", "")
    settings = contract_links.ContractLinkSettings.from_config(current_app.config)
    try:
        contract = contract_links.resolve(token, client_address(), settings)
    except (TooManyAttempts, LinkGone) as exc:  # NotFound: the handler below
        raise link_error(exc) from exc
    g.contract_token, g.contract = token, contract


@bp.url_defaults
def _add_token(_endpoint: str, values: dict[str, Any]) -> None:
    if "token" not in values and g.get("contract_token"):
        values["token"] = g.contract_token


bp.register_error_handler(PortalError, portal_error_page)
bp.register_error_handler(NotFound, portal_not_found)  # a report, file… not this contract's


def _actor():
    return contract_links.vendor_actor(g.contract, client_address())


def _common(**extra: Any) -> dict[str, Any]:
    contract: Contract = g.contract
    return {
        "contract": contract,
        "organisation": get_organisation(),
        "status_labels": rules.CONTRACT_STATUS_LABELS,
        **extra,
    }


@bp.route("/")
def overview():
    contract: Contract = g.contract
    today = today_jst()
    return render_template(
        "contract_portal/overview.html",
        **_common(
            reports=periodic_reports.reports_of(contract),
            report_labels=periodic_reports.STATUS_LABELS,
            open_to_vendor=lambda report: periodic_reports.open_to_vendor(report, today),
            incidents=incidents.incidents_of(contract),
            corrective=inspections.corrective_of(contract),
            corrective_labels=inspections.CORRECTIVE_LABELS,
            end_items=contract_end.items_of(contract),
            end_labels=contract_end.ITEM_LABELS,
            articles=contracts.articles_of(contract),
        ),
    )


# --- periodic reports ----------------------------------------------------------------------


def _report_page(report, errors: dict[str, str] | None = None, status: int = 200):
    contract: Contract = g.contract
    draft = periodic_reports.read_draft(report)
    return render_template(
        "contract_portal/report.html",
        **_common(
            report=report,
            label=periodic_reports.period_label(report),
            items=contracts.obligations_of(contract),
            draft=draft,
            errors=errors or {},
            compliance=rules.COMPLIANCE,
            free_text=periodic_reports.FREE_TEXT,
            editable=periodic_reports.open_to_vendor(report, today_jst()),
            evidence=contracts.evidence_for(contract, f"report.{report.id}"),
            max_evidence_mb=current_app.config["MAX_EVIDENCE_MB"],
        ),
    ), status


def _report(report_id: int):
    return periodic_reports.get_report(g.contract, report_id)


@bp.route("/reports/<int:report_id>")
def report(report_id: int):
    return _report_page(_report(report_id))


@bp.route("/reports/<int:report_id>", methods=["POST"])
def save_report(report_id: int):
    report = _report(report_id)
    if not periodic_reports.open_to_vendor(report, today_jst()):
        flash("この定期報告は今は提出できません（提出済み、または対象期間の開始前です）。", "error")
        return redirect(url_for("contract_portal.report", report_id=report.id))
    form = request.form.to_dict()
    refused = attach_uploads(_actor(), g.contract, f"report.{report.id}")
    try:
        if request.form.get("action") == "submit":
            result = periodic_reports.submit(_actor(), report, form)
        else:
            result = periodic_reports.save_draft(report, form)
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("contract_portal.report", report_id=report.id))
    report = _report(report_id)
    if isinstance(result, dict):
        if refused:
            result = {**result, "file": " ".join(refused)}
        if result:
            return _report_page(report, result, 400)
        flash("下書きを保存しました。", "success")
        return redirect(url_for("contract_portal.report", report_id=report.id))
    flash(f"定期報告（第{result.version}版）を提出しました。ありがとうございました。", "success")
    for message in refused:
        flash(message, "error")
    return redirect(url_for("contract_portal.overview"))


# --- incidents -----------------------------------------------------------------------------


def _incident_form_page(values: dict[str, str], error: ServiceError | None = None):
    return render_template(
        "contract_portal/incident_new.html",
        **_common(
            values=values,
            error=error,
            classifications=rules.INCIDENT_CLASSIFICATIONS,
            hours=g.contract.incident_report_hours,
        ),
    ), (400 if error else 200)


@bp.route("/incidents/new")
def new_incident():
    return _incident_form_page({})


@bp.route("/incidents/new", methods=["POST"])
def create_incident():
    values = request.form.to_dict()
    try:
        data = incident_input(request.form, by_staff=False)
        incident = incidents.report(
            _actor(),
            g.contract,
            data,
            severity=incidents.severity_from_config(current_app.config),
            by_staff=False,
        )
    except ServiceError as exc:
        return _incident_form_page(values, exc)
    refused = attach_uploads(_actor(), g.contract, f"incident.{incident.id}")
    flash("事故の第一報を受け付けました。続報は事故の画面から送ってください。", "success")
    for message in refused:
        flash(message, "error")
    return redirect(url_for("contract_portal.incident", incident_id=incident.id))


def _incident(incident_id: int):
    return incidents.get_incident(g.contract, incident_id)


@bp.route("/incidents/<int:incident_id>")
def incident(incident_id: int, error: ServiceError | None = None):
    row = _incident(incident_id)
    return render_template(
        "contract_portal/incident.html",
        **_common(
            incident=row,
            updates=incidents.updates_of(row),
            classification=rules.INCIDENT_CLASSIFICATION_LABELS[row.classification],
            error=error,
        ),
    ), (400 if error else 200)


@bp.route("/incidents/<int:incident_id>", methods=["POST"])
def add_incident_update(incident_id: int):
    row = _incident(incident_id)
    try:
        incidents.add_update(_actor(), row, request.form.get("body", ""))
    except ServiceError as exc:
        return incident(incident_id, exc)
    flash("続報を送りました。", "success")
    return redirect(url_for("contract_portal.incident", incident_id=row.id))


# --- corrective requests and the end of the contract --------------------------------------


@bp.route("/corrective/<int:request_id>", methods=["POST"])
def answer_corrective(request_id: int):
    row = inspections.get_corrective(g.contract, request_id)
    try:
        inspections.vendor_answer(
            _actor(),
            row,
            plan=request.form.get("plan", ""),
            completion=request.form.get("completion", ""),
        )
    except ServiceError as exc:
        flash(f"是正要求 No.{request_id}: {exc.message}", "error")
        return redirect(url_for("contract_portal.overview", _anchor=f"corrective-{request_id}"))
    for message in attach_uploads(_actor(), g.contract, f"corrective.{row.id}"):
        flash(message, "error")
    flash(f"是正要求 No.{row.id} への回答を送りました。", "success")
    return redirect(url_for("contract_portal.overview"))


@bp.route("/end/<int:item_id>", methods=["POST"])
def report_end_item(item_id: int):
    item = contract_end.get_item(g.contract, item_id)
    refused = attach_uploads(_actor(), g.contract, contract_end.evidence_subject(item))
    for message in refused:
        flash(message, "error")
    done_text = request.form.get("done_on", "")
    try:
        contract_end.vendor_report(
            _actor(),
            item,
            note=request.form.get("note", ""),
            method=request.form.get("method", ""),
            done_on=parse_date(done_text),
        )
    except ServiceError as exc:
        flash(f"「{item.label}」: {exc.message}", "error")
        return redirect(url_for("contract_portal.overview", _anchor=f"end-{item.id}"))
    flash(f"「{item.label}」を報告しました。", "success")
    return redirect(url_for("contract_portal.overview"))


@bp.route("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    row = contracts.get_evidence(g.contract, evidence_id)
    return attachment(
        bytes(row.data), row.filename, row.content_type, ascii_stem=f"evidence-{row.id}"
    )
