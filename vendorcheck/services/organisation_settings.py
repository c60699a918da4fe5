"""Changing the organisation's settings, and what follows from them in the same transaction:
a change of the classification scheme (which levels are 機密性2以上) re-derives the register's
stored flags (services/register_flags.py), as the 「ISMAP 登録番号が未記録」 flag reads it."""

from __future__ import annotations

from vendorcheck.domain.classification import SCHEMES, build_scheme
from vendorcheck.services import audit, register_flags
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.organisation import (
    MAX_ORGANISATION_NAME,
    PARTY_TERMS,
    get_organisation,
    parse_extra_levels,
)
from vendorcheck.store.db import database
from vendorcheck.store.models import Organisation, utcnow

SCHEME_SETTINGS = ("classification_scheme", "classification_extra_levels")


def _snapshot(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "classification_scheme": organisation.classification_scheme,
        "classification_extra_levels": organisation.classification_extra_levels,
        "party_terms": organisation.party_terms,
        "incident_report_hours": organisation.incident_report_hours,
    }


def update_organisation(
    actor: Actor,
    *,
    name: str,
    classification_scheme: str,
    classification_extra_levels: str,
    party_terms: str,
    incident_report_hours: int,
) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise ServiceError("団体名を入力してください。", field="name")
    if classification_scheme not in SCHEMES:
        raise ServiceError("情報の分類体系を選択してください。", field="classification_scheme")
    if party_terms not in PARTY_TERMS:
        raise ServiceError("契約書での当事者の呼び方を選択してください。", field="party_terms")
    if not 1 <= incident_report_hours <= 720:
        raise ServiceError(
            "事故報告の期限は1〜720時間の範囲で入力してください。", field="incident_report_hours"
        )
    extra = parse_extra_levels(classification_extra_levels)
    build_scheme(classification_scheme, extra)  # raises on a clash with a built-in level
    with database.atomic():
        organisation = get_organisation()
        before = _snapshot(organisation)
        organisation.name = name[:MAX_ORGANISATION_NAME]
        organisation.classification_scheme = classification_scheme
        organisation.classification_extra_levels = "\n".join(f"{k}={v}" for k, v in extra.items())
        organisation.party_terms = party_terms
        organisation.incident_report_hours = incident_report_hours
        organisation.updated_at = utcnow()
        organisation.save()
        after = _snapshot(organisation)
        if any(before[setting] != after[setting] for setting in SCHEME_SETTINGS):
            register_flags.refresh()
        if before != after:
            audit.record(
                actor,
                "organisation.update",
                "organisation",
                organisation.id,
                "組織設定を変更",
                before,
                after,
            )
    return organisation
