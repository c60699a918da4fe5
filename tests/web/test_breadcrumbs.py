"""Every staff page below the dashboard says where it sits: each GET route of the URL map is
fetched with the demonstration data (its ids filled from real rows, as the CSRF suite does) and
every HTML page it answers must carry the breadcrumb nav. The client also runs the page checks,
so no staff page here shows a raw question or requirement id."""

from __future__ import annotations

import dataclasses

import pytest

from tests.security import world as w
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store.models import Assessment

# Pages that are not below the dashboard: the dashboard itself, the login, the vendor's portal
# and contract links (no staff navigation), static files and the health check.
NOT_BELOW_THE_DASHBOARD = ("/", "/login")
OUTSIDE_THE_STAFF_PAGES = ("/p/", "/c/", "/static/", "/healthz", "/a/")
# Downloads of stored files: no page to put breadcrumbs on (their rows are not in the demo).
DOWNLOADS = ("/evidence/<", "/retirement/<", ".docx", "export.<")
# Pages the demonstration data cannot fill: the demo submits no second version to compare, and
# an application's sections are those of its self-check, not of the assessment's questionnaire
# (both pages are fetched with breadcrumbs in their own tests).
NOT_FILLED_BY_THE_DEMO = (
    "/assessments/<int:assessment_id>/compare",
    "/applications/<int:application_id>/s/<section_id>",
)
BREADCRUMBS = '<nav class="breadcrumbs" aria-label="現在位置">'


def _staff_get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule in NOT_BELOW_THE_DASHBOARD:
            continue
        if rule.rule.startswith(OUTSIDE_THE_STAFF_PAGES) or any(d in rule.rule for d in DOWNLOADS):
            continue
        yield rule


@pytest.fixture
def world(app, runner, invite, login_as):
    """The security suites' real rows, around the demo's assessment with the most versions
    (comparisons and answer lists have content)."""
    built = w.build_world(runner, invite)
    login_as("admin")
    most_versions = Assessment.select().order_by(Assessment.submitted_version.desc()).first()
    return dataclasses.replace(built, assessment=most_versions)


def test_every_staff_page_below_the_dashboard_has_breadcrumbs(app, client, world):
    fetched, missing, unfilled, failed = [], [], [], []
    for rule in _staff_get_rules(app):
        if rule.rule in NOT_FILLED_BY_THE_DEMO:
            continue
        values = w.values(rule, world)
        if "questionnaire_id" in rule.arguments:
            values["questionnaire_id"] = questionnaire_of(world.assessment).id
        if set(rule.arguments) - set(values):
            unfilled.append(rule.rule)
            continue
        path = rule.build(values, append_unknown=False)[1]
        response = client.get(path)
        if response.status_code != 200:
            failed.append(f"{path}: {response.status_code}")
            continue
        if response.mimetype != "text/html":
            continue  # a download
        fetched.append(path)
        if BREADCRUMBS not in response.get_data(as_text=True):
            missing.append(path)
    assert not unfilled, f"routes whose parameters this test cannot fill: {unfilled}"
    assert not failed, f"staff pages that did not answer 200: {failed}"
    assert len(fetched) > 40, fetched
    assert not missing, f"staff pages without breadcrumbs: {missing}"
