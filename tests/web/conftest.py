"""Fixtures the web tests share."""

from __future__ import annotations

import pytest

from tests.invitation import invite_vendor
from vendorcheck.store.models import Assessment

BASE_URL = "http://vendorcheck.test"


@pytest.fixture
def invite(app, db):
    """Invite a vendor to a case of a kind; return (portal path, assessment)."""

    def _invite(kind: str = "cloud", language: str = "ja", vendor_name: str = "テスト株式会社"):
        link = invite_vendor(
            app.config,
            kind=kind,
            base_url=BASE_URL,
            vendor_name=vendor_name,
            contact_email="vendor@example.jp",
            case_title=f"{kind} の案件",
            language=language,
        )
        return link.url.removeprefix(BASE_URL), Assessment.get_by_id(link.assessment.id)

    return _invite
