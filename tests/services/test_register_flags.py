"""The register's flags stored with the day each is raised (issue 17): equal to a full
recomputation on scale data, the dashboard's counts and flagged list the same as the domain's
flags of every entry on any day, kept in step by every change the flags read (in its
transaction), and back-filled by migration 0021."""

from __future__ import annotations

import datetime as dt
import importlib

from tests.registers_entries import make_entry
from tests.registers_helpers import (
    answer_self_check,
    apply_for_sns,
    as_user,
    decide,
    load_scale_data,
    staff_of,
    submit_application,
)
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER, Reader
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import (
    demo_scale,
    ismap_import,
    official_links,
    organisation_settings,
    register_board,
    register_flags,
    register_import,
    register_people,
    register_reviews,
    registers,
)
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.organisation import get_organisation, organisation_scheme
from vendorcheck.store.models import (
    Department,
    RegisterEntry,
    RegisterFlag,
    RegisterFlagCount,
    UseApplication,
)

ACTOR = Actor.system("test")
SCALE = demo_scale.Scale(
    years=3, cases=10, assessments_per_case=2, vendors=40, evidence=10,
    register_entries=600, contracts=2, audit_events=50,
)  # fmt: skip
MIGRATION = importlib.import_module("vendorcheck.store.migrations.0021_register_flags")
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _load(app) -> None:
    load_scale_data(app, SCALE)


def _in_step() -> None:
    recomputed = register_flags.recomputed_rows()
    assert register_flags.stored_rows() == recomputed
    assert register_flags.stored_counts() == register_flags.counts_of(recomputed)


def _domain_flags(day: dt.date) -> dict[int, tuple[str, ...]]:
    """Every entry in use with its flags on a day, as the domain gives them."""
    scheme = organisation_scheme()
    return {
        entry.id: registers.entry_flags(entry, day, scheme)
        for entry in RegisterEntry.select().where(RegisterEntry.status.in_(reg.IN_USE))
    }


def test_the_stored_flags_equal_a_full_recomputation_and_the_board_the_domain(app, db):
    _load(app)
    stored = register_flags.stored_rows()
    assert len(stored) > 300
    _in_step()
    orders = {d.id: d.sort_order for d in Department.select()}
    today = today_jst()
    department = Department.select().order_by(Department.id.desc()).first().id
    for day, department_id in (
        (today, None),
        (today, department),
        (today + dt.timedelta(days=300), None),
        (today + dt.timedelta(days=2000), department),
    ):
        reader = Reader(None, "officer", department_id) if department_id else SYSTEM_READER
        flags = {
            entry_id: found
            for entry_id, found in _domain_flags(day).items()
            if reader.may_read(RegisterEntry.get_by_id(entry_id).department_id)
        }
        board = register_board.board(reader, day)
        for flag in register_board.ACCOUNT_FLAGS:
            assert board.total(flag) == sum(flag in f for f in flags.values()), (day, flag)
        expected = sum("review_overdue" in f for f in flags.values())
        assert board.total("overdue_reviews") == expected, day
        flagged = sorted(
            (
                e
                for e in RegisterEntry.select().where(RegisterEntry.id.in_(list(flags)))
                if set(flags[e.id]) & set(register_board.ACCOUNT_FLAGS)
            ),
            key=lambda e: (orders.get(e.department_id), e.name_normalized, e.id),
        )[: register_board.LIST_LIMIT]
        assert [item.entry.id for item in board.flagged] == [e.id for e in flagged], day
        assert all(item.flags for item in board.flagged)
    assert sum(board.total(flag) for flag in register_board.ACCOUNT_FLAGS) > 100


def test_migration_0021_back_fills_the_flags(app, db):
    _load(app)
    expected = register_flags.stored_rows(), register_flags.stored_counts()
    RegisterFlag.delete().execute()
    RegisterFlagCount.delete().execute()
    assert register_flags.stored_rows() == {} and not register_flags.stored_counts()
    MIGRATION._back_fill(db)
    assert (register_flags.stored_rows(), register_flags.stored_counts()) == expected


def _flags_of(entry_id: int) -> set[str]:
    return {row.flag for row in RegisterFlag.select().where(RegisterFlag.entry == entry_id)}


def test_saving_moving_and_retiring_an_entry_keep_its_flags(db, today):
    entry = make_entry(official_page_url="https://city.example.jp/sns", listed_on_website=True)
    assert _flags_of(entry.id) == {"review_overdue"}  # from the day after the review date
    registers.update_entry(ACTOR, SYSTEM_READER, entry.id, {"mfa_enabled": False})
    assert "no_mfa" in _flags_of(entry.id)
    _in_step()
    registers.move_status(ACTOR, SYSTEM_READER, entry.id, reg.SUSPENDED)  # still in use
    _in_step()
    registers.move_status(ACTOR, SYSTEM_READER, entry.id, reg.ACTIVE)
    _in_step()
    registers.retire(
        ACTOR,
        SYSTEM_READER,
        entry.id,
        note="アカウントを削除した",
        disposed=True,
        accounts_deleted=True,
        files=[("proof.pdf", TINY_PDF)],
        max_bytes=1_000_000,
    )
    assert _flags_of(entry.id) == set()
    _in_step()


def test_a_review_and_a_responsible_change_keep_the_flags(db, make_staff, today):
    entry = make_entry(next_review_on=today - dt.timedelta(days=3))
    board = register_board.board(SYSTEM_READER, today)
    assert entry.id in {e.id for e in board.overdue_reviews} and board.total("overdue_reviews")
    register_reviews.record_review(
        ACTOR, SYSTEM_READER, entry.id, checked={k for k, _ in reg.review_items(reg.SNS)}, note=""
    )
    assert register_board.board(SYSTEM_READER, today).total("overdue_reviews") == 0
    _in_step()
    leaver = staff_of(make_staff, "officer", display_name="異動 予定")
    register_people.change_person(
        ACTOR,
        SYSTEM_READER,
        entry.id,
        register_people.PersonInput(reg.RESPONSIBLE, staff_id=leaver.id),
        effective_from=today,
        reason="異動",
    )
    staff_service.update_staff(
        ACTOR,
        leaver.id,
        display_name=leaver.display_name,
        email="",
        role="officer",
        department_id=leaver.department_id,
        active=False,
    )
    assert "needs_responsible" in _flags_of(entry.id)
    assert register_board.board(SYSTEM_READER, today).total("needs_responsible") == 1
    _in_step()


def test_an_import_of_the_register_and_of_the_ismap_list_keep_the_flags(db, today):
    data = (
        "種類,部局,名称（サービス名・アカウント名）,責任者,提供事業者,"
        "取り扱う情報の最も高い分類,ISMAP 登録番号\r\n"
        "外部サービス,事務部局,電子申請,高橋 真理,架空クラウド株式会社,2,C21-0501-1\r\n"
        "外部サービス,事務部局,文書管理,高橋 真理,架空クラウド株式会社,2,\r\n"
    ).encode()
    report = register_import.import_register(ACTOR, SYSTEM_READER, data, dry_run=False)
    assert report.written, report.rejected
    service = RegisterEntry.get(RegisterEntry.name == "電子申請")
    assert "ismap_unconfirmed" in _flags_of(service.id)  # not on any list yet
    assert "no_ismap" in _flags_of(RegisterEntry.get(RegisterEntry.name == "文書管理").id)
    _in_step()
    until = (today + dt.timedelta(days=900)).strftime("%Y/%m/%d")
    listed = (
        "登録番号,クラウドサービス名,クラウドサービス事業者名,有効期限\r\n"
        f"C21-0501-1,電子申請,架空クラウド株式会社,{until}\r\n"
    ).encode()
    settings = ismap_import.ListSettings.from_config({})
    ismap_import.import_file(listed, "list.csv", settings, ACTOR)
    since = RegisterFlag.get(
        RegisterFlag.entry == service.id, RegisterFlag.flag == "ismap_unconfirmed"
    )
    assert since.since == today + dt.timedelta(days=901)  # raised once the listing ends
    assert "ismap_unconfirmed" not in registers.entry_flags(RegisterEntry.get_by_id(service.id))
    _in_step()


def test_a_change_of_the_classification_scheme_keeps_the_flags(db):
    entry = make_entry(entry_type=reg.SERVICE, classification_level="2", ismap_number="")
    assert "no_ismap" in _flags_of(entry.id)
    organisation = get_organisation()

    def scheme(levels: str) -> None:
        organisation_settings.update_organisation(
            ACTOR,
            name=organisation.name,
            classification_scheme=organisation.classification_scheme,
            classification_extra_levels=levels,
            party_terms=organisation.party_terms,
            incident_report_hours=organisation.incident_report_hours,
        )

    scheme("2A=1")
    registers.update_entry(ACTOR, SYSTEM_READER, entry.id, {"classification_level": "2A"})
    assert "no_ismap" not in _flags_of(entry.id)
    scheme("2A=2")  # the level now counts as 機密性2以上
    assert "no_ismap" in _flags_of(entry.id)
    _in_step()


def test_an_official_page_check_and_an_approval_keep_the_flags(client, db, make_staff, today):
    entry = make_entry(official_page_url="https://city.example.jp/sns", listed_on_website=True)
    assert "not_listed" not in _flags_of(entry.id)
    official_links._record([official_links.CheckResult(entry.id, entry.name, "", False, "")])
    assert "not_listed" in _flags_of(entry.id)
    _in_step()
    officer = staff_of(make_staff, "officer", display_name="高橋 真理")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id, name="申請中の公式 LINE", mfa_enabled="")
    applied = UseApplication.get_by_id(application_id).entry_id
    assert not RegisterFlag.get(RegisterFlag.entry == applied, RegisterFlag.flag == "no_mfa").in_use
    answer_self_check(client, application_id)
    assert submit_application(client, application_id).status_code == 302
    as_user(client, staff_of(make_staff, "ciso"))
    assert decide(client, application_id, "approve", "問題ありません").status_code == 302
    assert RegisterFlag.get(RegisterFlag.entry == applied, RegisterFlag.flag == "no_mfa").in_use
    _in_step()
