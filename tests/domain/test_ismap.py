"""ISMAP list rules: header mapping, values, validity, and checks of claims (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from vendorcheck.domain import ismap as lists
from vendorcheck.domain.ismap_checks import Claim, Entry, check_claim, service_match

TODAY = dt.date(2026, 12, 1)


def test_validity_is_sixteen_months_from_the_day_after_the_audited_period():
    assert lists.validity_from_period_end(dt.date(2024, 3, 31)) == dt.date(2025, 7, 31)
    assert lists.validity_from_period_end(dt.date(2024, 9, 30)) == dt.date(2026, 1, 31)
    assert lists.period_end_of("2023年4月1日～2024年3月31日") == dt.date(2024, 3, 31)
    assert lists.period_end_of("令和5年4月1日から令和6年3月31日まで") == dt.date(2024, 3, 31)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024/3/1", dt.date(2024, 3, 1)),
        ("２０２４－０３－０１", dt.date(2024, 3, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("45352", dt.date(2024, 3, 1)),  # an Excel serial number stored as text
        (45352.0, dt.date(2024, 3, 1)),
        (dt.datetime(2024, 3, 1, 0, 0), dt.date(2024, 3, 1)),
        ("", None),
    ],
)
def test_list_dates_are_read_in_every_form_the_files_use(raw, expected):
    assert lists.parse_day(raw) == expected


def test_an_unreadable_date_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="読めません"):
        lists.parse_day("近日")


def test_provider_names_match_across_company_form_variants():
    names = ["株式会社テスト", "(株)テスト", "㈱テスト", "（株） テスト", "テスト　株式会社"]
    assert len({lists.normalise_provider(name) for name in names}) == 1
    assert lists.normalise_provider("ACME Inc") == lists.normalise_provider("ａｃｍｅ inc")


def test_header_mapping_takes_configured_names_first_and_reports_the_rest():
    mapping = lists.header_mapping(lists.parse_header_setting("number=No; service=名称,Name"))
    columns, unmapped = lists.map_headers(["No", " 名称 ", "事業者名", "備考"], mapping)
    assert columns == {"number": 0, "service": 1, "provider": 2}
    assert unmapped == ["備考"]
    with pytest.raises(ValueError, match="未知の項目"):
        lists.parse_header_setting("colour=色")


def test_rows_are_cleaned_and_bad_rows_rejected_with_a_reason():
    headers = ["登録番号", "サービス名", "事業者名", "監査対象期間の末日"]
    rows = [
        (2, ["C21-0008-2", "クラウドA", "株式会社A", "2024/3/31"]),
        (3, ["", "", "", ""]),
        (4, ["C21-0008-2", "重複", "株式会社B", ""]),
        (5, ["X1234", "クラウドC", "株式会社C", ""]),
        (6, ["L23-0001-1", "", "株式会社D", ""]),
        (7, ["C22-0002-1", "クラウドE", "株式会社E", "いつか"]),
    ]
    parsed = lists.parse_rows(headers, rows, lists.header_mapping())
    assert [row.number for row in parsed.rows] == ["C21-0008-2"]
    assert (
        parsed.rows[0].valid_until == dt.date(2025, 7, 31) and parsed.rows[0].valid_until_computed
    )
    assert parsed.read == 5  # the blank line is not a row
    reasons = {r.line: r.reason for r in parsed.rejected}
    assert "2 行目と重複" in reasons[4]
    assert "どちらのリスト" in reasons[5]
    assert "サービス名がありません" in reasons[6]
    assert "読めません" in reasons[7]


def test_a_file_without_the_number_column_is_fatal():
    parsed = lists.parse_rows(["名前", "会社"], [(2, ["a", "b"])], lists.header_mapping())
    assert "登録番号" in parsed.fatal and not parsed.rows


ENTRY = Entry(
    "C21-0008-2", "ismap", "架空クラウド", "株式会社架空", valid_until=dt.date(2027, 6, 30)
)


def test_a_matching_claim_is_verified_with_a_summary_for_the_annex():
    check = check_claim(
        Claim(
            "c21-0008-2", "ismap", "(株)架空", service="架空クラウド", until=dt.date(2027, 3, 31)
        ),
        ENTRY,
        TODAY,
    )
    assert check.state == "verified" and not check.findings
    assert (
        check.summary()
        == "ISMAPクラウドサービスリスト、登録番号 C21-0008-2、有効期限 令和9年6月30日"
    )


@pytest.mark.parametrize(
    ("claim", "state", "severity"),
    [
        (Claim("C99-0000-1"), "not_found", "high"),
        (Claim("C21-0008-2", "ismap_liu", "株式会社架空"), "wrong_list", "low"),
        (Claim("C21-0008-2", "ismap", "株式会社別会社"), "other_provider", "high"),
        (Claim("C21-0008-2", until=dt.date(2028, 3, 31)), "expires_before_end", "medium"),
        (Claim("C21-0008-2", service="まったく別の製品"), "other_service", "medium"),
    ],
)
def test_each_problem_is_a_finding_with_its_severity(claim, state, severity):
    entry = ENTRY if state != "not_found" else None
    check = check_claim(claim, entry, TODAY)
    assert check.state == state
    assert check.findings[0][0] == severity


def test_an_expired_or_removed_entry_is_a_high_finding():
    expired = Entry("C1-0001-1", "ismap", "S", "P", valid_until=dt.date(2026, 1, 1))
    assert check_claim(Claim("C1-0001-1"), expired, TODAY).state == "expired"
    removed = Entry("C1-0001-1", "ismap", "S", "P", removed_on=dt.date(2026, 11, 1))
    check = check_claim(Claim("C1-0001-1"), removed, TODAY)
    assert check.state == "removed" and check.findings[0][0] == "high"
    assert "確認できません" in check.summary()


def test_a_near_service_name_is_shown_for_staff_to_confirm():
    assert service_match("架空クラウド スタンダードプラン", "架空クラウド") == "near"
    check = check_claim(Claim("C21-0008-2", service="架空クラウド（電子申請）"), ENTRY, TODAY)
    assert check.state == "verified" and check.service_match == "near"
    assert any("確認してください" in note for note in check.notes)


def test_partly_out_of_scope_shows_the_statement_scope():
    entry = Entry(
        "C1-0001-1", "ismap", "S", "P", valid_until=dt.date(2030, 1, 1), scope="東京リージョン"
    )
    check = check_claim(Claim("C1-0001-1", partly_out_of_scope=True), entry, TODAY)
    assert any("東京リージョン" in note for note in check.notes)
