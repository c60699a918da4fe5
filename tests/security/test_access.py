"""Access from the URL map: every staff route sends anonymous visitors to the login page,
refuses each role without its permission (403 in Japanese), refuses staff of another
department where rows belong to departments, and answers 404 to a child row of another parent
(another assessment's evidence, another contract's report, another link's files). A new route
joins by itself; a route these tests cannot fill fails the suite by name."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token, login
from tests.security import world as w
from vendorcheck.domain.roles import ROLES, can
from vendorcheck.store.models import Department

# Endpoints open without a staff login: the vendor's links, the public list, logging in.
PUBLIC_BLUEPRINTS = (
    "portal",
    "portal_answers",
    "portal_checksheet",
    "contract_portal",
    "official_accounts",
)
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.logout"}
FORBIDDEN_TEXT = "権限がありません"
# Parameters naming rows that belong to a department, and a page that shows one such row.
# A room whose rows are department-scoped joins when its page refuses another department.
DEPARTMENT_ROOMS = {
    "case_id": "/cases/{}",
    "assessment_id": "/assessments/{}",
    "entry_id": "/registers/{}",
    "application_id": "/applications/{}",
    "contract_id": "/contracts/{}",
}
METHODS = ("GET", "POST")


def _is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


def _staff_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if not _is_public(rule.endpoint)
        and hasattr(app.view_functions[rule.endpoint], "required_permission")
    ]


def _permission(app, rule) -> str:
    return app.view_functions[rule.endpoint].required_permission


def _methods(rule) -> list[str]:
    return [m for m in METHODS if m in (rule.methods or ())]


@pytest.fixture
def world(app, runner, invite):
    return w.build_world(runner, invite)


def _send(client, method: str, url: str, token: str | None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token or "", "confirm": "1", "revision": "1"})


def test_every_endpoint_is_a_staff_page_or_listed_as_public(app):
    unknown = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if not _is_public(endpoint) and not hasattr(view, "required_permission")
    ]
    assert unknown == [], f"neither @require nor public: {unknown}"
    assert len(_staff_rules(app)) > 80


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_staff_route(app, client, world):
    token = csrf_token(client, "/login")
    problems, unfilled = [], []
    for rule in _staff_rules(app):
        filled = w.values(rule, world)
        if w.unfilled(rule, filled):
            unfilled.append(w.unfilled(rule, filled))
            continue
        for method in _methods(rule):
            response = _send(client, method, w.url(rule, filled), token)
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith("/login"):
                problems.append(f"{method} {rule.rule}: {response.status_code} {location}")
    assert unfilled == [], f"add these parameters to tests/security/world.py: {unfilled}"
    assert problems == []


def test_every_staff_route_refuses_a_role_without_its_permission(app, world, make_staff):
    home = Department.get(Department.name == "事務部局").id
    checked, problems = 0, []
    for role in [role.id for role in ROLES if role.id != "admin"]:
        client = app.test_client()
        assert login(client, make_staff(role, department_id=home).login_id).status_code == 302
        token = csrf_token(client, "/")
        for rule in _staff_rules(app):
            if can(role, _permission(app, rule)):
                continue
            filled = w.values(rule, world)
            assert not w.unfilled(rule, filled), w.unfilled(rule, filled)
            for method in _methods(rule):
                response = _send(client, method, w.url(rule, filled), token)
                checked += 1
                if response.status_code != 403 or FORBIDDEN_TEXT not in response.get_data(True):
                    problems.append(f"{role} {method} {rule.rule}: {response.status_code}")
    assert problems == []
    assert checked > 30


def _scoped_rooms(client, world) -> set[str]:
    """The rooms whose own page refuses staff of another department (contracts join when
    their scoping lands)."""
    rooms = set()
    for parameter, page in DEPARTMENT_ROOMS.items():
        row = w.values(_FakeRule(parameter), world)[parameter]
        if client.get(page.format(row)).status_code in (403, 404):
            rooms.add(parameter)
    return rooms


class _FakeRule:
    """Just enough of a rule for w.values: its parameters."""

    def __init__(self, parameter: str) -> None:
        self.arguments = {parameter}
        self.rule = f"/{parameter}"
        self._converters: dict = {}


def test_staff_of_another_department_are_refused_every_route_naming_its_rows(
    app, world, make_staff
):
    fire = Department.get(Department.name == "消防部局")
    checked, problems = 0, []
    for role in ("officer", "viewer"):
        client = app.test_client()
        assert login(client, make_staff(role, department_id=fire.id).login_id).status_code == 302
        token = csrf_token(client, "/")
        rooms = _scoped_rooms(client, world)
        assert {"case_id", "assessment_id", "entry_id", "application_id"} <= rooms
        for rule in _staff_rules(app):
            if not (rule.arguments & rooms) or not can(role, _permission(app, rule)):
                continue
            filled = w.values(rule, world)
            for method in _methods(rule):
                response = _send(client, method, w.url(rule, filled), token)
                checked += 1
                body = response.get_data(as_text=True)
                if response.status_code not in (403, 404) or not _japanese_refusal(body):
                    problems.append(
                        f"{role} {method} {w.url(rule, filled)}: {response.status_code}"
                    )
    assert problems == [], "\n".join(problems)
    assert checked > 20


def _japanese_refusal(body: str) -> bool:
    return FORBIDDEN_TEXT in body or "見つかりません" in body


def test_every_child_of_another_parent_is_a_404(app, client, world, login_as):
    login_as("admin")
    token = csrf_token(client, "/")
    checked, problems, unlisted = 0, [], []
    for rule in app.url_map.iter_rules():
        prefix = w.parent_prefix(rule)
        if prefix is None:
            continue
        parent = w.PARENT_PARAMETER[prefix]
        children = rule.arguments - {parent, "section_id", "step"} - w.SEQUENCES
        if prefix in ("/p/", "/c/"):
            children -= {"token"}
        if not children or parent not in rule.arguments:
            continue
        listed = {c for c in children if c in w.PARENTS[prefix]}
        unlisted += [f"{rule.rule} ({c})" for c in children - listed]
        for child in listed:
            column = w.PARENTS[prefix][child]
            filled = w.values(rule, world)
            if prefix == "/p/":  # the invited vendor's link, another assessment's row
                row = column.model.select().where(column != world.assessment.id).first()
                assert row is not None, f"{rule.rule}: no {column.model.__name__} elsewhere"
                filled[child] = row.id
            else:
                other = w.other_parent(column, filled[child])
                assert other is not None, f"{rule.rule}: only one {column.rel_model.__name__}"
                filled[parent] = world.contract_tokens[other] if prefix == "/c/" else other
            for method in _methods(rule):
                response = _send(client, method, w.url(rule, filled), token)
                checked += 1
                if response.status_code != 404:
                    problems.append(f"{method} {w.url(rule, filled)}: {response.status_code}")
    assert unlisted == [], f"add these to tests/security/world.py PARENTS: {unlisted}"
    assert problems == [] and checked > 15
