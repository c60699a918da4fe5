"""The register list on the list pattern: sort by column, filters, keyword search, pages and
the Excel download of what is shown, in the same few queries however large the register."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from tests.registers_entries import make_entry
from tests.registers_helpers import as_user, staff_of
from tests.web.test_cases import _count_queries
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import register_list
from vendorcheck.store.models import IsmapEntry, RegisterEntry


def _names(html: str) -> list[str]:
    return [
        part.split("</a>")[0].split(">")[-1]
        for part in html.split('<a href="/registers/')[1:]
        if part.split('"')[0].isdigit()
    ]


def test_sort_filter_search_and_pages(client, make_staff, db):
    for name, kind, status in (
        ("あおば市公式X", reg.SNS, reg.ACTIVE),
        ("いろは電子申請", reg.SERVICE, reg.ACTIVE),
        ("うみべ動画チャンネル", reg.SNS, reg.SUSPENDED),
    ):
        make_entry(
            entry_type=kind,
            name=name,
            status=status,
            account_handle="@umibe" if "う" in name else "",
        )
    as_user(client, staff_of(make_staff, "ciso"))
    ascending = client.get("/registers/?sort=name&order=asc").get_data(as_text=True)
    assert _names(ascending) == ["あおば市公式X", "いろは電子申請", "うみべ動画チャンネル"]
    assert 'aria-sort="ascending"' in ascending
    descending = client.get("/registers/?sort=name&order=desc").get_data(as_text=True)
    assert _names(descending) == ["うみべ動画チャンネル", "いろは電子申請", "あおば市公式X"]
    assert _names(client.get("/registers/?type=service").get_data(as_text=True)) == [
        "いろは電子申請"
    ]
    assert _names(client.get("/registers/?status=suspended").get_data(as_text=True)) == [
        "うみべ動画チャンネル"
    ]
    by_handle = client.get("/registers/?q=%40UMIBE").get_data(as_text=True)  # NFKC, any case
    assert _names(by_handle) == ["うみべ動画チャンネル"]
    sorted_filtered = client.get("/registers/?type=sns&sort=name&order=desc").get_data(as_text=True)
    assert "type=sns" in sorted_filtered.split("この一覧を Excel で保存")[0].rsplit("href=", 1)[1]

    for number in range(60):
        make_entry(name=f"まとめ{number:03d}")
    first = client.get("/registers/?q=まとめ&sort=name&order=asc").get_data(as_text=True)
    assert "全 60 件（1〜50 件目を表示）" in first and _names(first)[0] == "まとめ000"
    second = client.get("/registers/?q=まとめ&sort=name&order=asc&page=2").get_data(as_text=True)
    assert _names(second) == [f"まとめ{n:03d}" for n in range(50, 60)]


def test_excel_download_is_the_filtered_sorted_list_every_page(client, make_staff, db):
    for number in range(55):
        make_entry(name=f"帳票{number:03d}", mfa_enabled=number % 2 == 0)
    make_entry(entry_type=reg.SERVICE, name="対象外のサービス")
    as_user(client, staff_of(make_staff, "ciso"))
    response = client.get("/registers/?type=sns&sort=name&order=desc&format=xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("番号", "名称", "種類", "部局", "状態", "利用開始日", "次回点検日", "要対応")
    assert [r[1] for r in rows[1:]] == [f"帳票{n:03d}" for n in reversed(range(55))]
    no_mfa = client.get("/registers/?flag=no_mfa&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(no_mfa.get_data())).active.values)[1:]
    assert len(rows) == 27 and all("多要素認証が未設定" in r[7] for r in rows)


def test_hostile_list_arguments_get_a_page_not_an_error(client, make_staff, db):
    make_entry()
    as_user(client, staff_of(make_staff, "officer"))
    for query in (
        "sort=password_hash&order=sideways",
        "page=99999999999999999999999",
        "department=99999999999999999999999",
        "type=%27%3B+DROP+TABLE+register_entry%3B--",
        "flag=__class__",
        "q=" + "あ" * 500,
        "format=docx",
    ):
        response = client.get(f"/registers/?{query}")
        assert response.status_code == 200, query
    assert RegisterEntry.select().count() == 1


def test_flag_filters_agree_with_the_flags_of_each_entry(db):
    today = today_jst()
    make_entry(mfa_enabled=False)
    make_entry(platform_verified=False)
    make_entry(last_post_on=today - dt.timedelta(days=reg.DORMANT_DAYS))
    make_entry(last_post_on=today - dt.timedelta(days=reg.DORMANT_DAYS - 1))
    make_entry(official_page_url="")
    make_entry(official_page_url="https://city.example.jp/sns", listed_on_website=False)
    make_entry(official_page_url="https://city.example.jp/sns", listed_on_website=True)
    make_entry(next_review_on=today - dt.timedelta(days=1))
    make_entry(entry_type=reg.SERVICE, classification_level="2", ismap_number="")
    make_entry(entry_type=reg.SERVICE, classification_level="1", ismap_number="")
    for number, until in (("C21-0201-1", today - dt.timedelta(days=1)), ("C21-0202-1", None)):
        IsmapEntry.create(
            number=number,
            list_kind="ismap",
            service="架空クラウド",
            provider="架空クラウド株式会社",
            valid_until=until or today + dt.timedelta(days=400),
            search_text=number.casefold(),
        )
    for number in ("C99-9999-9", "C21-0201-1", "C21-0202-1"):  # unknown, expired, borne out
        make_entry(
            entry_type=reg.SERVICE,
            name="架空クラウド",
            provider_name="架空クラウド株式会社",
            classification_level="2",
            ismap_number=number,
            next_review_on=today + dt.timedelta(days=300),
        )
    make_entry(mfa_enabled=False, status=reg.RETIRED)
    needing = make_entry()
    RegisterEntry.update(needs_responsible=True).where(RegisterEntry.id == needing.id).execute()
    everything = register_list.list_entries(
        SYSTEM_READER, register_list.EntryFilter(), page_size=100
    )
    for flag in register_list.FILTERABLE_FLAGS:
        page = register_list.list_entries(
            SYSTEM_READER, register_list.EntryFilter(flag=flag), page_size=100
        )
        expected = {e.id for e in everything.rows if flag in everything.flags[e.id]}
        assert {e.id for e in page.rows} == expected, flag
        assert expected, flag  # every flag is exercised
    flagged = register_list.list_entries(
        SYSTEM_READER, register_list.EntryFilter(flagged=True), page_size=100
    )
    assert {e.id for e in flagged.rows} == {e.id for e in everything.rows if everything.flags[e.id]}


def _list_queries(client, db, monkeypatch, path: str) -> int:
    executed = _count_queries(db, monkeypatch)
    response = client.get(path)
    assert response.status_code == 200
    count = len(executed)
    monkeypatch.undo()
    return count


def test_list_and_download_queries_stay_constant_small_and_large(
    client, make_staff, db, monkeypatch
):
    as_user(client, staff_of(make_staff, "ciso"))
    make_entry(mfa_enabled=False)
    make_entry(entry_type=reg.SERVICE, classification_level="2", ismap_number="IS-0001")
    paths = (
        "/registers/",
        "/registers/?sort=department&order=desc&flagged=1",
        "/registers/?q=架空&type=sns&page=2",
        "/registers/?format=xlsx",
    )
    small = [_list_queries(client, db, monkeypatch, path) for path in paths]
    for number in range(130):
        make_entry(
            entry_type=reg.SERVICE if number % 3 else reg.SNS,
            mfa_enabled=number % 2 == 0,
            ismap_number=f"IS-{number:04d}" if number % 3 else "",
        )
    large = [_list_queries(client, db, monkeypatch, path) for path in paths]
    assert large == small
    assert max(small) <= 12
