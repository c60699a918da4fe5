"""Register entries of cloud services: the ISMAP number they record is checked against the list."""

from __future__ import annotations

import datetime as dt

from tests.registers_entries import make_entry
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import register_list, register_people, registers
from vendorcheck.services.audit import Actor
from vendorcheck.services.ismap_reminders import queue_ismap_expiry_reminders
from vendorcheck.store.models import IsmapEntry, MailMessage

TODAY = dt.date(2026, 12, 1)


def _listed(number: str, provider: str, valid_until: dt.date) -> None:
    IsmapEntry.create(
        number=number,
        list_kind="ismap",
        service="架空クラウド申請基盤",
        provider=provider,
        valid_until=valid_until,
        search_text=number.casefold(),
        source="試験",
    )


def _service(number: str, provider: str = "架空クラウド株式会社"):
    return make_entry(
        entry_type=reg.SERVICE,
        name="架空クラウド申請基盤",
        provider_name=provider,
        classification_level="2",
        ismap_number=number,
    )


def test_a_registration_on_the_list_raises_no_flag(db):
    _listed("C21-0101-1", "架空クラウド株式会社", dt.date(2028, 3, 31))
    entry = _service("C21-0101-1", provider="架空クラウド（株）")
    assert "ismap_unconfirmed" not in registers.entry_flags(entry, TODAY)
    assert "no_ismap" not in registers.entry_flags(entry, TODAY)


def test_a_number_not_on_the_list_expired_or_of_another_provider_is_flagged(db):
    _listed("C21-0102-1", "架空クラウド株式会社", dt.date(2026, 6, 30))
    _listed("C21-0103-1", "別会社株式会社", dt.date(2028, 3, 31))
    unknown, expired, other = (
        _service("C99-9999-9"),
        _service("C21-0102-1"),
        _service("C21-0103-1"),
    )
    for entry in (unknown, expired, other):
        assert "ismap_unconfirmed" in registers.entry_flags(entry, TODAY), entry.ismap_number
    page = register_list.list_entries(SYSTEM_READER, register_list.EntryFilter(flagged=False))
    assert all("ismap_unconfirmed" in page.flags[e.id] for e in (unknown, expired, other))
    assert reg.FLAG_LABELS["ismap_unconfirmed"].startswith("ISMAP 登録を確認できない")


def test_a_service_without_a_number_keeps_its_own_flag(db):
    entry = _service("")
    assert registers.entry_flags(entry, TODAY) == ("no_ismap",)


def test_the_responsible_person_is_reminded_once_when_the_registration_runs_out(db, make_staff):
    today = today_jst()
    _listed("C21-0104-1", "架空クラウド株式会社", today + dt.timedelta(days=30))
    entry = _service("C21-0104-1")
    owner = make_staff("officer", email="owner@example.jp", display_name="佐藤 花子")
    register_people.add_assignment(
        Actor.system("test"),
        entry,
        register_people.PersonInput(reg.RESPONSIBLE, staff_id=owner.id),
        effective_from=today - dt.timedelta(days=1),
        reason="交代",
    )
    assert queue_ismap_expiry_reminders(today) == (1, 0)
    assert queue_ismap_expiry_reminders(today) == (0, 0)  # cron runs twice: one mail
    mail = MailMessage.get(MailMessage.dedupe_key.startswith("ismap-register:"))
    assert mail.to_address == "owner@example.jp" and "C21-0104-1" in mail.subject
    assert "佐藤 花子 様" in mail.body and "令和" in mail.body
