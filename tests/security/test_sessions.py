"""A session ends at logout on the server, and has an absolute lifetime and an idle timeout."""

from __future__ import annotations

import time

import pytest

from tests.conftest import csrf_token, login
from vendorcheck.web.auth import SEEN_AT_GRANULARITY_SECONDS


@pytest.fixture
def logged_in(client, make_staff):
    staff = make_staff("officer")
    assert login(client, staff.login_id).status_code == 302
    return staff


def test_a_cookie_copied_before_logout_no_longer_opens_staff_pages(app, client, logged_in):
    copied = client.get_cookie("vendorcheck_session").value
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302

    thief = app.test_client()
    thief.set_cookie("vendorcheck_session", copied)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logging_in_again_after_logout_works(client, logged_in):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, logged_in.login_id).status_code == 302
    assert client.get("/").status_code == 200


def _age_session(client, *, login_seconds_ago: int = 0, idle_seconds: int = 0) -> None:
    now = int(time.time())
    with client.session_transaction() as session:
        session["login_at"] = now - login_seconds_ago
        session["seen_at"] = now - idle_seconds


def test_an_idle_session_ends_after_the_idle_timeout(app, client, logged_in):
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    _age_session(client, login_seconds_ago=idle - 60, idle_seconds=idle - 60)
    assert client.get("/").status_code == 200
    _age_session(client, login_seconds_ago=idle + 60, idle_seconds=idle + 1)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "一定時間操作がなかったため" in page


def test_a_busy_session_still_ends_after_the_absolute_lifetime(app, client, logged_in):
    lifetime = app.config["SESSION_LIFETIME_MINUTES"] * 60
    _age_session(client, login_seconds_ago=lifetime - 60)
    assert client.get("/").status_code == 200  # used a minute ago: still open
    _age_session(client, login_seconds_ago=lifetime + 1)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ログインから一定時間が経過したため" in page


def test_each_request_moves_the_idle_clock(client, logged_in):
    _age_session(client, idle_seconds=120)
    client.get("/")
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5


def test_a_request_within_the_granularity_leaves_the_cookie_alone(client, logged_in):
    client.get("/")  # the first page after login keeps its CSRF token in the session
    _age_session(client, idle_seconds=SEEN_AT_GRANULARITY_SECONDS - 10)
    with client.session_transaction() as session:
        seen_at = session["seen_at"]
    response = client.get("/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    with client.session_transaction() as session:
        assert session["seen_at"] == seen_at  # the idle clock runs on from the recorded time


def test_a_request_after_the_granularity_moves_the_idle_clock_and_sends_the_cookie(
    client, logged_in
):
    client.get("/")
    _age_session(client, idle_seconds=SEEN_AT_GRANULARITY_SECONDS + 1)
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers.get("Set-Cookie", "").startswith("vendorcheck_session=")
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5


def test_a_session_without_timestamps_is_refused(client, logged_in):
    with client.session_transaction() as session:
        session.pop("login_at")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
