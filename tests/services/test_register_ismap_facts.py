"""The ISMAP check stored on each register entry (issue 17): equal to a full recomputation on
scale data, the same flags as checking every claim in full on any day, kept in step by the
entry's save and by list imports in their transaction, and back-filled by migration 0020."""

from __future__ import annotations

import datetime as dt
import importlib

from tests.registers_entries import make_entry
from tests.registers_helpers import load_scale_data
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import demo_scale, ismap_import, register_ismap, registers
from vendorcheck.services.audit import Actor
from vendorcheck.services.register_list import flag_conditions
from vendorcheck.store.models import RegisterEntry

ACTOR = Actor.system("test")
SETTINGS = ismap_import.ListSettings.from_config({})
SCALE = demo_scale.Scale(
    years=3, cases=10, assessments_per_case=2, vendors=40, evidence=10,
    register_entries=600, contracts=2, audit_events=50,
)  # fmt: skip
MIGRATION = importlib.import_module("vendorcheck.store.migrations.0020_stored_dashboard_facts")


def _load(app) -> None:
    load_scale_data(app, SCALE)


def _flagged_in_sql(day: dt.date) -> set[int]:
    condition = flag_conditions(day)["ismap_unconfirmed"]
    return {row.id for row in RegisterEntry.select(RegisterEntry.id).where(condition)}


def test_the_stored_checks_equal_a_full_recomputation_on_any_day(app, db):
    _load(app)
    stored = register_ismap.stored_checks()
    claimed = [e for e in RegisterEntry.select() if register_ismap.claims(e)]
    assert len(claimed) > 100 and stored == register_ismap.recomputed_checks()
    today = today_jst()
    assert 0 < len(register_ismap.live_unconfirmed(today)) < len(claimed)  # some borne out
    for day in (today, today + dt.timedelta(days=300), today + dt.timedelta(days=2000)):
        live = register_ismap.live_unconfirmed(day)
        assert _flagged_in_sql(day) == live, day
        assert {e.id for e in claimed if register_ismap.unconfirmed(e, day)} == live


def test_migration_0020_back_fills_the_checks(app, db):
    _load(app)
    expected = register_ismap.stored_checks()
    RegisterEntry.update(ismap_check_failed=False, ismap_listed_until=None).execute()
    assert register_ismap.stored_checks() != expected
    MIGRATION._back_fill(db)
    assert register_ismap.stored_checks() == expected


def _list(*rows: str) -> bytes:
    header = "登録番号,クラウドサービス名,クラウドサービス事業者名,有効期限\r\n"
    return (header + "".join(f"{row}\r\n" for row in rows)).encode("utf-8")


def test_a_list_import_updates_the_stored_checks_in_its_transaction(db):
    today = today_jst()
    entry = make_entry(
        entry_type=reg.SERVICE,
        name="架空クラウド申請基盤",
        provider_name="架空クラウド株式会社",
        classification_level="2",
        ismap_number="C21-0301-1",
        next_review_on=today + dt.timedelta(days=200),
    )
    assert registers.entry_flags(entry) == ("ismap_unconfirmed",)  # not on any list yet
    until = (today + dt.timedelta(days=900)).strftime("%Y/%m/%d")
    listed = _list(f"C21-0301-1,架空クラウド申請基盤,架空クラウド株式会社,{until}")
    ismap_import.import_file(listed, "list.csv", SETTINGS, ACTOR, dry_run=True)
    assert "ismap_unconfirmed" in registers.entry_flags(RegisterEntry.get_by_id(entry.id))
    ismap_import.import_file(listed, "list.csv", SETTINGS, ACTOR)
    assert registers.entry_flags(RegisterEntry.get_by_id(entry.id)) == ()
    other = _list(f"C21-0302-1,別のサービス,別会社株式会社,{until}")
    ismap_import.import_file(other, "list.csv", SETTINGS, ACTOR)  # C21-0301-1 removed
    stored = RegisterEntry.get_by_id(entry.id)
    assert stored.ismap_check_failed and registers.entry_flags(stored) == ("ismap_unconfirmed",)
    assert register_ismap.stored_checks() == register_ismap.recomputed_checks()


def test_saving_an_entry_stores_its_check(db):
    today = today_jst()
    until = (today + dt.timedelta(days=900)).strftime("%Y/%m/%d")
    ismap_import.import_file(
        _list(f"C21-0401-1,架空クラウド,架空クラウド株式会社,{until}"), "list.csv", SETTINGS, ACTOR
    )
    entry = make_entry(
        entry_type=reg.SERVICE,
        name="架空クラウド",
        provider_name="架空クラウド株式会社",
        classification_level="2",
        ismap_number="C99-0000-9",
    )
    assert entry.ismap_check_failed
    saved = registers.update_entry(ACTOR, SYSTEM_READER, entry.id, {"ismap_number": "C21-0401-1"})
    assert not saved.ismap_check_failed and registers.entry_flags(saved) == ()
    assert RegisterEntry.get_by_id(entry.id).ismap_listed_until == today + dt.timedelta(days=900)
    # a review date after the registration ends: not borne out for the whole use
    later = (today + dt.timedelta(days=1000)).isoformat()
    saved = registers.update_entry(ACTOR, SYSTEM_READER, entry.id, {"next_review_on": later})
    assert RegisterEntry.get_by_id(entry.id).ismap_check_failed
    assert "ismap_unconfirmed" in registers.entry_flags(saved)
