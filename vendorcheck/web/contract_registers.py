"""Contracts and the register on staff pages: link a contract to the register entry of its
service (or remove the link), and after a review of a linked entry ask the vendor to re-confirm
its answers."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for

from vendorcheck.services import contract_registers, contracts
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.web.auth import current_actor, current_reader, require
from vendorcheck.web.errors import render_error
from vendorcheck.web.forms import Form
from vendorcheck.web.ids import id_or_zero

bp = Blueprint("contract_registers", __name__)

REFUSED_FORM = "送信された内容を確認できませんでした。もう一度操作してください。"


def _to_contract(contract_id: int):
    return redirect(url_for("contracts.detail", contract_id=contract_id, _anchor="summary"))


@bp.route("/contracts/<int:contract_id>/register-entry", methods=["POST"])
@require("manage_cases")
def link_register_entry(contract_id: int):
    """Link the contract to the register entry of its service, or remove the link."""
    contract = contracts.get_contract(contract_id)
    if not Form().validate_on_submit():
        return render_error(400, REFUSED_FORM)
    try:
        updated = contract_registers.link_entry(
            current_actor(),
            current_reader(),
            contract,
            id_or_zero(request.form.get("register_entry", "")) or None,
        )
    except ServiceError as exc:
        flash(exc.message, "error")
        return _to_contract(contract_id)
    flash(
        f"台帳の項目「{updated.register_entry.name}」に結び付けました。"
        if updated.register_entry_id
        else "台帳の項目との結び付けを外しました。",
        "success",
    )
    return _to_contract(contract_id)


@bp.route("/registers/<int:entry_id>/reconfirmation", methods=["POST"])
@require("manage_cases")
def reconfirm_from_review(entry_id: int):
    """After a review of a register entry, ask the vendor of its contract to re-confirm."""
    if not Form().validate_on_submit():
        return render_error(400, REFUSED_FORM)
    back = redirect(url_for("registers.detail", entry_id=entry_id, _anchor="reviews"))
    try:
        _row, url = contract_registers.reconfirm_from_review(
            current_actor(),
            current_reader(),
            entry_id,
            id_or_zero(request.form.get("contract_id", "")),
            LinkSettings.from_config(current_app.config),
        )
    except ServiceError as exc:
        flash(exc.message, "error")
        return back
    flash(
        f"点検を受けて、契約の回答の再確認を依頼しました。前回の回答を入力済みのリンクを事業者に送ります: {url}",
        "success",
    )
    return back
