"""The register panels of the dashboard, by department: overdue reviews, entries needing a new
責任者 (a 責任者 whose account was disabled), flagged accounts and services, applications
waiting for approval. Officers and viewers see their own department, ciso and admin all,
in the same number of queries however large the register."""

from __future__ import annotations

import datetime as dt

from tests.registers_entries import make_entry
from tests.registers_helpers import (
    answer_self_check,
    apply_for_sns,
    as_user,
    department_id,
    staff_of,
    submit_application,
)
from tests.web.test_cases import _count_queries
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import register_board, register_people
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import RegisterEntry
from vendorcheck.web.home import CACHE_KEY

LISTED = {"official_page_url": "https://city.example.jp/sns", "listed_on_website": True}


def _fill(make_staff) -> dict[str, int]:
    leaver = staff_of(make_staff, "officer", display_name="退職 予定")
    ids = {
        "overdue": make_entry(
            name="点検切れの公式X", **LISTED, next_review_on=today_jst() - dt.timedelta(days=3)
        ),
        "no_mfa": make_entry(name="多要素なしの公式LINE", **LISTED, mfa_enabled=False),
        "unverified": make_entry(name="認証なしの公式Instagram", **LISTED, platform_verified=False),
        "dormant": make_entry(
            name="休眠中の公式Facebook", **LISTED, last_post_on=today_jst() - dt.timedelta(days=400)
        ),
        "not_listed": make_entry(
            name="未掲載の公式YouTube",
            official_page_url="https://city.example.jp/sns",
            listed_on_website=False,
        ),
        "no_ismap": make_entry(
            entry_type=reg.SERVICE, name="番号なしのクラウド", classification_level="2"
        ),
        "unconfirmed": make_entry(
            entry_type=reg.SERVICE,
            name="番号が確認できないクラウド",
            classification_level="2",
            ismap_number="C24-9999-9",
        ),
        "fine": make_entry(name="問題のない公式X", **LISTED),
        "fire": make_entry(
            name="消防本部の公式X", **LISTED, department="消防部局", mfa_enabled=False
        ),
        "retired": make_entry(
            name="廃止した公式X", **LISTED, mfa_enabled=False, status=reg.RETIRED
        ),
        "leaver": make_entry(name="責任者が退職した公式X", **LISTED),
    }
    ids = {key: entry.id for key, entry in ids.items()}
    register_people.add_assignment(
        Actor.system("test"),
        RegisterEntry.get_by_id(ids["leaver"]),
        register_people.PersonInput(reg.RESPONSIBLE, staff_id=leaver.id),
        effective_from=today_jst() - dt.timedelta(days=10),
        reason="異動",
    )
    staff_service.update_staff(
        Actor.system("test"),
        leaver.id,
        display_name=leaver.display_name,
        email="",
        role="officer",
        department_id=leaver.department_id,
        active=False,
    )
    return ids


def _names(items) -> set[str]:
    return {getattr(item, "entry", item).name for item in items}


def test_the_board_of_a_department_and_of_everyone(client, make_staff, db, today):
    ids = _fill(make_staff)
    office = Reader(None, "officer", department_id())
    board = register_board.board(office, today)
    assert _names(board.overdue_reviews) == {"点検切れの公式X"}
    assert _names(board.needs_responsible) == {"責任者が退職した公式X"}
    flagged = {item.entry.name: item.flags for item in board.flagged}
    assert flagged["多要素なしの公式LINE"] == ("no_mfa",)
    assert flagged["認証なしの公式Instagram"] == ("unverified",)
    assert flagged["休眠中の公式Facebook"] == ("dormant",)
    assert flagged["未掲載の公式YouTube"] == ("not_listed",)
    assert flagged["番号なしのクラウド"] == ("no_ismap",)
    assert flagged["番号が確認できないクラウド"] == ("ismap_unconfirmed",)
    assert not {"問題のない公式X", "消防本部の公式X", "廃止した公式X"} & set(flagged)
    assert [d.name for d in board.departments] == ["事務部局"]
    row = board.departments[0]
    assert (row.overdue_reviews, row.needs_responsible) == (1, 1)
    assert row.flags["no_mfa"] == 1 and row.flags["ismap_unconfirmed"] == 1

    fire = register_board.board(Reader(None, "viewer", department_id("消防部局")), today)
    assert _names(fire.flagged) == {"消防本部の公式X"} and not fire.overdue_reviews
    everyone = register_board.board(Reader(None, "ciso", None), today)
    assert [d.name for d in everyone.departments] == ["事務部局", "消防部局"]
    assert everyone.total("no_mfa") == 2
    assert ids


def test_dashboard_shows_only_the_own_department_and_waiting_applications(client, make_staff, db):
    _fill(make_staff)
    officer = staff_of(make_staff, "officer", display_name="高橋 真理")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id, name="申請中の公式 LINE")
    answer_self_check(client, application_id)
    submit_application(client, application_id)
    page = client.get("/").get_data(as_text=True)
    assert "点検切れの公式X" in page and "責任者が退職した公式X" in page
    assert "多要素なしの公式LINE" in page and "申請中の公式 LINE" in page
    assert "消防本部の公式X" not in page and "廃止した公式X" not in page
    assert "/registers/?flag=no_mfa" in page
    fire_viewer = staff_of(make_staff, "viewer", "消防部局")
    as_user(client, fire_viewer)
    page = client.get("/").get_data(as_text=True)
    assert "消防本部の公式X" in page
    assert "点検切れの公式X" not in page and "申請中の公式 LINE" not in page
    as_user(client, staff_of(make_staff, "ciso"))
    page = client.get("/").get_data(as_text=True)
    assert "消防本部の公式X" in page and "申請中の公式 LINE" in page
    assert 'data-department="事務部局"' in page and 'data-department="消防部局"' in page


def _board_queries(db, monkeypatch, reader) -> int:
    executed = _count_queries(db, monkeypatch)
    board = register_board.board(reader, today_jst())
    for item in [*board.overdue_reviews, *board.needs_responsible]:
        _ = item.department.name if item.department_id else ""
    for item in board.flagged:
        _ = item.entry.department.name
    for application in board.waiting:
        _ = (application.entry.name, application.entry.department.name)
    count = len(executed)
    monkeypatch.undo()
    return count


def _dashboard_queries(client, db, monkeypatch) -> int:
    client.application.extensions.pop(CACHE_KEY, None)  # the panels computed, not kept ones
    executed = _count_queries(db, monkeypatch)
    assert client.get("/").status_code == 200
    count = len(executed)
    monkeypatch.undo()
    return count


def test_board_and_dashboard_queries_stay_constant(client, make_staff, db, monkeypatch, today):
    _fill(make_staff)
    readers = (Reader(None, "officer", department_id()), Reader(None, "ciso", None))
    officer = staff_of(make_staff, "officer")
    as_user(client, officer)
    small = [_board_queries(db, monkeypatch, r) for r in readers]
    small_page = _dashboard_queries(client, db, monkeypatch)
    for number in range(40):
        department = "消防部局" if number % 2 else "事務部局"
        make_entry(
            name=f"追加{number}",
            **LISTED,
            department=department,
            mfa_enabled=number % 3 != 0,
            next_review_on=today - dt.timedelta(days=number + 1),
        )
        make_entry(
            entry_type=reg.SERVICE,
            name=f"追加サービス{number}",
            department=department,
            classification_level="2",
            ismap_number=f"C24-{number:04d}-1" if number % 2 else "",
        )
    large = [_board_queries(db, monkeypatch, r) for r in readers]
    assert large == small and max(small) <= 12
    assert _dashboard_queries(client, db, monkeypatch) == small_page
