"""Administration: staff accounts, departments, organisation settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from vendorcheck.domain.classification import SCHEMES
from vendorcheck.domain.contract_terms import DAY_LIMITS
from vendorcheck.domain.roles import can
from vendorcheck.services import application_approvers, contract_terms, organisation_settings
from vendorcheck.services import organisation as org_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services import wording as wording_service
from vendorcheck.services.errors import ServiceError
from vendorcheck.web.auth import current_actor, current_reader, require
from vendorcheck.web.forms import (
    DepartmentEditForm,
    DepartmentForm,
    Form,
    OrganisationForm,
    StaffCreateForm,
    StaffEditForm,
    apply_service_error,
    choices,
)
from vendorcheck.web.ids import parse_id

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _department_choices(include_inactive: bool = False):
    departments = org_service.list_departments(include_inactive=include_inactive)
    return choices([(0, "（所属なし）"), *[(d.id, d.name) for d in departments]])


@bp.route("/staff")
@require("manage_staff")
def staff_list():
    return render_template("admin/staff_list.html", staff=staff_service.list_staff())


@bp.route("/staff/new", methods=["GET", "POST"])
@require("manage_staff")
def staff_new():
    form = StaffCreateForm()
    form.department_id.choices = _department_choices()
    status = 200
    if form.validate_on_submit():
        try:
            staff, initial = staff_service.create_staff(
                current_actor(),
                login_id=form.login_id.data,
                display_name=form.display_name.data,
                email=form.email.data,
                role=form.role.data,
                department_id=form.department_id.data or None,
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            return render_template(
                "admin/one_time_password.html", staff=staff, password=initial, created=True
            )
    elif request.method == "POST":
        status = 400
    return render_template("admin/staff_new.html", form=form), status


@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
@require("manage_staff")
def staff_edit(staff_id: int):
    staff = staff_service.get_staff(staff_id)
    form = StaffEditForm(obj=staff if request.method == "GET" else None)
    form.department_id.choices = _department_choices(include_inactive=True)
    if request.method == "GET":
        form.department_id.data = staff.department_id or 0
    status = 200
    if form.validate_on_submit():
        try:
            staff_service.update_staff(
                current_actor(),
                staff.id,
                display_name=form.display_name.data,
                email=form.email.data,
                role=form.role.data,
                department_id=form.department_id.data or None,
                active=form.active.data,
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            flash(f"職員 {staff.login_id} を更新しました。", "success")
            return redirect(url_for("admin.staff_list"))
    elif request.method == "POST":
        status = 400
    return render_template("admin/staff_edit.html", form=form, staff=staff), status


@bp.route("/staff/<int:staff_id>/reset-password", methods=["POST"])
@require("manage_staff")
def staff_reset_password(staff_id: int):
    try:
        initial = staff_service.reset_password(current_actor(), staff_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.staff_list"))
    staff = staff_service.get_staff(staff_id)
    return render_template(
        "admin/one_time_password.html", staff=staff, password=initial, created=False
    )


@bp.route("/departments", methods=["GET", "POST"])
@require("manage_organisation")
def departments():
    form = DepartmentForm()
    status = 200
    if form.validate_on_submit():
        try:
            department = org_service.add_department(current_actor(), form.name.data)
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            flash(f"部局「{department.name}」を追加しました。", "success")
            return redirect(url_for("admin.departments"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "admin/departments.html", form=form, departments=org_service.list_departments()
    ), status


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@require("manage_organisation")
def department_edit(department_id: int):
    department = org_service.get_department(department_id)
    form = DepartmentEditForm(obj=department if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            org_service.update_department(
                current_actor(),
                department.id,
                name=form.name.data,
                active=form.active.data,
                contact=org_service.DepartmentContact(
                    form.contact_name.data or "", form.phone.data or "", form.email.data or ""
                ),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            flash("部局を更新しました。", "success")
            return redirect(url_for("admin.departments"))
    elif request.method == "POST":
        status = 400
    return render_template("admin/department_edit.html", form=form, department=department), status


@bp.route("/organisation", methods=["GET", "POST"])
@require("manage_organisation")
def organisation():
    current = org_service.get_organisation()
    form = OrganisationForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.self_term.data = wording_service.self_term()
        limits = contract_terms.time_limits()
        for limit in DAY_LIMITS:
            getattr(form, limit.field).data = limits.value(limit.name)
    form.classification_scheme.choices = choices((s.id, s.label_ja) for s in SCHEMES.values())
    form.party_terms.choices = choices(org_service.PARTY_TERM_LABELS.items())
    status = 200
    if form.validate_on_submit():
        try:
            organisation_settings.update_organisation(
                current_actor(),
                name=form.name.data,
                classification_scheme=form.classification_scheme.data,
                classification_extra_levels=form.classification_extra_levels.data or "",
                party_terms=form.party_terms.data,
                incident_report_hours=form.incident_report_hours.data,
            )
            if form.self_term.data:
                wording_service.set_self_term(current_actor(), form.self_term.data)
            now = contract_terms.time_limits()
            contract_terms.update_time_limits(
                current_actor(),
                {
                    limit.field: getattr(form, limit.field).data or now.value(limit.name)
                    for limit in DAY_LIMITS
                },
            )
        except (ServiceError, ValueError) as exc:
            apply_service_error(
                form,
                exc
                if isinstance(exc, ServiceError)
                else ServiceError(str(exc), field="classification_extra_levels"),
            )
            status = 400
        else:
            flash("組織設定を保存しました。", "success")
            return redirect(url_for("admin.organisation"))
    elif request.method == "POST":
        status = 400
    scheme = org_service.organisation_scheme(current)
    return render_template(
        "admin/organisation.html", form=form, scheme=scheme, **_approver_context()
    ), status


def _approver_context(errors: dict[str, str] | None = None) -> dict:
    return {
        "approvers": application_approvers.approvers(),
        "approver_candidates": [
            s
            for s in staff_service.active_staff()
            if can(s.role, "manage_cases") and not can(s.role, "approve")
        ],
        "approver_departments": org_service.list_departments(include_inactive=False),
        "approver_errors": errors or {},
    }


@bp.route("/organisation/approvers", methods=["POST"])
@require("manage_organisation")
def approver_add():
    """Name a staff member as approver of use applications (all departments or one)."""
    if not Form().validate_on_submit():
        abort(400)
    try:
        approver = application_approvers.add_approver(
            current_actor(),
            current_reader(),
            parse_id(request.form.get("staff_id")),
            parse_id(request.form.get("department_id")),
        )
    except ServiceError as exc:
        current = org_service.get_organisation()
        form = OrganisationForm(obj=current)
        form.classification_scheme.choices = choices((s.id, s.label_ja) for s in SCHEMES.values())
        form.party_terms.choices = choices(org_service.PARTY_TERM_LABELS.items())
        return render_template(
            "admin/organisation.html",
            form=form,
            scheme=org_service.organisation_scheme(current),
            **_approver_context({exc.field or "staff_id": exc.message}),
        ), 400
    flash(f"{approver.staff.display_name}を利用申請の承認者に指名しました。", "success")
    return redirect(url_for("admin.organisation", _anchor="approvers"))


@bp.route("/organisation/approvers/<int:approver_id>/remove", methods=["POST"])
@require("manage_organisation")
def approver_remove(approver_id: int):
    if not Form().validate_on_submit():
        abort(400)
    application_approvers.remove_approver(current_actor(), current_reader(), approver_id)
    flash("承認者の指名を取り消しました。", "success")
    return redirect(url_for("admin.organisation", _anchor="approvers"))
