"""The organisation's own words in questionnaires (see domain/questionnaire/wording.py)."""

from __future__ import annotations

from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.questionnaire.wording import DEFAULT_SELF_TERM, localise, wording
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.organisation import organisation_scheme
from vendorcheck.store.db import database
from vendorcheck.store.models import OrganisationWording

MAX_TERM = 20


def _row() -> OrganisationWording:
    row = OrganisationWording.select().order_by(OrganisationWording.id).first()
    return row if row is not None else OrganisationWording.create()


def self_term() -> str:
    return _row().self_term or DEFAULT_SELF_TERM


def set_self_term(actor: Actor, term: str) -> str:
    cleaned = " ".join((term or "").split())
    if not cleaned:
        raise ServiceError(
            "確認書での自団体の呼び方を入力してください（例: 当組合）。", field="self_term"
        )
    if len(cleaned) > MAX_TERM or any(char in cleaned for char in "{}<>"):
        raise ServiceError(
            f"確認書での自団体の呼び方は{MAX_TERM}文字以内で、記号 {{ }} < > を使わずに入力してください。",
            field="self_term",
        )
    with database.atomic():
        row = _row()
        if row.self_term != cleaned:
            before = {"self_term": row.self_term}
            row.self_term = cleaned
            row.save()
            audit.record(
                actor,
                "organisation.wording",
                "organisation",
                row.id,
                "確認書での自団体の呼び方を変更",
                before,
                {"self_term": cleaned},
            )
    return cleaned


def localised(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire in this organisation's words: what a vendor (and a preview) shows."""
    return localise(questionnaire, wording(self_term(), organisation_scheme()))
