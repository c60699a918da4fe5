"""Importing ISMAP lists: files the tests make (CP932, XLSX, saved HTML), all or nothing,
history kept, the report, the commands, and the checks that follow."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from vendorcheck.services import ismap as ismap_service
from vendorcheck.services import ismap_import
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import AuditEvent, IsmapEntry, IsmapImport

ACTOR = Actor.system("test")
SETTINGS = ismap_import.ListSettings.from_config({})
TODAY = dt.date(2026, 12, 1)


def cp932_list() -> bytes:
    """Odd headers (spaces, full-width brackets, an unknown column), a blank line, a duplicate."""
    text = (
        "ＩＳＭＡＰ登録番号 ,クラウドサービス名 , 申請者,登録年月日,監査対象期間（終了）,備考\r\n"
        "C21-0008-2,架空クラウド,株式会社架空,2021/3/1,2025/3/31,\r\n"
        ",,,,,\r\n"
        "C22-0010-1,テスト申請,㈱テスト,令和4年4月1日,2025/9/30,メモ\r\n"
        "C21-0008-2,重複,株式会社重複,,,\r\n"
        "L23-0001-1,ライト版,株式会社ライト,,,\r\n"
    )
    return text.encode("cp932")


def import_bytes(data: bytes, name: str = "list.csv", **options):
    return ismap_import.import_file(data, name, SETTINGS, ACTOR, today=TODAY, **options)


def test_cp932_with_odd_headers_imports_and_reports_every_row(db):
    report = import_bytes(cp932_list())
    assert report.encoding == "cp932"
    assert report.read == 4 and sorted(report.added) == ["C21-0008-2", "C22-0010-1", "L23-0001-1"]
    assert [r.line for r in report.rejected] == [5] and "重複" in report.rejected[0].reason
    assert report.unmapped_headers == ["備考"]
    entry = IsmapEntry.get(IsmapEntry.number == "C22-0010-1")
    assert entry.provider == "(株)テスト" and entry.registered_on == dt.date(2022, 4, 1)
    assert entry.valid_until == dt.date(2027, 1, 31) and entry.valid_until_computed
    assert IsmapEntry.get(IsmapEntry.number == "L23-0001-1").list_kind == "ismap_liu"
    assert AuditEvent.select().where(AuditEvent.action == "ismap.import").count() == 1
    assert "取り込めなかった行 5: " in "\n".join(report.lines())


def test_a_file_missing_a_required_column_changes_nothing(db):
    import_bytes(cp932_list())
    before = [(e.number, e.service, e.removed_on) for e in IsmapEntry.select()]
    broken = "登録番号,備考\r\nC99-0001-1,x\r\n".encode("cp932")
    with pytest.raises(ismap_import.ImportRefused, match="必要な列が見つかりません"):
        import_bytes(broken)
    assert [(e.number, e.service, e.removed_on) for e in IsmapEntry.select()] == before
    assert IsmapImport.select().count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空"),
        (b"\x81\xff\xfe\x80" * 50, "文字コード"),
        (b"PK\x03\x04broken", "Excel"),
        ("登録番号,サービス名,事業者名\r\n,,\r\n".encode(), "データの行がありません"),
        (b"<html><body><p>Service unavailable</p></body></html>", "表が見つかりません"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_japanese_reason(db, data, message):
    with pytest.raises(ismap_import.ImportRefused, match=message):
        import_bytes(data)
    assert IsmapEntry.select().count() == 0


def test_an_oversized_file_is_refused(db):
    small = ismap_import.ListSettings(SETTINGS.headers, SETTINGS.patterns, max_bytes=100)
    with pytest.raises(ismap_import.ImportRefused, match="大きすぎます"):
        ismap_import.import_file(cp932_list() * 10, "big.csv", small, ACTOR)


def test_history_is_kept_an_entry_that_vanishes_is_marked_removed_then_restored(db):
    import_bytes(cp932_list())
    later = (
        "\ufeff登録番号,サービス名,事業者名,有効期限\r\n"
        "C21-0008-2,架空クラウド（新名称）,株式会社架空,2027/12/31\r\n"
    ).encode()
    report = import_bytes(later)
    assert report.changed == {"C21-0008-2": ["サービス名", "有効期限"]}
    assert report.removed == ["C22-0010-1"]  # the LIU entry is not on this file's list
    gone = IsmapEntry.get(IsmapEntry.number == "C22-0010-1")
    assert gone.removed_on == TODAY
    assert IsmapEntry.get(IsmapEntry.number == "L23-0001-1").removed_on is None
    again = import_bytes(cp932_list())
    assert "リストに再掲載" in again.changed["C22-0010-1"]
    assert IsmapEntry.get(IsmapEntry.number == "C22-0010-1").removed_on is None


def test_dry_run_reports_and_changes_nothing(db):
    report = import_bytes(cp932_list(), dry_run=True)
    assert report.dry_run and len(report.added) == 3
    assert IsmapEntry.select().count() == 0 and IsmapImport.select().count() == 0


def xlsx_list() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["ISMAPクラウドサービスリスト（令和8年12月1日現在）"])
    sheet.append([])
    sheet.append(
        ["Registration Number", "Service Name", "Provider", "Registration Date", "Valid Until"]
    )
    sheet.append(["C21-0008-2", "Kakuu Cloud", "Kakuu Inc.", dt.datetime(2021, 3, 1), "45838"])
    sheet.append(["C22-0010-1", "Test Cloud", "Test K.K.", 44652, dt.date(2027, 5, 31)])
    sheet.append([None, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_excel_dates_and_numbers_stored_as_text(db):
    report = import_bytes(xlsx_list(), "list.xlsx")
    assert report.format == "xlsx" and sorted(report.added) == ["C21-0008-2", "C22-0010-1"]
    first = IsmapEntry.get(IsmapEntry.number == "C21-0008-2")
    assert first.registered_on == dt.date(2021, 3, 1)
    assert first.valid_until == dt.date(2025, 6, 30)  # serial 45838 stored as text
    second = IsmapEntry.get(IsmapEntry.number == "C22-0010-1")
    assert second.registered_on == dt.date(2022, 4, 1)


SAVED_PAGE = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>ISMAP</title>
<script>var t = "<table><tr><td>C00-0000-0</td></tr></table>";</script></head><body>
<nav><table><tr><td>メニュー</td><td>お問い合わせ</td></tr></table></nav>
<main><div class="wrap"><h1>クラウドサービスリスト</h1>
<table class="list"><thead><tr><th>登録番号</th><th>クラウドサービス名</th><th>クラウドサービス事業者名</th>
<th>言明の対象範囲</th><th>詳細</th></tr></thead><tbody>
<tr><td><span>C21-0008-2</span></td><td><strong>架空</strong>クラウド</td><td>株式会社&nbsp;架空</td>
<td>全機能<br>東京リージョン</td><td><a href="https://example.jp/ismap/c21-0008-2">詳細</a></td></tr>
<tr><td>C22-0010-1</td><td>テスト申請</td><td>(株)テスト</td><td></td><td></td></tr>
</tbody></table></div></main></body></html>"""


def test_saved_html_page_with_the_table_inside_other_markup(db):
    report = import_bytes(SAVED_PAGE.encode(), "リスト.html")
    assert report.format == "html" and sorted(report.added) == ["C21-0008-2", "C22-0010-1"]
    entry = IsmapEntry.get(IsmapEntry.number == "C21-0008-2")
    assert entry.service == "架空クラウド" and entry.scope == "全機能 東京リージョン"
    assert entry.url == "https://example.jp/ismap/c21-0008-2"


def test_import_of_5000_rows_is_one_transaction_with_batched_inserts(db):
    lines = ["登録番号,サービス名,事業者名"] + [
        f"C{i % 90 + 10}-{i:04d}-1,S{i},P{i}" for i in range(5000)
    ]
    report = import_bytes("\r\n".join(lines).encode())
    assert len(report.added) == 5000 and IsmapEntry.select().count() == 5000


def test_check_claim_service_function_for_registers_and_answers(db):
    import_bytes(cp932_list())
    check = ismap_service.check_claim(
        "ｃ２２－００１０－１", provider="株式会社テスト", until=dt.date(2027, 3, 31), today=TODAY
    )
    assert check.state == "expires_before_end"
    assert ismap_service.check_claim("C00-0000-0", today=TODAY).state == "not_found"


def test_search_is_partial_and_width_insensitive(db):
    import_bytes(cp932_list())
    assert [e.number for e in ismap_service.search("ﾃｽﾄ")] == ["C22-0010-1"]
    assert [e.number for e in ismap_service.search("0008")] == ["C21-0008-2"]
    assert [e.number for e in ismap_service.search("", "ismap_liu")] == ["L23-0001-1"]


def test_commands_import_dry_run_and_check(runner, db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(cp932_list())
    trial = runner.invoke(args=["ismap", "import", str(path), "--dry-run"])
    assert trial.exit_code == 0 and "試行" in trial.output and IsmapEntry.select().count() == 0
    done = runner.invoke(args=["ismap", "import", str(path)])
    assert done.exit_code == 0 and "追加 3 件" in done.output
    ok = runner.invoke(args=["ismap", "check", "C21-0008-2", "--provider", "(株)架空"])
    assert "リスト: ISMAPクラウドサービスリスト" in ok.output
    wrong = runner.invoke(args=["ismap", "check", "C21-0008-2", "--provider", "別会社"])
    assert wrong.exit_code == 1 and "一致しません" in wrong.output
    bad_day = runner.invoke(args=["ismap", "check", "C21-0008-2", "--until", "来年"])
    assert bad_day.exit_code == 2 and "--until" in bad_day.output
    missing = runner.invoke(args=["ismap", "import", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "読めません" in missing.output
    broken = tmp_path / "broken.csv"
    broken.write_bytes("名前\r\nx\r\n".encode())
    refused = runner.invoke(args=["ismap", "import", str(broken)])
    assert refused.exit_code == 1 and "何も変更していません" in refused.output
