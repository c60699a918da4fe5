"""Invite a vendor to a new case the way staff do (through the service), for tests."""

from __future__ import annotations

from collections.abc import Mapping

from vendorcheck.services import invitations
from vendorcheck.services.audit import Actor
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.models import Case, Vendor


def invite_vendor(
    config: Mapping[str, object],
    *,
    kind: str,
    base_url: str,
    vendor_name: str,
    contact_email: str,
    case_title: str,
    tier: int = 1,
    language: str = "ja",
) -> invitations.IssuedLink:
    """A vendor, a case of the kind and tier, and the link of the first questionnaire for it."""
    questionnaire = catalogue(config).for_kind(kind)[0]
    vendor = Vendor.create(
        name=vendor_name, name_normalized=vendor_name, contact_email=contact_email
    )
    case = Case.create(title=case_title, kind=kind, classification_level=str(tier), tier=tier)
    return invitations.invite(
        Actor.system(),
        case,
        [vendor.id],
        questionnaire,
        deadline=None,
        language=language,
        settings=invitations.LinkSettings(base_url),
    )[0]
