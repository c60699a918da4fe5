"""Pages at scale: the same number of SQL queries on small data and after ten years more
(demo_scale.SCALES["10y"]) for every list and the dashboard, stored expiry facts and register ISMAP checks equal to a full recomputation on the grown data, and
the comparison of 50 bidders under 200 KB of HTML (the full table stays in the exports)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import login
from tests.services.test_submission_times import recomputed_times, stored_times
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import demo_scale, expiry_facts, register_ismap
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services.register_list import flag_conditions
from vendorcheck.store.models import RegisterEntry
from vendorcheck.web.home import CACHE_KEY

PASSWORD = "Scale-Test-Password-17"
SMALL = demo_scale.Scale(
    years=2, cases=20, assessments_per_case=3, vendors=25, evidence=40,
    register_entries=30, contracts=4, audit_events=300,
)  # fmt: skip
GROWTH = demo_scale.SCALES["10y"]  # grown by ten years of history
PAGES = (
    "/",
    "/cases/",
    "/cases/?page=2&sort=title",
    "/cases/?kind=cloud",
    "/vendors/",
    "/vendors/?sort=updated&order=desc&page=2",
    "/assessments/",
    "/assessments/?page=2&sort=vendor&order=desc",
    "/assessments/?status=submitted",
    "/registers/",
    "/registers/?page=2",
    "/audit/",
    "/audit/?page=2",
    "/audit/?actor=職員&sort=actor&page=2",
    "/ismap/?q=クラウド",
    "/ismap/",
    "/contracts/",
    "/contracts/?status=active&sort=vendor",
    "/contracts/?sort=next_due_on&order=desc&page=2",
)
MAX_HTML = 200 * 1024
COLD = "#cold"
COLD_DASHBOARD = "/" + COLD


def _questionnaire_for(app):
    catalogue = questionnaire_service.catalogue(app.config)
    return lambda kind: next(iter(catalogue.for_kind(kind)), None)


def _query_counts(app, client) -> dict[str, int]:
    db = app.extensions["vendorcheck_db"]
    counts = {}
    original = db.execute_sql
    for path in (*PAGES, COLD_DASHBOARD):
        client.get(path.removesuffix(COLD))  # warm caches (questionnaire snapshots, scorecards)
        if path == COLD_DASHBOARD:  # the dashboard computed afresh, not its kept panels
            app.extensions.pop(CACHE_KEY, None)
        statements: list[str] = []

        def counting(sql, params=None, *args, statements=statements, **kwargs):
            statements.append(sql)
            return original(sql, params, *args, **kwargs)

        db.execute_sql = counting
        try:
            response = client.get(path.removesuffix(COLD))
        finally:
            db.execute_sql = original
        assert response.status_code == 200, path
        assert len(response.data) <= MAX_HTML, (path, len(response.data))
        counts[path] = len(statements)
    return counts


def test_every_list_costs_the_same_queries_on_small_and_grown_data(app, client, db):
    questionnaire_for = _questionnaire_for(app)
    demo_scale.load_scale(questionnaire_for, password=PASSWORD, scale=SMALL)
    assert login(client, "ciso", PASSWORD).status_code == 302
    small = _query_counts(app, client)
    demo_scale.extend_scale(questionnaire_for, scale=GROWTH)
    grown = _query_counts(app, client)
    assert grown == small
    stored = expiry_facts.stored_facts()
    assert len(stored) > 300 and stored == expiry_facts.recomputed_facts()
    checks = register_ismap.stored_checks()  # the register's ISMAP checks, stored at saves
    assert sum(1 for fact in checks.values() if any(fact)) > 1000
    assert checks == register_ismap.recomputed_checks()
    unconfirmed = flag_conditions(today_jst())["ismap_unconfirmed"]
    in_sql = {row.id for row in RegisterEntry.select(RegisterEntry.id).where(unconfirmed)}
    assert in_sql == register_ismap.live_unconfirmed(today_jst())
    times = stored_times()  # the newest submission's time, kept on each assessment
    assert sum(1 for at in times.values() if at) > 300 and times == recomputed_times()


def test_the_comparison_of_50_bidders_stays_under_200_kb(app, client, db):
    questionnaire_for = _questionnaire_for(app)
    demo_scale.load_scale(questionnaire_for, password=PASSWORD, scale=SMALL)
    case_id = demo_scale.bidding_case(questionnaire_for("cloud"), 50)
    assert login(client, "officer", PASSWORD).status_code == 302
    first = client.get(f"/cases/{case_id}/comparison")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and len(first.data) <= MAX_HTML, len(first.data)
    assert "50社（提出済み 50社）" in html
    assert "提出済みの全社で同じ" in html  # rows that do not differ are collapsed
    assert "1〜10 社目を表示しています" in html and 'rel="next"' in html
    last = client.get(f"/cases/{case_id}/comparison?page=5&sort=-total")
    assert last.status_code == 200 and len(last.data) <= MAX_HTML
    assert "41〜50 社目を表示しています" in last.get_data(as_text=True)
    exported = client.get(f"/cases/{case_id}/comparison.csv")
    table = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert table[0][:2] == ["種類", "項目"] and len(table[0]) == 2 + 50, "every bidder"


@pytest.fixture(autouse=True)
def _fresh_comparison_cache():
    from vendorcheck.services import scoring_inputs

    scoring_inputs.clear_cache()
