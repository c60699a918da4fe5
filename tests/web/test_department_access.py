"""The department rule on every route that names a case, an assessment, a register entry or a
use application: staff of another department get 403 in Japanese and change nothing; lists
show only their own department; ciso and admin see everything."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.registers_entries import make_entry
from tests.registers_helpers import as_user, department_id, staff_of
from tests.web.test_cases import invite, make_case
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.services import applications, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.models import AuditEvent, Department, UseApplication, Vendor

OWNED_PARAMS = ("case_id", "assessment_id", "entry_id", "application_id")


@pytest.fixture
def owned(app, db):
    """One of everything, owned by 事務部局."""
    case = make_case(title="事務部局の案件")
    vendor = Vendor.create(name="株式会社テスト", name_normalized="株式会社テスト")
    (link,) = invite(app, case, vendor)
    entry = make_entry(name="事務部局の公式 X")
    application = applications.start(
        Actor.system("test"),
        SYSTEM_READER,
        applications.ApplicationInput(
            kind="sns",
            department_id=department_id(),
            fields={"name": "事務部局の申請", "classification_level": "1", "platform": "x"},
            responsible=register_people.PersonInput(
                reg.RESPONSIBLE, name="高橋", department_name="事務部局"
            ),
        ),
        catalogue(app.config).for_kind("sns", respondent="department")[0],
    )
    return {
        "case_id": case.id,
        "assessment_id": link.assessment.id,
        "entry_id": entry.id,
        "application_id": application.id,
    }


def _urls(app, owned):
    """Every rule naming an owned object, filled in with that object (other values: 1)."""
    for rule in app.url_map.iter_rules():
        if not set(rule.arguments) & set(OWNED_PARAMS):
            continue
        values = {name: owned.get(name, 1) for name in rule.arguments}
        if "section_id" in values:
            values["section_id"] = "account"
        if "file_format" in values:
            values["file_format"] = "csv"
        if "step" in values:
            values["step"] = "accept"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.endpoint, app.url_for(rule.endpoint, **values)


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_every_owned_route_refuses_staff_of_another_department(
    app, client, make_staff, owned, role
):
    outsider = staff_of(make_staff, role, department="消防部局")
    as_user(client, outsider)
    token = csrf_token(client, "/")
    before = AuditEvent.select().count()
    checked = set()
    with app.test_request_context():
        urls = list(_urls(app, owned))
    for method, endpoint, url in urls:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, "revision": "0"})
        assert response.status_code == 403, (method, url, response.status_code)
        assert "権限がありません" in response.get_data(
            as_text=True
        ) or "他の部局" in response.get_data(as_text=True), url
        checked.add(endpoint)
    assert AuditEvent.select().count() == before
    assert {
        "cases.detail",
        "review.assessment",
        "registers.detail",
        "applications.detail",
    } <= checked
    assert len(checked) >= 30


def test_lists_show_only_the_own_department(app, client, make_staff, owned):
    make_case(title="消防部局の案件", department_id=department_id("消防部局"))
    make_entry(name="消防本部の公式 Instagram", department="消防部局")
    as_user(client, staff_of(make_staff, "viewer", department="消防部局"))
    cases = client.get("/cases/").get_data(as_text=True)
    assert "消防部局の案件" in cases and "事務部局の案件" not in cases
    entries = client.get("/registers/").get_data(as_text=True)
    assert "消防本部の公式 Instagram" in entries and "事務部局の公式 X" not in entries
    exported = client.get("/registers/export.csv").get_data().decode("utf-8-sig")
    assert "消防本部" in exported and "事務部局の公式 X" not in exported


def test_ciso_sees_every_department(app, client, make_staff, owned):
    as_user(client, make_staff("ciso", department_id=department_id("消防部局")))
    assert client.get(f"/cases/{owned['case_id']}").status_code == 200
    assert client.get(f"/registers/{owned['entry_id']}").status_code == 200
    assert client.get(f"/applications/{owned['application_id']}").status_code == 200


def test_an_officer_cannot_open_a_case_or_an_application_for_another_department(
    app, client, make_staff, db
):
    as_user(client, staff_of(make_staff, "officer", department="消防部局"))
    other = Department.get(Department.name == "事務部局").id
    token = csrf_token(client, "/cases/new")
    response = client.post(
        "/cases/new",
        data={
            "csrf_token": token,
            "title": "よその案件",
            "kind": "outsourcing",
            "department_id": str(other),
            "classification_level": "2",
        },
    )
    assert response.status_code == 403
    token = csrf_token(client, "/applications/new?kind=sns")
    response = client.post(
        "/applications/new?kind=sns",
        data={
            "csrf_token": token,
            "department_id": str(other),
            "name": "よその SNS",
            "classification_level": "1",
            "person_name": "某",
            "person_department": "事務部局",
        },
    )
    assert response.status_code == 403 and "変更できるのは" in response.get_data(as_text=True)
    assert UseApplication.select().count() == 0


def test_the_dashboard_lists_only_the_own_department_cases(app, client, make_staff, owned):
    from vendorcheck.store.models import Assessment

    Assessment.update(status="submitted").execute()
    as_user(client, staff_of(make_staff, "officer", department="消防部局"))
    assert "事務部局の案件" not in client.get("/").get_data(as_text=True)
    as_user(client, staff_of(make_staff, "viewer"))
    assert "事務部局の案件" in client.get("/").get_data(as_text=True)
