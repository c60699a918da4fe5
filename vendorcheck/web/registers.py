"""Staff pages of the register: list with filters and pages, an entry with its people on any
date, edits, 責任者 changes, state moves, reviews and retirement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from vendorcheck.domain import registers as reg
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.register_fields import fields_for, parse_any_date
from vendorcheck.domain.uploads import DOCX_TYPE
from vendorcheck.services import applications as application_service
from vendorcheck.services import contract_registers, procedures, register_people, register_reviews
from vendorcheck.services import registers as register_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.evidence_quota import quota_from_settings
from vendorcheck.services.organisation import organisation_scheme
from vendorcheck.web import register_list_page
from vendorcheck.web.applications import person_from_form
from vendorcheck.web.auth import current_actor, current_reader, require
from vendorcheck.web.downloads import attachment
from vendorcheck.web.forms import Form

bp = Blueprint("registers", __name__, url_prefix="/registers")


def _checked_form() -> None:
    if not Form().validate_on_submit():
        abort(400)


@bp.route("/")
@require("view")
def index():
    return register_list_page.render(current_reader())


def _detail_context(entry, on_day) -> dict[str, Any]:
    reader = current_reader()
    today = today_jst()
    return {
        "entry": entry,
        "specs": fields_for(entry.entry_type),
        "platforms": reg.PLATFORMS,
        "holders": register_people.holders_on(entry, on_day),
        "on_day": on_day,
        "is_today": on_day == today,
        "history": register_people.history(entry),
        "roles": reg.PERSON_ROLES,
        "flags": register_service.entry_flags(entry, today),
        "flag_labels": reg.FLAG_LABELS,
        "status_labels": reg.STATUS_LABELS,
        "type_labels": reg.ENTRY_TYPE_LABELS,
        "moves": reg.STATUS_MOVES.get(entry.status, ()),
        "applications": application_service.applications_of(entry),
        "application_labels": reg.APPLICATION_LABELS,
        "reviews": register_reviews.reviews_of(entry),
        "review_items": reg.review_items(entry.entry_type),
        "procedures": procedures.versions_of(entry) if entry.entry_type == reg.SNS else [],
        "retirement_files": register_service.retirement_files(entry),
        "may_change": reader.may_change(entry.department_id) and entry.status != reg.RETIRED,
        "staff_choices": staff_service.active_staff(),
        "level_label": _level_label(entry.classification_level),
        **contract_registers.entry_context(entry),
    }


def _level_label(code: str) -> str:
    try:
        return organisation_scheme().level(code).label_ja
    except KeyError:
        return code or "—"


@bp.route("/<int:entry_id>")
@require("view")
def detail(entry_id: int):
    on_text = request.args.get("on", "").strip()
    on_day = parse_any_date(on_text) if on_text else today_jst()
    entry = register_service.get_entry(current_reader(), entry_id)
    if on_day is None:
        flash("日付は 2025-04-01 又は 令和7年4月1日 の形で入力してください。", "error")
        return render_template("registers/detail.html", **_detail_context(entry, today_jst())), 400
    return render_template("registers/detail.html", **_detail_context(entry, on_day))


def _form_values(entry_type: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in fields_for(entry_type):
        if spec.kind == "bool":
            values[spec.name] = request.form.get(spec.name) == "1"
        else:
            values[spec.name] = request.form.get(spec.name, "")
    return values


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@require("manage_cases")
def edit(entry_id: int):
    reader = current_reader()
    entry = register_service.entry_for_change(reader, entry_id)
    values: dict[str, Any] = {s.name: getattr(entry, s.name) for s in fields_for(entry.entry_type)}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        _checked_form()
        values = _form_values(entry.entry_type)
        try:
            register_service.update_entry(current_actor(), reader, entry.id, values)
        except ServiceError as exc:
            errors[exc.field or "name"] = exc.message
            status = 400
        else:
            flash("台帳の項目を保存しました。", "success")
            return redirect(url_for("registers.detail", entry_id=entry.id))
    return render_template(
        "registers/edit.html",
        entry=entry,
        specs=fields_for(entry.entry_type),
        values=values,
        errors=errors,
        levels=organisation_scheme().levels,
        platforms=reg.PLATFORMS,
    ), status


def _act(entry_id: int, anchor: str, action: Callable[[], Any], done: Callable[[Any], str]):
    """Run one change of an entry posted from its page, flash the outcome, go back there.
    NotFound (404) and Forbidden (403) are answered by the central error handlers."""
    _checked_form()
    try:
        result = action()
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(done(result), "success")
    return redirect(url_for("registers.detail", entry_id=entry_id) + anchor)


@bp.route("/<int:entry_id>/people", methods=["POST"])
@require("manage_cases")
def change_person(entry_id: int):
    role = request.form.get("role", reg.RESPONSIBLE)
    day_text = request.form.get("effective_from", "").strip()
    day = parse_any_date(day_text) if day_text else None

    def change():
        if day_text and day is None:
            raise ServiceError("変更日は 2026-04-01 又は 令和8年4月1日 の形で入力してください。")
        return register_people.change_person(
            current_actor(),
            current_reader(),
            entry_id,
            person_from_form(role),
            effective_from=day,
            reason=request.form.get("reason", ""),
        )

    label = reg.PERSON_ROLES.get(role, "担当者")
    return _act(entry_id, "#people", change, lambda _row: f"{label}の変更を記録しました。")


@bp.route("/<int:entry_id>/status", methods=["POST"])
@require("manage_cases")
def move(entry_id: int):
    return _act(
        entry_id,
        "",
        lambda: register_service.move_status(
            current_actor(), current_reader(), entry_id, request.form.get("status", "")
        ),
        lambda entry: f"状態を「{reg.STATUS_LABELS[entry.status]}」にしました。",
    )


@bp.route("/<int:entry_id>/reviews", methods=["POST"])
@require("manage_cases")
def review(entry_id: int):
    return _act(
        entry_id,
        "#reviews",
        lambda: register_reviews.record_review(
            current_actor(),
            current_reader(),
            entry_id,
            checked=set(request.form.getlist("item")),
            note=request.form.get("note", ""),
        ),
        lambda _review: "点検の結果を記録しました。",
    )


@bp.route("/<int:entry_id>/procedure", methods=["POST"])
@require("manage_cases")
def generate_procedure(entry_id: int):
    return _act(
        entry_id,
        "#procedure",
        lambda: procedures.generate(
            current_actor(),
            current_reader(),
            entry_id,
            current_app.config["SNS_PROCEDURE_TEMPLATE"],
        ),
        lambda stored: f"運用手順書（第{stored.version}版）を作成しました。",
    )


@bp.route("/<int:entry_id>/procedure/<int:version>.docx")
@require("view")
def procedure_file(entry_id: int, version: int):
    stored = procedures.stored_version(current_reader(), entry_id, version)
    return attachment(
        bytes(stored.docx),
        f"SNS運用手順書_{stored.entry.name}_第{stored.version}版.docx",
        DOCX_TYPE,
        ascii_stem=f"sns-procedure-{entry_id}-v{version}",
    )


@bp.route("/<int:entry_id>/retire", methods=["GET", "POST"])
@require("manage_cases")
def retire(entry_id: int):
    reader = current_reader()
    entry = register_service.entry_for_change(reader, entry_id)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        _checked_form()
        max_bytes = current_app.config["MAX_EVIDENCE_MB"] * 1024 * 1024
        files = [
            (storage.filename or "", storage.read(max_bytes + 1))
            for storage in request.files.getlist("evidence")
            if storage and storage.filename
        ]
        try:
            register_service.retire(
                current_actor(),
                reader,
                entry.id,
                note=request.form.get("note", ""),
                disposed=request.form.get("disposed") == "1",
                accounts_deleted=request.form.get("accounts_deleted") == "1",
                files=files,
                max_bytes=max_bytes,
                quota=quota_from_settings(current_app.config),
            )
        except ServiceError as exc:
            errors[exc.field or "note"] = exc.message
            status = 400
        else:
            flash(f"「{entry.name}」を廃止しました。", "success")
            return redirect(url_for("registers.detail", entry_id=entry.id))
    return render_template(
        "registers/retire.html", entry=entry, errors=errors, form=request.form
    ), status


@bp.route("/<int:entry_id>/retirement/<int:file_id>")
@require("view")
def retirement_file(entry_id: int, file_id: int):
    item = register_service.retirement_file(current_reader(), entry_id, file_id)
    return attachment(
        bytes(item.data), item.filename, item.content_type, ascii_stem=f"retirement-{item.id}"
    )
