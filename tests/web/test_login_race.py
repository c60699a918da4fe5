"""Login throttling under parallel wrong passwords: at most the limit get through, on a real
threaded server over loopback, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import threading

import requests

from vendorcheck.store.models import LoginAttempt

PARALLEL = 8


def _form(session: requests.Session, base: str) -> str:
    html = session.get(f"{base}/login", timeout=60).text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match
    return match.group(1)


def test_parallel_wrong_passwords_let_at_most_the_limit_through(app, live_server, make_staff):
    staff = make_staff("officer")
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert limit < PARALLEL
    sessions = [requests.Session() for _ in range(PARALLEL)]
    tokens = [_form(session, live_server) for session in sessions]
    start = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def attempt(session: requests.Session, token: str) -> None:
        start.wait()
        response = session.post(
            f"{live_server}/login",
            data={
                "login_id": staff.login_id,
                "password": "Wrong-password-123",
                "csrf_token": token,
            },
            timeout=120,
            allow_redirects=False,
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(sessions, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [400] * limit + [429] * (PARALLEL - limit), statuses
    db = app.extensions["vendorcheck_db"]
    with db.connection_context():
        failures = LoginAttempt.select().where(LoginAttempt.login_id == staff.login_id).count()
    assert failures == limit, "locked attempts are not recorded"
