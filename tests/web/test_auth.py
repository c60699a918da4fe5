"""Login, logout, password change, throttling, CSRF and role checks."""

from __future__ import annotations

from tests.conftest import PASSWORD, csrf_token, login
from vendorcheck.store.models import AuditEvent, LoginAttempt, Staff


def test_login_page_is_japanese_and_has_csrf(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ログイン ID" in html and 'name="csrf_token"' in html


def test_login_with_right_password_lands_on_dashboard(client, make_staff, db):
    staff = make_staff("officer")
    response = login(client, staff.login_id)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert "ダッシュボード" in page.get_data(as_text=True)
    assert AuditEvent.select().where(AuditEvent.action == "staff.login").count() == 1


def test_wrong_password_unknown_and_disabled_users_get_japanese_errors(client, make_staff, db):
    staff = make_staff("officer")
    wrong = login(client, staff.login_id, "Wrong-password-123")
    assert wrong.status_code == 400
    assert "ログイン ID またはパスワードが正しくありません。" in wrong.get_data(as_text=True)
    unknown = login(client, "nobody", PASSWORD)
    assert unknown.status_code == 400
    assert "ログイン ID またはパスワードが正しくありません。" in unknown.get_data(as_text=True)
    Staff.update(active=False).where(Staff.id == staff.id).execute()
    disabled = login(client, staff.login_id)
    assert disabled.status_code == 400
    assert "無効" in disabled.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_empty_login_form_names_both_fields(client):
    token = csrf_token(client)
    response = client.post("/login", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "ログイン IDを入力してください。" in html and "パスワードを入力してください。" in html
    assert 'href="#login_id"' in html  # the error summary links to the field


def test_login_without_or_with_wrong_csrf_is_refused_and_writes_nothing(client, make_staff, db):
    staff = make_staff("officer")
    before = LoginAttempt.select().count()
    missing = client.post("/login", data={"login_id": staff.login_id, "password": PASSWORD})
    assert missing.status_code == 400
    assert "フォームの有効期限が切れたか" in missing.get_data(as_text=True)
    wrong = client.post(
        "/login", data={"login_id": staff.login_id, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert wrong.status_code == 400
    assert LoginAttempt.select().count() == before
    assert client.get("/").status_code == 302


def test_failed_logins_lock_the_account_with_429(app, client, make_staff, db):
    staff = make_staff("officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, staff.login_id, "Wrong-password-123").status_code == 400
    locked = login(client, staff.login_id)  # even the right password waits now
    assert locked.status_code == 429
    assert "一時的にログインできません" in locked.get_data(as_text=True)


def test_failed_logins_from_one_address_are_throttled_across_accounts(app, client, db):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for number in range(3):
        login(client, f"guess{number}", "Wrong-password-123")
    assert login(client, "another", "Wrong-password-123").status_code == 429


def test_session_cookie_is_httponly_lax_and_renewed_at_login(client, make_staff):
    staff = make_staff("officer")
    first_token = csrf_token(client)
    response = login(client, staff.login_id)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert csrf_token(client, "/password") != first_token


def test_cookie_is_secure_over_https(client, make_staff):
    staff = make_staff("officer")
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"login_id": staff.login_id, "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_first_login_must_change_the_one_time_password(client, app, db):
    from vendorcheck.services import staff as staff_service
    from vendorcheck.services.audit import Actor

    _staff, initial = staff_service.create_staff(
        Actor.system(), login_id="newcomer", display_name="新人", role="viewer"
    )
    response = login(client, "newcomer", initial)
    assert response.headers["Location"] == "/password"
    assert client.get("/").headers["Location"] == "/password"
    token = csrf_token(client, "/password")
    weak = client.post(
        "/password",
        data={
            "current_password": initial,
            "new_password": "short",
            "confirm_password": "short",
            "csrf_token": token,
        },
    )
    assert weak.status_code == 400 and "12文字以上" in weak.get_data(as_text=True)
    mismatch = client.post(
        "/password",
        data={
            "current_password": initial,
            "new_password": "Another-Secret-77",
            "confirm_password": "Another-Secret-78",
            "csrf_token": token,
        },
    )
    assert mismatch.status_code == 400 and "一致しません" in mismatch.get_data(as_text=True)
    done = client.post(
        "/password",
        data={
            "current_password": initial,
            "new_password": "Another-Secret-77",
            "confirm_password": "Another-Secret-77",
            "csrf_token": token,
        },
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    assert not Staff.get(Staff.login_id == "newcomer").must_change_password


def test_password_change_ends_other_sessions(app, make_staff, db):
    staff = make_staff("officer")
    first, second = app.test_client(), app.test_client()
    login(first, staff.login_id)
    login(second, staff.login_id)
    token = csrf_token(first, "/password")
    first.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Brand-New-Secret-1",
            "confirm_password": "Brand-New-Secret-1",
            "csrf_token": token,
        },
    )
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_logout_needs_post_and_csrf(client, login_as):
    login_as("viewer")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_never_redirects_off_site(client, make_staff):
    staff = make_staff("viewer")
    token = csrf_token(client)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"login_id": staff.login_id, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_oversized_login_input_is_refused_cleanly(client):
    token = csrf_token(client)
    response = client.post(
        "/login", data={"login_id": "x" * 5000, "password": "y" * 5000, "csrf_token": token}
    )
    assert response.status_code == 400
    assert "ログイン" in response.get_data(as_text=True)
