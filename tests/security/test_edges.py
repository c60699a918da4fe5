"""Throttles on logins and guessed links, open redirects through next=, security headers on
every kind of response, and hostile numbers in every query string and form integer."""

from __future__ import annotations

import re
import secrets
from typing import ClassVar
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.conftest import PASSWORD, csrf_token, login
from tests.security import world as w
from tests.web.test_annexes import make_assessment
from vendorcheck.domain import assessment_status
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import review
from vendorcheck.services.audit import Actor
from vendorcheck.web.auth import _safe_next as safe_next

HUGE = "999999999999999999999999999999"
THROTTLED = "一時的にログインできません"


def _attempt(client, login_id: str, password: str):
    return client.post(
        "/login",
        data={"login_id": login_id, "password": password, "csrf_token": csrf_token(client)},
    )


def test_logins_are_throttled_per_login_id_even_with_the_right_password(app, client, make_staff):
    staff = make_staff("officer")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert _attempt(client, staff.login_id, "wrong-password-1").status_code == 400
    locked = _attempt(client, staff.login_id, PASSWORD)
    assert locked.status_code == 429 and THROTTLED in locked.get_data(as_text=True)
    assert "vendorcheck_session" not in {c.key for c in client._cookies.values()} or (
        client.get("/").status_code == 302
    )


def test_logins_are_throttled_per_address_across_login_ids(app, client, make_staff):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    staff = make_staff("officer")
    for n in range(3):
        assert _attempt(client, f"guess{n}", "wrong-password-1").status_code == 400
    locked = _attempt(client, staff.login_id, PASSWORD)
    assert locked.status_code == 429 and THROTTLED in locked.get_data(as_text=True)


@pytest.mark.parametrize("prefix", ["/p/", "/c/"])
def test_guessed_links_are_throttled_and_then_even_a_real_link_waits(app, client, invite, prefix):
    app.config["PORTAL_MAX_FAILURES_PER_ADDRESS"] = 3
    path, _assessment = invite("cloud")
    for _ in range(3):
        guess = client.get(f"{prefix}{secrets.token_urlsafe(32)}/")
        assert guess.status_code == 404
    throttled = client.get(f"{prefix}{secrets.token_urlsafe(32)}/")
    assert throttled.status_code == 429
    assert "しばらく時間をおいてください" in throttled.get_data(as_text=True)
    assert client.get(path).status_code == 429


NEXT_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example",
    "javascript:alert(1)",
    "http:evil.example",
    "/%09/evil.example",
    "\t//evil.example",
    " //evil.example",
    "////evil.example",
    "https:/evil.example",
    "/%2F%2Fevil.example",
]


def _stays_on_the_site(location: str) -> bool:
    # as a browser reads it: tabs and newlines dropped, backslashes taken for slashes
    as_read = re.sub(r"[\t\n\r]", "", unquote(location)).replace("\\", "/")
    return all(
        urlsplit(urljoin("http://vendorcheck.test/login", seen)).netloc == "vendorcheck.test"
        for seen in (location, as_read)
    )


def test_next_never_leaves_the_site(app, client, make_staff):
    staff = make_staff("officer")
    for target in NEXT_TARGETS[:2]:  # two through a real login, all through the same rule
        token = csrf_token(client, "/login")
        response = client.post(
            "/login",
            query_string={"next": target},
            data={"login_id": staff.login_id, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302 and _stays_on_the_site(response.headers["Location"])
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.test_request_context("/login"):
        leaving = [t for t in NEXT_TARGETS if not _stays_on_the_site(safe_next(t))]
    assert leaving == []


def test_next_keeps_a_page_of_the_site(client, make_staff):
    staff = make_staff("officer")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": "/cases/?page=2"},
        data={"login_id": staff.login_id, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/cases/?page=2"


def _has_security_headers(response, *, cached: bool = False) -> list[str]:
    headers = response.headers
    problems = []
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    csp = headers.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in csp and headers.get("X-Frame-Options") != "DENY":
        problems.append("framing")
    if "default-src" not in csp and "sandbox" not in csp:
        problems.append("csp")
    if not headers.get("Referrer-Policy"):
        problems.append("referrer")
    if not cached and "no-store" not in headers.get("Cache-Control", ""):
        problems.append("no-store")
    return problems


def _autosave(client, world):
    section = w.values(_SectionRule(), world)["section_id"]
    page = client.get(f"/p/{world.token}/s/{section}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    revision = world.assessment.draft_revision
    return client.post(
        f"/p/{world.token}/autosave",
        data={"section_id": section, "revision": str(revision)},
        headers={"X-CSRFToken": token},
    )


class _SectionRule:
    arguments = frozenset({"section_id"})
    rule = "/p/<token>/s/<section_id>"
    _converters: ClassVar[dict] = {}


def test_every_kind_of_response_has_the_security_headers(app, client, runner, invite, make_staff):
    world = w.build_world(runner, invite)
    viewer = make_staff("viewer")
    assert login(client, viewer.login_id).status_code == 302
    forbidden = client.get("/admin/staff")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    admin = make_staff("admin")
    assert login(client, admin.login_id).status_code == 302
    case_id = w.submitted_case_id()
    kinds = {
        "html": client.get("/"),
        "json": _autosave(client, world),
        "csv": client.get("/audit/export.csv"),
        "xlsx": client.get("/assessments/?format=xlsx"),
        "docx": client.get(f"/cases/{case_id}/comparison.docx"),
        "svg": client.get(f"/cases/{case_id}/comparison.svg"),
        "404": client.get("/cases/987654321"),
        "403": forbidden,
        "portal": client.get(f"/p/{world.token}/"),
        "portal 404": client.get(f"/p/{secrets.token_urlsafe(32)}/"),
        "redirect": client.get("/login"),
        "400": client.post("/cases/new", data={}),
    }
    app.config["PORTAL_MAX_FAILURES_PER_ADDRESS"] = 1
    kinds["429"] = client.get(f"/p/{secrets.token_urlsafe(32)}/")
    static = client.get("/static/css/app.css")
    public_list = client.get("/official-accounts.json")  # public and cacheable by design
    expected = {
        "html": 200,
        "json": 200,
        "csv": 200,
        "xlsx": 200,
        "docx": 200,
        "svg": 200,
        "404": 404,
        "403": 403,
        "portal": 200,
        "portal 404": 404,
        "redirect": 302,
        "400": 400,
        "429": 429,
    }
    assert {k: r.status_code for k, r in kinds.items()} == expected
    problems = {k: _has_security_headers(r) for k, r in kinds.items()}
    problems["static"] = _has_security_headers(static, cached=True)
    problems["public json"] = _has_security_headers(public_list, cached=True)
    assert static.status_code == 200
    assert {k: p for k, p in problems.items() if p} == {}
    assert kinds["portal"].headers["Referrer-Policy"] == "no-referrer"


HOSTILE_QUERY = {
    "page": ["²", HUGE, "-1"],
    "version": HUGE,
    "department": HUGE,
    "department_id": "１２",
    "staff_id": "٣",
    "status": "<script>",
    "sort": "__class__",
    "order": "drop",
    "on": "9999-99-99",
    "fiscal_year": "²",
    "kind": "../../etc",
    "q": "\x00' OR 1=1 --",
}


def test_every_get_route_survives_hostile_query_values(app, client, runner, invite, login_as):
    world = w.build_world(runner, invite)
    login_as("admin")
    client = w.plain_client(app, client)
    errors = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        filled = w.values(rule, world)
        if w.unfilled(rule, filled):
            errors.append(w.unfilled(rule, filled))
            continue
        response = client.get(w.url(rule, filled), query_string=HOSTILE_QUERY)
        if response.status_code >= 500:
            errors.append(f"{rule.rule}: {response.status_code}")
    assert errors == []


def test_a_huge_annex_version_in_the_contract_form_is_refused(app, client, db, login_as):
    assessment = make_assessment(app, "outsourcing")
    system = Actor.system("test")
    assessment = review.decide(
        system, assessment, assessment_status.ACCEPTED, "試験のため承認", confirm_pending=True
    )
    annex_service.generate(
        system,
        assessment,
        clauses=clause_service.clause_library(app.config),
        positions=clause_service.clause_positions(app.config),
    )
    login_as("admin")
    path = f"/assessments/{assessment.id}/contract"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "annex_version": HUGE,
            "number": "R9-001",
            "title": "業務委託",
            "starts_on": "2027-04-01",
            "ends_on": "2028-03-31",
            "responsible_person": "阿蘇 太郎",
            "contact_email": "report@example.jp",
            "report_frequency": "monthly",
            "report_due_days": "10",
        },
    )
    assert response.status_code in (400, 404)
    assert '<html lang="ja">' in response.get_data(as_text=True)


@pytest.mark.parametrize("where", ["query", "form"])
def test_a_nul_character_is_refused_in_japanese(client, login_as, where):
    login_as("admin")
    if where == "query":
        response = client.get("/assessments/", query_string={"q": "a\x00b"})
    else:
        token = csrf_token(client, "/cases/new")
        response = client.post("/cases/new", data={"csrf_token": token, "title": "a\x00b"})
    assert response.status_code == 400
    assert "NUL 文字" in response.get_data(as_text=True)
