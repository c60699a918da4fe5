"""Staff pages of vendors (事業者): search, register, edit, certifications."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from vendorcheck.domain import assessment_status
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.requirements import KIND_LABELS
from vendorcheck.services import ismap_claims
from vendorcheck.services import vendors as vendor_service
from vendorcheck.services.errors import ServiceError
from vendorcheck.web import listing
from vendorcheck.web.auth import current_actor, require
from vendorcheck.web.forms import (
    Form,
    IsoDateField,
    apply_service_error,
    choices,
    max_length,
    required,
)

bp = Blueprint("vendors", __name__, url_prefix="/vendors")


def _check(problem_of):
    """A WTForms validator from a service check that returns a message or None."""

    def validator(_form, field) -> None:
        problem = problem_of(field.data or "")
        if problem:
            raise ValidationError(problem)

    return validator


def _limit(field: str):
    """The vendor service's length limit of a field, with its message."""
    label, limit = vendor_service.LIMITS[field]
    return max_length(label, limit)


class VendorForm(Form):
    name = StringField(
        "事業者名",
        validators=[
            required("事業者名"),
            _limit("name"),
        ],
        description="登記上の名称（例: 株式会社〇〇）。",
    )
    corporate_number = StringField(
        "法人番号（任意）",
        validators=[Optional(), _check(vendor_service.corporate_number_problem)],
        description="13桁の数字。全角やハイフン入りでも入力できます。国税庁法人番号公表サイトで確認できます。",
    )
    address = StringField(
        "所在地（任意）",
        validators=[_limit("address")],
    )
    contact_name = StringField(
        "担当者名（任意）",
        validators=[_limit("contact_name")],
    )
    contact_email = StringField(
        "担当者のメールアドレス（任意）",
        validators=[
            _limit("contact_email"),
            _check(vendor_service.email_problem),
        ],
        description="招待メールの宛先です。空欄のときは、リンクを別の方法で伝えます。",
    )
    website = StringField(
        "ウェブサイト（任意）",
        validators=[
            _limit("website"),
            _check(vendor_service.website_problem),
        ],
        description="https:// で始まるアドレス。",
    )


class CertificationForm(Form):
    kind = SelectField(
        "認証の種類",
        choices=choices(vendor_service.CERTIFICATION_KINDS.items()),
        validators=[required("認証の種類", "選択")],
    )
    number = StringField(
        "登録番号（任意）",
        validators=[max_length("登録番号", vendor_service.MAX_CERTIFICATE_NUMBER)],
    )
    scope = TextAreaField(
        "認証の範囲（任意）",
        validators=[max_length("認証の範囲", vendor_service.MAX_CERTIFICATE_SCOPE)],
    )
    expires_on = IsoDateField(
        "有効期限（任意）",
        validators=[Optional()],
        description="例: 2026-03-31。期限切れと90日以内の期限は目立つように表示されます。",
    )


def _fields(form: VendorForm) -> dict[str, str]:
    return {
        "name": form.name.data,
        "corporate_number": form.corporate_number.data or "",
        "address": form.address.data or "",
        "contact_name": form.contact_name.data or "",
        "contact_email": form.contact_email.data or "",
        "website": form.website.data or "",
    }


class VendorSearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(
        "事業者名または法人番号で探す",
        validators=[max_length("検索する文字", 200)],
        description="名前の一部で探せます。全角・半角、大文字・小文字は区別しません。",
    )


COLUMNS = [
    listing.Column("name", "事業者名", lambda v: v.name),
    listing.Column("number", "法人番号", lambda v: v.corporate_number, css="nowrap"),
    listing.Column("contact", "担当者", lambda v: v.contact_name),
    listing.Column("email", "メールアドレス", lambda v: v.contact_email),
    listing.Column("updated", "更新日", lambda v: v.updated_at, css="nowrap"),
]


@bp.route("/")
@require("view")
def index():
    form = VendorSearchForm(request.args)
    q = (form.q.data or "").strip()[:200]
    vendors, every_row = listing.from_database(
        COLUMNS,
        lambda wanted: vendor_service.page_of_vendors(q, wanted),
        endpoint="vendors.index",
        default_sort="name",
    )
    if listing.wants_xlsx():
        return listing.xlsx_response("事業者一覧", "vendors", COLUMNS, every_row())
    return render_template("vendors/index.html", form=form, vendors=vendors, q=q)


@bp.route("/new", methods=["GET", "POST"])
@require("manage_cases")
def new():
    form = VendorForm()
    status = 200
    if form.validate_on_submit():
        try:
            vendor = vendor_service.create_vendor(current_actor(), **_fields(form))
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            flash(f"事業者「{vendor.name}」を登録しました。", "success")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    elif request.method == "POST":
        status = 400
    return render_template("vendors/new.html", form=form), status


def _render_detail(vendor, cert_form: CertificationForm, status: int = 200):
    today = today_jst()
    certifications = [
        (c, vendor_service.expiry_state(c.expires_on, today))
        for c in vendor_service.certifications(vendor)
    ]
    assessments = [
        (a, assessment_status.effective_status(a.status, a.deadline, today))
        for a in vendor_service.assessments_of(vendor)
    ]
    return render_template(
        "vendors/detail.html",
        vendor=vendor,
        certifications=certifications,
        assessments=assessments,
        cert_form=cert_form,
        ismap_checks={
            item.certification.id: item.check
            for item in ismap_claims.certification_checks(vendor, today=today)
        },
        cert_labels=vendor_service.CERTIFICATION_KINDS,
        kind_labels=KIND_LABELS,
        status_labels=assessment_status.LABELS,
        warning_days=vendor_service.EXPIRY_WARNING_DAYS,
    ), status


@bp.route("/<int:vendor_id>")
@require("view")
def detail(vendor_id: int):
    vendor = vendor_service.get_vendor(vendor_id)
    return _render_detail(vendor, CertificationForm(formdata=None))


@bp.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@require("manage_cases")
def edit(vendor_id: int):
    vendor = vendor_service.get_vendor(vendor_id)
    form = VendorForm(obj=vendor if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            vendor_service.update_vendor(current_actor(), vendor.id, **_fields(form))
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            flash("事業者の情報を保存しました。", "success")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    elif request.method == "POST":
        status = 400
    return render_template("vendors/edit.html", form=form, vendor=vendor), status


@bp.route("/<int:vendor_id>/certifications", methods=["POST"])
@require("manage_cases")
def add_certification(vendor_id: int):
    vendor = vendor_service.get_vendor(vendor_id)
    form = CertificationForm()
    if form.validate_on_submit():
        try:
            vendor_service.add_certification(
                current_actor(),
                vendor.id,
                kind=form.kind.data,
                number=form.number.data or "",
                scope=form.scope.data or "",
                expires_on=form.expires_on.data,
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            flash("認証を追加しました。", "success")
            return redirect(url_for("vendors.detail", vendor_id=vendor.id))
    return _render_detail(vendor, form, 400)


@bp.route("/<int:vendor_id>/certifications/<int:certification_id>/remove", methods=["POST"])
@require("manage_cases")
def remove_certification(vendor_id: int, certification_id: int):
    vendor_service.remove_certification(current_actor(), vendor_id, certification_id)
    flash("認証を削除しました。", "success")
    return redirect(url_for("vendors.detail", vendor_id=vendor_id))
