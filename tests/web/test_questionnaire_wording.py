"""The organisation's term reaches the vendor: the preview and the issued snapshot use it."""

from __future__ import annotations

import pytest

from tests.web.test_annexes import make_assessment
from vendorcheck.services import wording
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.models import Assessment


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


def test_the_self_term_is_used_in_preview_and_in_the_issued_questionnaire(app, client, officer):
    wording.set_self_term(Actor.system("test"), "当組合")
    page = client.get("/questionnaires/outsourcing/preview").get_data(as_text=True)
    assert "当組合の情報" in page and "{当団体}" not in page and "当団体" not in page
    assessment = make_assessment(app, "outsourcing")
    issued = questionnaire_of(Assessment.get_by_id(assessment.id))
    text = issued.question("staff.handler_list").text.get("ja")
    assert text.startswith("本業務で当組合の情報を取り扱う")


def test_a_bad_self_term_is_refused(app, db):
    for bad in ("", "  ", "{当団体}", "当" * 21):
        try:
            wording.set_self_term(Actor.system("test"), bad)
        except ServiceError as error:
            assert error.field == "self_term"
        else:
            raise AssertionError(bad)
    assert wording.self_term() == "当団体"
