"""Ids beyond 64 bits in a URL, a form field or the portal's revision: 404 or 400, never a 500
(SQLite raises OverflowError on them; PostgreSQL refuses them)."""

from __future__ import annotations

import re

import pytest

from tests.answering import TINY_PDF
from tests.conftest import csrf_token
from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import questionnaire_of, refreshed
from vendorcheck.web.ids import MAX_ID, BoundedIntConverter

HUGE = "999999999999999999999999999999"


def _id_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.arguments & _int_arguments(rule)]


def _int_arguments(rule) -> set[str]:
    return {name for name, converter in rule._converters.items() if _is_int(converter)}


def _is_int(converter) -> bool:
    return getattr(converter, "num_convert", None) is int


def test_every_integer_in_a_route_is_bounded_to_64_bits(app):
    unbounded = [
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if _is_int(converter)
        and (not isinstance(converter, BoundedIntConverter) or converter.max > MAX_ID)
    ]
    assert unbounded == []
    assert _id_rules(app), "the app has id-taking routes"


def test_every_id_route_answers_404_to_a_huge_id(app, client, login_as, invite):
    login_as("admin")
    portal_path, _assessment = invite("cloud")
    token = portal_path.strip("/").split("/")[1]
    for rule in _id_rules(app):
        values = {name: HUGE for name in _int_arguments(rule)}
        for name in rule.arguments - set(values):  # the token, a section, an any() choice
            items = getattr(rule._converters[name], "items", None)
            values[name] = sorted(items)[0] if items else token
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            # 405 when another method's rule has the same path: werkzeug checks methods first
            assert response.status_code in {404, 405}, f"{method} {url}: {response.status_code}"
            assert '<html lang="ja">' in response.get_data(as_text=True), url


def _post_form(client, path: str, fields: dict):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields})


def test_huge_department_ids_in_staff_and_case_forms_are_refused(client, login_as):
    login_as("admin")
    staff = _post_form(
        client,
        "/admin/staff/new",
        {
            "login_id": "newclerk",
            "display_name": "新しい職員",
            "role": "viewer",
            "department_id": HUGE,
        },
    )
    assert staff.status_code == 400
    case = _post_form(
        client,
        "/cases/new",
        {
            "title": "大きすぎる部局",
            "kind": "cloud",
            "department_id": HUGE,
            "classification_level": "2",
        },
    )
    assert case.status_code == 400 and "所管部局を選択してください" in case.get_data(as_text=True)


def test_huge_vendor_ids_in_the_invitation_are_refused(client, login_as, invite):
    login_as("admin")
    _path, assessment = invite("cloud")
    case_id = assessment.case_id
    response = _post_form(
        client,
        f"/cases/{case_id}/invite",
        {"vendor_ids": [HUGE], "questionnaire_id": questionnaire_of(assessment).id},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("field", ["revision", "remove_evidence"])
def test_a_huge_revision_or_evidence_id_in_the_portal_save_is_a_400(client, invite, field):
    path, assessment = invite("cloud")
    question = next(q for q in questionnaire_of(assessment).questions if q.type == "file")
    answer_service.add_evidence(assessment, question.id, "証跡.pdf", TINY_PDF, max_bytes=10**6)
    revision = refreshed(assessment).draft_revision
    section = f"{path}s/{question.section_id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(section).get_data(True))
    data = {"csrf_token": token.group(1), "revision": str(revision), field: HUGE}
    response = client.post(section, data=data)
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)
    assert refreshed(assessment).draft_revision == revision
    if field == "revision":
        autosave = client.post(f"{path}autosave", data={**data, "section_id": question.section_id})
        assert autosave.status_code == 400
        assert refreshed(assessment).draft_revision == revision
