"""The register list and the public list issue the same few queries however many rows."""

from __future__ import annotations

from tests.registers_entries import make_entry
from tests.web.test_cases import _count_queries
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.services import official_accounts, register_list


def _queries(db, monkeypatch) -> int:
    executed = _count_queries(db, monkeypatch)
    page = register_list.list_entries(SYSTEM_READER, register_list.EntryFilter(flagged=False))
    for entry in page.rows:
        _ = (entry.department.name, page.flags[entry.id])
    official_accounts.official_accounts()
    count = len(executed)
    monkeypatch.undo()
    return count


def test_list_and_public_list_queries_do_not_grow_with_rows(db, monkeypatch):
    make_entry()
    few = _queries(db, monkeypatch)
    for _ in range(12):
        make_entry()
    assert _queries(db, monkeypatch) == few <= 5
