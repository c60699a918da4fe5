"""Staff pages of cases (案件): list, open, edit, invite vendors, reissue or revoke their links."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from vendorcheck.domain import assessment_status
from vendorcheck.domain.classification import with_tier
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import cases as case_service
from vendorcheck.services import department_access, invitations
from vendorcheck.services import vendors as vendor_service
from vendorcheck.services.assessments import assessment_in_case
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.organisation import is_set_up, list_departments, organisation_scheme
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.web import listing
from vendorcheck.web.auth import current_actor, current_reader, require
from vendorcheck.web.forms import (
    Form,
    IsoDateField,
    apply_service_error,
    choices,
    max_length,
    required,
)
from vendorcheck.web.ids import id_or_zero

bp = Blueprint("cases", __name__, url_prefix="/cases")

LANGUAGES = {"ja": "日本語", "en": "英語（English）"}


class CaseForm(Form):
    title = StringField(
        "案件名",
        validators=[
            required("案件名"),
            max_length("案件名", case_service.MAX_TITLE),
        ],
        description="例: 住民情報システム運用保守業務委託",
    )
    kind = SelectField(
        "案件の種類", validators=[required("案件の種類", "選択")], validate_choice=False
    )
    department_id = SelectField(
        "所管部局",
        coerce=id_or_zero,
        validators=[NumberRange(min=1, message="所管部局を選択してください。")],
        validate_choice=False,
    )
    classification_level = SelectField(
        "取り扱う情報の分類",
        validators=[required("取り扱う情報の分類", "選択")],
        validate_choice=False,
        description="委託先・外部サービスで取り扱う情報のうち、最も高い機密性の区分を選びます。",
    )
    contract_start = IsoDateField("契約開始日（任意）", validators=[Optional()])
    contract_end = IsoDateField("契約終了日（任意）", validators=[Optional()])
    answer_deadline = IsoDateField(
        "回答期限（任意）",
        validators=[Optional()],
        description="事業者を招待するときの回答期限の初期値になります。",
    )
    description = TextAreaField(
        "概要（任意）",
        validators=[max_length("概要", case_service.MAX_DESCRIPTION)],
    )
    personal_information = BooleanField(
        "個人情報を取り扱う",
        description="委託先・外部サービスで個人情報を取り扱うとき、特記事項に個人情報の保護に関する条を加えます。",
    )
    specific_personal_information = BooleanField(
        "特定個人情報（個人番号を含む情報）を取り扱う",
        description="番号法に基づく特定個人情報の取扱いの条を加えます（個人情報も取り扱うものとします）。",
    )


class CaseFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form

    department = SelectField("所管部局", coerce=id_or_zero, validate_choice=False)
    kind = SelectField("種類", validate_choice=False)
    status = SelectField("回答の状態", validate_choice=False)
    text = StringField("キーワード", validators=[Length(max=200)])


class InviteForm(Form):
    vendor_ids = SelectMultipleField(
        "招待する事業者",
        coerce=id_or_zero,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    questionnaire_id = SelectField(
        "確認書", validators=[required("確認書", "選択")], validate_choice=False
    )
    deadline = IsoDateField(
        "回答期限（任意）",
        validators=[Optional()],
        description="空欄にすると期限なしで招待します。",
    )
    language = SelectField(
        "回答の言語", choices=choices(LANGUAGES.items()), validate_choice=False, default="ja"
    )


def _level_label(scheme, code: str) -> str:
    try:
        return scheme.level(code).label_ja
    except KeyError:
        return code


def _case_form(case=None) -> CaseForm:
    form = CaseForm(obj=case if case is not None and request.method == "GET" else None)
    if case is not None and request.method == "GET":
        form.department_id.data = case.department_id or 0
        handles = case_service.handles_of(case)
        form.personal_information.data = "personal_information" in handles
        form.specific_personal_information.data = "specific_personal_information" in handles
    reader = current_reader()
    departments = [
        d
        for d in list_departments()
        if (d.active or (case is not None and d.id == case.department_id))
        and reader.may_change(d.id)
    ]
    form.kind.choices = choices([("", "選択してください"), *case_service.KIND_LABELS.items()])
    form.department_id.choices = choices(
        [(0, "選択してください"), *[(d.id, d.name) for d in departments]]
    )
    form.classification_level.choices = choices(
        [("", "選択してください")]
        + [
            (level.code, with_tier(level.label_ja, level.tier))
            for level in organisation_scheme().levels
        ]
    )
    return form


def _case_input(form: CaseForm) -> case_service.CaseInput:
    return case_service.CaseInput(
        title=form.title.data or "",
        kind=form.kind.data or "",
        department_id=form.department_id.data or None,
        classification_level=form.classification_level.data or "",
        contract_start=form.contract_start.data,
        contract_end=form.contract_end.data,
        answer_deadline=form.answer_deadline.data,
        description=form.description.data or "",
        personal_information=bool(form.personal_information.data),
        specific_personal_information=bool(form.specific_personal_information.data),
    )


def _status_summary(row: case_service.CaseRow) -> str:
    if not row.total:
        return "未招待"
    return "、".join(
        f"{assessment_status.LABELS[s]} {row.counts[s]}件"
        for s in case_service.STATUS_FILTERS
        if row.counts[s]
    )


def _case_columns(scheme) -> list[listing.Column]:
    return [
        listing.Column("title", "案件名", lambda r: r.case.title),
        listing.Column("kind", "種類", lambda r: case_service.KIND_LABELS.get(r.case.kind, "")),
        listing.Column(
            "department",
            "所管部局",
            lambda r: r.case.department.name if r.case.department_id else "",
        ),
        listing.Column(
            "level", "情報の分類", lambda r: _level_label(scheme, r.case.classification_level)
        ),
        listing.Column("deadline", "回答期限", lambda r: r.case.answer_deadline, css="nowrap"),
        listing.Column("status", "回答の状況", _status_summary, sortable=False),
        listing.Column("created", "作成日", lambda r: r.case.created_at, css="nowrap"),
    ]


@bp.route("/")
@require("view")
def index():
    form = CaseFilterForm(request.args)
    reader = current_reader()
    form.department.choices = choices(
        [(0, "すべて"), *[(d.id, d.name) for d in list_departments() if reader.may_read(d.id)]]
    )
    form.kind.choices = choices([("", "すべて"), *case_service.KIND_LABELS.items()])
    form.status.choices = choices(
        [("", "すべて")] + [(s, assessment_status.LABELS[s]) for s in case_service.STATUS_FILTERS]
    )
    form.validate()
    criteria = case_service.CaseFilter(
        department_id=form.department.data or None,
        kind=form.kind.data if form.kind.data in case_service.KIND_LABELS else "",
        status=form.status.data if form.status.data in case_service.STATUS_FILTERS else "",
        text=(form.text.data or "")[:200],
        reader=current_reader(),
    )
    filtered = any((criteria.department_id, criteria.kind, criteria.status, criteria.text.strip()))
    scheme = organisation_scheme()
    columns = _case_columns(scheme)
    cases, every_row = listing.from_database(
        columns,
        lambda wanted: case_service.page_of_cases(criteria, wanted),
        endpoint="cases.index",
        default_sort="created",
        descending=True,
    )
    if listing.wants_xlsx():
        return listing.xlsx_response("案件一覧", "cases", columns, every_row())
    return render_template(
        "cases/index.html",
        form=form,
        cases=cases,
        filtered=filtered,
        level_label=_level_label,
        scheme=scheme,
        kind_labels=case_service.KIND_LABELS,
        status_labels=assessment_status.LABELS,
        status_order=case_service.STATUS_FILTERS,
    )


@bp.route("/new", methods=["GET", "POST"])
@require("manage_cases")
def new():
    form = _case_form()
    status = 200
    if form.validate_on_submit():
        try:
            department_access.check_department(current_reader(), form.department_id.data or None)
            case = case_service.create_case(current_actor(), _case_input(form))
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            flash(f"案件「{case.title}」を作成しました。続けて事業者を招待できます。", "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    elif request.method == "POST":
        status = 400
    return render_template("cases/new.html", form=form), status


@bp.route("/<int:case_id>")
@require("view")
def detail(case_id: int):
    case = case_service.get_case(case_id)
    today = today_jst()
    rows = [
        {
            "assessment": a,
            "status": case_service.effective(a, today),
            "link_state": invitations.link_state(a),
        }
        for a in case_service.assessments_of(case)
    ]
    scheme = organisation_scheme()
    return render_template(
        "cases/detail.html",
        case=case,
        rows=rows,
        level=_level_label(scheme, case.classification_level),
        handles=case_service.handles_of(case),
        kind_labels=case_service.KIND_LABELS,
        status_labels=assessment_status.LABELS,
        languages=LANGUAGES,
    )


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@require("manage_cases")
def edit(case_id: int):
    case = case_service.get_case(case_id)
    form = _case_form(case)
    status = 200
    if form.validate_on_submit():
        try:
            department_access.check_department(current_reader(), form.department_id.data or None)
            case_service.update_case(current_actor(), case.id, _case_input(form))
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            flash("案件を保存しました。", "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    elif request.method == "POST":
        status = 400
    return render_template("cases/edit.html", form=form, case=case), status


@bp.route("/<int:case_id>/invite", methods=["GET", "POST"])
@require("manage_cases")
def invite(case_id: int):
    case = case_service.get_case(case_id)
    today = today_jst()
    available = catalogue(current_app.config).for_kind(case.kind, respondent="vendor")
    deadline = (
        case.answer_deadline if case.answer_deadline and case.answer_deadline >= today else None
    )
    form = InviteForm(
        questionnaire_id=available[0].id if available else "", deadline=deadline, language="ja"
    )
    vendors = vendor_service.all_vendors()
    form.vendor_ids.choices = choices(
        (v.id, v.name + ("" if v.contact_email else "（メールアドレス未登録）")) for v in vendors
    )
    form.questionnaire_id.choices = choices(
        (q.id, f"{q.title.ja}（第{q.version}版）") for q in available
    )
    status = 200
    if form.validate_on_submit():
        questionnaire = next((q for q in available if q.id == form.questionnaire_id.data), None)
        try:
            if questionnaire is None:
                raise ServiceError("確認書を一覧から選択してください。", field="questionnaire_id")
            links = invitations.invite(
                current_actor(),
                case,
                form.vendor_ids.data or [],
                questionnaire,
                deadline=form.deadline.data,
                language=form.language.data,
                settings=invitations.LinkSettings.from_config(current_app.config),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            return render_template("cases/links.html", case=case, links=links, reissued=False)
    elif request.method == "POST":
        status = 400
    return render_template(
        "cases/invite.html",
        form=form,
        case=case,
        available=available,
        vendors=vendors,
        organisation_ready=is_set_up(),
        invited=case_service.invited_vendor_ids(case),
        kind_labels=case_service.KIND_LABELS,
    ), status


@bp.route("/<int:case_id>/assessments/<int:assessment_id>/reissue", methods=["POST"])
@require("manage_cases")
def reissue_link(case_id: int, assessment_id: int):
    assessment = assessment_in_case(case_id, assessment_id)
    settings = invitations.LinkSettings.from_config(current_app.config)
    try:
        link = invitations.reissue_link(current_actor(), assessment, settings)
    except invitations.OrganisationNotSetUp as exc:
        flash(exc.message, "error")
        return redirect(url_for("cases.detail", case_id=case_id))
    return render_template("cases/links.html", case=assessment.case, links=[link], reissued=True)


@bp.route("/<int:case_id>/assessments/<int:assessment_id>/revoke", methods=["POST"])
@require("manage_cases")
def revoke_link(case_id: int, assessment_id: int):
    assessment = assessment_in_case(case_id, assessment_id)
    count = invitations.revoke_link(current_actor(), assessment)
    if count:
        flash(f"{assessment.vendor.name} へのリンクを無効化しました。", "success")
    else:
        flash(f"{assessment.vendor.name} に有効なリンクはありませんでした。", "info")
    return redirect(url_for("cases.detail", case_id=case_id))
