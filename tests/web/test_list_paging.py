"""Lists sorted, filtered and cut in the database: the vendor list pages past 50 rows in the
order asked for, the ISMAP search pages, the audit log counts up to its bound and finds
actors by part of the name (through the distinct labels) like a substring search would."""

from __future__ import annotations

import datetime as dt
import re

from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import AuditEvent, IsmapEntry, Vendor


def _names_in(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_the_vendor_list_sorts_and_pages_in_the_database(client, login_as, db):
    login_as("ciso")
    start = dt.datetime(2026, 1, 1)
    for number in range(60):
        Vendor.create(
            name=f"事業者{number:02d}",
            name_normalized=f"事業者{number:02d}",
            contact_email=f"v{59 - number:02d}@example.jp",
            updated_at=start + dt.timedelta(days=number),
        )
    first = client.get("/vendors/?sort=updated&order=desc").get_data(as_text=True)
    assert "全 60 件（1〜50 件目を表示）" in first
    names = _names_in(first, r">(事業者\d\d)</a>")
    assert names[:2] == ["事業者59", "事業者58"] and len(names) == 50
    second = client.get("/vendors/?sort=updated&order=desc&page=2").get_data(as_text=True)
    assert _names_in(second, r">(事業者\d\d)</a>") == [f"事業者{n:02d}" for n in range(9, -1, -1)]
    by_email = client.get("/vendors/?sort=email").get_data(as_text=True)
    assert _names_in(by_email, r">(事業者\d\d)</a>")[0] == "事業者59"  # v00@
    found = client.get("/vendors/?q=事業者0&page=1").get_data(as_text=True)
    assert "全 10 件" in found


def test_the_ismap_search_pages(client, login_as, db):
    login_as("ciso")
    for number in range(55):
        IsmapEntry.create(
            number=f"C22-{number:04d}-1",
            list_kind="ismap",
            service=f"テストクラウド{number}",
            provider="テスト株式会社",
            search_text=f"c22-{number:04d}-1 テストクラウド{number} テスト株式会社",
        )
    first = client.get("/ismap/?q=テスト").get_data(as_text=True)
    assert "検索結果: 55 件（1〜50 件目を表示）" in first and 'rel="next"' in first
    assert "C22-0000-1" in first and "C22-0050-1" not in first
    second = client.get("/ismap/?q=テスト&page=2").get_data(as_text=True)
    assert "C22-0050-1" in second and "C22-0054-1" in second and "C22-0000-1" not in second


def test_the_audit_log_counts_up_to_its_bound(client, login_as, db, monkeypatch):
    login_as("ciso")
    monkeypatch.setattr(audit, "COUNT_LIMIT", 5)
    for number in range(8):
        audit.record(Actor.system(), "example.bound", "case", number, f"記録{number}")
    html = client.get("/audit/?action=example.bound").get_data(as_text=True)
    assert "全 5 件以上" in html and "件数は 5 件まで数えています" in html
    few = client.get("/audit/?action=example.bound&text=記録7").get_data(as_text=True)
    assert "全 1 件（" in few and "件数は" not in few


def test_the_actor_filter_matches_part_of_a_label_like_a_substring_search(client, login_as, db):
    login_as("ciso")
    labels = ["山田 太郎", "山田 花子", "鈴木 一郎", "Admin User"]
    for label in labels:
        audit.record(Actor("staff", 1, label), "example.actor", "case", 1, f"{label}の操作")
    assert audit.known_actions() == sorted({e.action for e in AuditEvent.select()})
    for text in ("山田", "太郎", "佐藤", "admin", "田 "):
        expected = {label for label in labels if text.casefold() in label.casefold()}
        page = audit.search(audit.AuditFilter(actor=text, action="example.actor"))
        assert {event.actor_label for event in page.rows} == expected, text
        assert page.total == len(expected)
