"""Every POST route refuses a request without a CSRF token (400). The routes come from the URL
map, so a new route is covered by itself; its URL is filled with ids of real rows
(tests/security/world.py), and a route whose parameters cannot be filled fails the suite by
name."""

from __future__ import annotations

import pytest

from tests.security import world as w


@pytest.fixture
def world(app, runner, invite, login_as):
    built = w.build_world(runner, invite)
    login_as("admin")
    return built


def test_every_post_route_refuses_a_request_without_a_csrf_token(app, client, world):
    post_rules = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]
    assert len(post_rules) > 20
    unfilled, accepted = [], []
    for rule in post_rules:
        values = w.values(rule, world)
        if w.unfilled(rule, values):
            unfilled.append(w.unfilled(rule, values))
            continue
        url = w.url(rule, values)
        response = client.post(url, data={"confirm": "1"})
        if response.status_code != 400 or "正しくない送信です" not in response.get_data(
            as_text=True
        ):
            accepted.append(f"{url}: {response.status_code}")
    assert unfilled == [], f"add these parameters to tests/security/world.py: {unfilled}"
    assert accepted == [], f"POST without a CSRF token was not refused: {accepted}"
