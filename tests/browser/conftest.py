"""Fixtures the browser tests share."""

from __future__ import annotations

import pytest

from tests.invitation import invite_vendor
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store.models import Assessment


@pytest.fixture
def portal(app, live_server):
    """Invite a vendor to a case and return (portal URL, assessment id, questionnaire)."""

    def _portal(kind: str = "cloud", tier: int = 1, name: str = "回答株式会社"):
        with app.extensions["vendorcheck_db"].connection_context():
            link = invite_vendor(
                app.config,
                kind=kind,
                tier=tier,
                base_url=live_server,
                vendor_name=name,
                contact_email="v@example.jp",
                case_title="ブラウザー試験の案件",
            )
            # what the vendor sees: the issued questionnaire, in the organisation's words
            issued = questionnaire_of(Assessment.get_by_id(link.assessment.id))
        return link.url, link.assessment.id, issued

    return _portal
