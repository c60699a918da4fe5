"""Every staff page checks the role: a direct URL without it gets 403 in Japanese."""

from __future__ import annotations

import pytest

ADMIN_PAGES = [
    "/admin/staff",
    "/admin/staff/new",
    "/admin/staff/1",
    "/admin/departments",
    "/admin/departments/1",
    "/admin/organisation",
]
AUDIT_PAGES = ["/audit/", "/audit/export.csv"]


@pytest.mark.parametrize("path", ["/", "/password", *ADMIN_PAGES, *AUDIT_PAGES])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["viewer", "officer", "ciso"])
def test_admin_pages_are_forbidden_without_admin_role(client, login_as, role):
    login_as(role)
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "この操作を行う権限がありません" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_audit_log_is_for_admin_and_ciso_only(client, login_as, role):
    login_as(role)
    for path in AUDIT_PAGES:
        assert client.get(path).status_code == 403


def test_forbidden_post_writes_nothing(client, login_as, db):
    from tests.conftest import csrf_token
    from vendorcheck.store.models import Department

    login_as("officer")
    token = csrf_token(client, "/")
    before = Department.select().count()
    response = client.post("/admin/departments", data={"name": "新設部局", "csrf_token": token})
    assert response.status_code == 403
    assert Department.select().count() == before


def test_every_staff_view_declares_a_permission(app):
    """A new view without @require would be reachable by anyone: refuse that."""
    public = {"static", "auth.login", "auth.logout"}
    for endpoint, view in app.view_functions.items():
        if endpoint in public or endpoint.startswith(
            ("portal.", "portal_", "official_accounts.", "contract_portal.")
        ):
            continue
        assert hasattr(view, "required_permission"), f"{endpoint} has no @require"
