"""The dashboard's kept panels (services/dashboard_cache.py): a repeated view costs the stamp
query and rendering, and a change made anywhere (another request, another process, a command)
shows on the very next view, because the stamp is read from the database every time."""

from __future__ import annotations

import datetime as dt

from tests.registers_entries import make_entry
from tests.registers_helpers import as_user, staff_of
from tests.web.test_cases import _count_queries
from vendorcheck.domain import registers as reg
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import audit, dashboard_cache, register_people
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import AuditEvent, RegisterEntry

LISTED = {"official_page_url": "https://city.example.jp/sns", "listed_on_website": True}
ENTRY = "責任者が退職する公式X"
NEEDS = "flag=needs_responsible"  # the link of the panel's count, there when it is not 0


def _view(client, db, monkeypatch) -> tuple[str, list[str]]:
    executed = _count_queries(db, monkeypatch)
    response = client.get("/")
    monkeypatch.undo()
    assert response.status_code == 200
    return response.get_data(as_text=True), list(executed)


def _leaving_responsible(make_staff):
    leaver = staff_of(make_staff, "officer", display_name="退職 予定")
    entry = make_entry(name=ENTRY, **LISTED)
    register_people.add_assignment(
        Actor.system("test"),
        RegisterEntry.get_by_id(entry.id),
        register_people.PersonInput(reg.RESPONSIBLE, staff_id=leaver.id),
        effective_from=today_jst() - dt.timedelta(days=10),
        reason="異動",
    )
    return leaver


def _disable(leaver) -> None:
    """What the admin page does, called as another process (a command) would."""
    staff_service.update_staff(
        Actor.system("test"),
        leaver.id,
        display_name=leaver.display_name,
        email="",
        role="officer",
        department_id=leaver.department_id,
        active=False,
    )


def test_a_repeated_view_costs_the_stamp_query_and_a_change_shows_at_once(
    client, make_staff, db, monkeypatch
):
    leaver = _leaving_responsible(make_staff)
    officer = staff_of(make_staff, "officer", display_name="高橋 真理")
    as_user(client, officer)
    first, cold = _view(client, db, monkeypatch)
    assert ENTRY not in first and NEEDS not in first
    again, warm = _view(client, db, monkeypatch)
    assert ENTRY not in again and again.count("<h2") == first.count("<h2")
    # the session's staff member and the stamp (the frame's organisation name is kept too)
    assert len(warm) == 2 < len(cold)
    assert sum('MAX("t1"."id")' in sql and "audit_event" in sql for sql in warm) == 1

    _disable(leaver)  # the entry now needs a new 責任者
    changed, recomputed = _view(client, db, monkeypatch)
    assert ENTRY in changed and NEEDS in changed and len(recomputed) == len(cold)
    _, warm_again = _view(client, db, monkeypatch)
    assert len(warm_again) == 2


def test_panels_are_kept_per_department_and_a_change_reaches_every_kept_copy(
    client, make_staff, db, monkeypatch
):
    leaver = _leaving_responsible(make_staff)
    office = staff_of(make_staff, "officer", display_name="事務 職員")
    fire = staff_of(make_staff, "officer", "消防部局", display_name="消防 職員")
    ciso = staff_of(make_staff, "ciso")
    for staff in (office, fire, ciso):  # every scope computed and kept
        as_user(client, staff)
        assert NEEDS not in _view(client, db, monkeypatch)[0]
    _disable(leaver)
    for staff, sees in ((office, True), (fire, False), (ciso, True)):
        as_user(client, staff)
        assert (NEEDS in _view(client, db, monkeypatch)[0]) is sees


def test_the_stamp_moves_with_every_audit_event_including_late_commits(app, db):
    before = dashboard_cache.data_stamp()
    newest = audit.record(Actor.system("test"), "test.change", "test")
    after = dashboard_cache.data_stamp()
    assert after != before and after[0] == newest.id
    # A transaction that took a lower id commits after the newest one (PostgreSQL sequences):
    # the newest id stays, the count of the last ids moves.
    AuditEvent.create(
        id=newest.id + 5, actor_kind="system", actor_label="t", action="a", object_type="t"
    )
    ahead = dashboard_cache.data_stamp()
    AuditEvent.create(
        id=newest.id + 2, actor_kind="system", actor_label="t", action="a", object_type="t"
    )
    late = dashboard_cache.data_stamp()
    assert late[0] == ahead[0] == newest.id + 5 and late != ahead


def test_the_cache_keeps_a_panel_until_its_stamp_moves_and_drops_the_least_used():
    cache = dashboard_cache.PanelCache(max_entries=2)
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert cache.panel("p", "a", (1, 1), compute) == 1
    assert cache.panel("p", "a", (1, 1), compute) == 1  # kept
    assert cache.panel("p", "b", (1, 1), compute) == 2  # another scope
    assert cache.panel("p", "a", (1, 2), compute) == 3  # the data changed
    cache.panel("q", "a", (1, 2), compute)
    assert len(cache) == 2 and cache.panel("p", "b", (1, 1), compute) == 5  # "b" had gone
