"""Staff pages of contracts: the list, making one from an accepted assessment and its stored
annex, the contract page with everything of its period, the link, the end of the contract."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.domain.uploads import DOCX_TYPE
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import (
    assessments,
    contract_end,
    contract_links,
    contract_list,
    contracts,
    incidents,
    inspections,
    monitoring_report,
    periodic_reports,
    reconfirmation,
)
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.organisation import list_departments
from vendorcheck.web import listing
from vendorcheck.web.auth import current_actor, current_reader, require
from vendorcheck.web.downloads import attachment
from vendorcheck.web.errors import render_error
from vendorcheck.web.forms import Form, IsoDateField, apply_service_error, choices, required
from vendorcheck.web.ids import id_or_zero, parse_id

bp = Blueprint("contracts", __name__)
bp.add_app_template_filter(rules.evidence_subject_label, "evidence_subject")


class ContractForm(Form):
    annex_version = SelectField("特記事項の版", coerce=id_or_zero, validate_choice=False)
    number = StringField("契約番号", validators=[required("契約番号"), Length(max=100)])
    title = StringField("契約名", validators=[required("契約名"), Length(max=200)])
    starts_on = IsoDateField("契約期間の開始日（例 2026-04-01）", validators=[required("開始日")])
    ends_on = IsoDateField("契約期間の終了日（例 2027-03-31）", validators=[required("終了日")])
    responsible_person = StringField(
        "事業者の責任者", validators=[required("責任者の氏名"), Length(max=100)]
    )
    contact_email = EmailField(
        "報告用リンクの送付先メールアドレス",
        validators=[required("メールアドレス"), Length(max=254)],
    )
    contacts = TextAreaField(
        "事業者の連絡先（緊急連絡先・担当者）", validators=[Optional(), Length(max=2000)]
    )
    report_frequency = SelectField(
        "定期報告の頻度",
        choices=choices((key, label) for key, (label, _months) in rules.FREQUENCIES.items()),
        description="特記事項「定期報告」の定め（仕様書等に定めがないときは四半期に1回以上）に合わせます。",
    )
    report_due_days = IntegerField(
        "提出期限（期間の末日から何日後）",
        validators=[NumberRange(0, 90, message="0〜90の整数で入力してください。")],
    )
    register_entry = SelectField(
        "台帳の項目（外部サービスの契約のとき）",
        coerce=id_or_zero,
        validate_choice=False,
        description="この契約で利用する外部サービスの台帳の項目です。同じ部局の項目から選びます。",
    )


def _entry_choices(department_id: int | None):
    return choices(
        [(0, "結び付けない")]
        + [(entry.id, entry.name) for entry in contracts.entry_choices(department_id)]
    )


class ContractFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form

    status = SelectField("状態", validate_choice=False)
    due = SelectField("次の期限", validate_choice=False)
    department = SelectField("所管部局", coerce=id_or_zero, validate_choice=False)
    text = StringField("キーワード", validators=[Length(max=200)])


def _next_due(contract) -> str:
    if contract.next_due_on is None:
        return ""
    return f"{contract.next_due_label} {wareki(contract.next_due_on)}"


COLUMNS = [
    listing.Column("number", "契約番号", lambda c: c.number, css="nowrap"),
    listing.Column("title", "契約名", lambda c: c.title),
    listing.Column("vendor", "事業者", lambda c: c.vendor.name),
    listing.Column("department", "所管部局", lambda c: c.department.name if c.department else ""),
    listing.Column("starts_on", "契約開始日", lambda c: c.starts_on, css="nowrap"),
    listing.Column("ends_on", "契約終了日", lambda c: c.ends_on, css="nowrap"),
    listing.Column(
        "status", "状態", lambda c: rules.CONTRACT_STATUS_LABELS[c.status], css="nowrap"
    ),
    listing.Column("next_due_on", "次の期限", lambda c: c.next_due_on, css="nowrap"),
    listing.Column("next_due", "次の期限の内容", _next_due, sortable=False),
    listing.Column(
        "register_entry",
        "台帳の項目",
        lambda c: c.register_entry.name if c.register_entry_id else "",
    ),
]


@bp.route("/contracts/")
@require("view")
def index():
    reader = current_reader()
    form = ContractFilterForm(request.args)
    form.status.choices = choices([("", "すべて"), *rules.CONTRACT_STATUS_LABELS.items()])
    form.due.choices = choices([("", "すべて"), *contract_list.DUE_FILTERS.items()])
    form.department.choices = choices(
        [(0, "すべて"), *[(d.id, d.name) for d in list_departments() if reader.may_read(d.id)]]
    )
    form.validate()
    today = today_jst()
    criteria = contract_list.ContractFilter(
        status=form.status.data if form.status.data in rules.CONTRACT_STATUS_LABELS else "",
        due=form.due.data if form.due.data in contract_list.DUE_FILTERS else "",
        department_id=form.department.data or None,
        text=(form.text.data or "")[:200],
    )
    rows, every_row = listing.from_database(
        COLUMNS,
        lambda wanted: contract_list.page_of_contracts(reader, criteria, wanted, today=today),
        endpoint="contracts.index",
        default_sort="next_due_on",
    )
    if listing.wants_xlsx():
        return listing.xlsx_response("契約一覧", "contracts", COLUMNS, every_row())
    return render_template(
        "contracts/index.html",
        form=form,
        rows=rows,
        filtered=any(
            (criteria.status, criteria.due, criteria.department_id, criteria.text.strip())
        ),
        status_labels=rules.CONTRACT_STATUS_LABELS,
        today=today,
    )


def _new_page(assessment, form: ContractForm, status: int = 200):
    return render_template(
        "contracts/new.html",
        assessment=assessment,
        form=form,
        existing=contracts.contracts_of_assessment(assessment),
    ), status


@bp.route("/assessments/<int:assessment_id>/contract", methods=["GET", "POST"])
@require("manage_cases")
def new(assessment_id: int):
    assessment = assessments.get_assessment(assessment_id)
    versions = annex_service.versions(assessment)
    form = ContractForm()
    form.annex_version.choices = choices(
        (row.version, f"第{row.version}版（回答 第{row.submission_version}版）") for row in versions
    )
    form.register_entry.choices = _entry_choices(assessment.case.department_id)
    if request.method == "GET":
        case = assessment.case
        form.title.data = case.title
        form.starts_on.data, form.ends_on.data = case.contract_start, case.contract_end
        form.responsible_person.data = assessment.vendor.contact_name
        form.contact_email.data = assessment.vendor.contact_email
        form.report_due_days.data = current_app.config["REPORT_DUE_DAYS"]
        form.register_entry.data = contracts.suggested_entry(assessment.id, case.department_id)
        return _new_page(assessment, form)
    if not versions:
        form.form_errors.append(
            "先に特記事項を作成してください。契約は保存された特記事項の版から作ります。"
        )
        return _new_page(assessment, form, 400)
    if not form.validate_on_submit():
        return _new_page(assessment, form, 400)
    try:
        contract, _link = contracts.create_contract(
            current_actor(),
            assessment,
            contracts.ContractInput(
                annex_version=form.annex_version.data,
                number=form.number.data,
                title=form.title.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                responsible_person=form.responsible_person.data,
                contact_email=form.contact_email.data,
                contacts=form.contacts.data or "",
                report_frequency=form.report_frequency.data,
                report_due_days=form.report_due_days.data,
                register_entry_id=form.register_entry.data or None,
            ),
            clauses=clause_service.clause_library(current_app.config),
            links=contract_links.ContractLinkSettings.from_config(current_app.config),
        )
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _new_page(assessment, form, 400)
    flash(
        f"契約 {contract.number} を作成しました。報告用リンクを {contract.contact_email} に送ります。",
        "success",
    )
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>")
@require("view")
def detail(contract_id: int):
    contract = contracts.get_contract(contract_id)
    today = today_jst()
    return render_template(
        "contracts/detail.html",
        contract=contract,
        status_labels=rules.CONTRACT_STATUS_LABELS,
        frequency_label=rules.FREQUENCIES[contract.report_frequency][0],
        articles=contracts.articles_of(contract),
        conditions=contracts.conditions_of(contract),
        link_state=contract_links.link_state(contract),
        reports=periodic_reports.reports_of(contract),
        report_labels=periodic_reports.STATUS_LABELS,
        incidents=incidents.incidents_of(contract),
        classification_labels=rules.INCIDENT_CLASSIFICATION_LABELS,
        inspections=inspections.inspections_of(contract),
        findings=inspections.findings_of(contract),
        severity_labels=rules.SEVERITY_LABELS,
        corrective=inspections.corrective_of(contract),
        corrective_labels=inspections.CORRECTIVE_LABELS,
        end_items=contract_end.items_of(contract),
        end_labels=contract_end.ITEM_LABELS,
        evidence=contracts.evidence_for(contract),
        entry_choices=_entry_choices(contract.department_id),
        reconfirmation_due=reconfirmation.is_due(contract, today),
        reconfirmations=[
            (row, reconfirmation.changes(row))
            for row in reconfirmation.reconfirmations_of(contract)
        ],
        today=today,
    )


@bp.route("/contracts/<int:contract_id>/link", methods=["POST"])
@require("manage_cases")
def reissue_link(contract_id: int):
    contract = contracts.get_contract(contract_id)
    link = contract_links.reissue(
        current_actor(),
        contract,
        contract_links.ContractLinkSettings.from_config(current_app.config),
    )
    flash(f"新しい報告用リンクを {contract.contact_email} に送ります: {link.url}", "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>/evidence/<int:evidence_id>")
@require("view")
def evidence(contract_id: int, evidence_id: int):
    row = contracts.get_evidence(contracts.get_contract(contract_id), evidence_id)
    return attachment(
        bytes(row.data), row.filename, row.content_type, ascii_stem=f"evidence-{row.id}"
    )


# --- the end of the contract ---------------------------------------------------------------


def _back(contract_id: int, anchor: str = "end"):
    return redirect(url_for("contracts.detail", contract_id=contract_id, _anchor=anchor))


@bp.route("/contracts/<int:contract_id>/end", methods=["POST"])
@require("manage_cases")
def start_closing(contract_id: int):
    contract = contracts.get_contract(contract_id)
    try:
        items = contract_end.start_closing(current_actor(), contract)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(contract_id)
    flash(
        f"終了手続を始めました（確認事項 {len(items)} 件）。事業者に報告を依頼します。", "success"
    )
    return _back(contract_id)


@bp.route("/contracts/<int:contract_id>/end/<int:item_id>", methods=["POST"])
@require("manage_cases")
def decide_end_item(contract_id: int, item_id: int):
    item = contract_end.get_item(contracts.get_contract(contract_id), item_id)
    try:
        contract_end.decide(
            current_actor(), item, request.form.get("decision", ""), request.form.get("reason", "")
        )
    except ServiceError as exc:
        flash(f"「{item.label}」: {exc.message}", "error")
        return _back(contract_id, f"end-{item_id}")
    flash(
        f"「{item.label}」を{contract_end.ITEM_LABELS[request.form['decision']]}にしました。",
        "success",
    )
    return _back(contract_id)


@bp.route("/contracts/<int:contract_id>/complete", methods=["POST"])
@require("manage_cases")
def complete(contract_id: int):
    contract = contracts.get_contract(contract_id)
    try:
        contract_end.complete(current_actor(), contract)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(contract_id)
    flash(f"契約 {contract.number} を完了にしました。", "success")
    return _back(contract_id, "summary")


@bp.route("/contracts/report.docx")
@require("approve")
def yearly_report():
    """The yearly Word report to the 統括情報セキュリティ責任者 for one fiscal year."""
    text = request.args.get("fiscal_year", "")
    department = request.args.get("department", "")
    year = parse_id(text)
    department_id = parse_id(department)
    if year is None or year > 9999 or (department and department_id is None):
        return render_error(400, "年度を西暦の数字で指定してください（例 2026）。")
    try:
        data, report = monitoring_report.yearly_report_docx(
            current_actor(), year, department_id=department_id
        )
    except ServiceError as exc:
        return render_error(400, exc.message)
    return attachment(
        data,
        f"実施状況報告_{report.fiscal_year_label}.docx",
        DOCX_TYPE,
        ascii_stem=f"monitoring-report-{text}",
    )
