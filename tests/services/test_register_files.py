"""Register exports read back (Word A4 landscape, CSV with BOM and neutralised formulas, XLSX
with filters) and imports with a dry run: CP932, missing columns, duplicates, 和暦 and Excel
serial dates; the register commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import docx
import openpyxl
import pytest

from tests.registers_entries import make_entry
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER, Reader
from vendorcheck.services import register_exports, register_import
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Forbidden, ServiceError
from vendorcheck.store.models import Department, RegisterEntry, RegisterPerson

HOSTILE = '=HYPERLINK("http://evil.example","クリック")'


@pytest.fixture
def entries(db):
    make_entry(name="架空市公式 X", purpose=HOSTILE, notes="+1234\n改行あり")
    make_entry(name="消防本部 Instagram", department="消防部局", platform="instagram")
    make_entry(
        entry_type=reg.SERVICE, name="オンライン会議サービス", provider_name="株式会社みらい"
    )


def test_csv_has_a_bom_japanese_headers_and_no_live_formula(entries):
    result = register_exports.export_register(SYSTEM_READER, "csv")
    assert result.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(result.data.decode("utf-8-sig"))))
    assert rows[0] == list(register_exports.HEADERS)
    purpose = rows[0].index("利用目的")
    assert rows[1][purpose] == "'" + HOSTILE
    assert rows[1][rows[0].index("責任者")] == "高橋 真理（事務部局）"
    assert rows[1][rows[0].index("利用開始日")] == "2025-04-01"
    assert len(rows) == 4


def test_xlsx_round_trip_keeps_japanese_text_dates_and_filters(entries):
    result = register_exports.export_register(SYSTEM_READER, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(result.data)).active
    header = [c.value for c in sheet[1]]
    assert header == list(register_exports.HEADERS)
    assert sheet.auto_filter.ref.startswith("A1:") and sheet.freeze_panes == "A2"
    purpose = sheet.cell(row=2, column=header.index("利用目的") + 1)
    assert purpose.data_type == "s" and purpose.value == "'" + HOSTILE
    start = sheet.cell(row=2, column=header.index("利用開始日") + 1).value
    assert start.date() == dt.date(2025, 4, 1)
    # entries are never deleted (their people history is append-only): retire the originals
    RegisterEntry.update(status=reg.RETIRED).execute()
    report = register_import.import_register(
        Actor.system("test"), SYSTEM_READER, result.data, dry_run=False
    )
    assert report.rejected == [] and report.written and report.accepted == 3
    names = sorted(
        e.name for e in RegisterEntry.select().where(RegisterEntry.status != reg.RETIRED)
    )
    assert names == ["オンライン会議サービス", "架空市公式 X", "消防本部 Instagram"]


def test_word_export_is_a4_landscape_with_wareki_dates_and_the_organisation(entries):
    result = register_exports.export_register(SYSTEM_READER, "docx", department_name="事務部局")
    document = docx.Document(io.BytesIO(result.data))
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert abs(section.page_width.mm - 297) < 1 and abs(section.page_height.mm - 210) < 1
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(register_exports.DOCX_COLUMNS)
    assert len(table.rows) == 3  # two entries of 事務部局 and the header
    cells = [c.text for c in table.rows[1].cells]
    assert "令和7年4月1日" in cells and "架空市公式 X" in cells
    assert "事務部局" in document.paragraphs[0].text


def test_an_officer_exports_only_their_department(entries):
    fire = Department.get(Department.name == "消防部局").id
    officer = Reader(1, "officer", fire)
    result = register_exports.export_register(officer, "csv")
    text = result.data.decode("utf-8-sig")
    assert "消防本部 Instagram" in text and "架空市公式 X" not in text
    with pytest.raises(Forbidden):
        register_exports.export_register(officer, "csv", department_name="事務部局")


def _csv(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


HEADER = [
    "種類",
    "部局",
    "名称（サービス名・アカウント名）",
    "責任者",
    "利用開始日",
    "アカウント ID（@ で始まるもの等）",
    "プラットフォーム",
]


def test_dry_run_lists_every_rejected_row_and_writes_nothing_in_cp932(db):
    data = _csv(
        [
            HEADER,
            [
                "SNS アカウント",
                "事務部局",
                "架空市公式 LINE",
                "高橋 真理",
                "令和7年4月1日",
                "@kakuu",
                "LINE",
            ],
            [
                "SNS アカウント",
                "事務部局",
                "架空市公式 LINE（重複）",
                "高橋 真理",
                "45748",
                "@kakuu",
                "LINE",
            ],
            [
                "SNS アカウント",
                "存在しない部",
                "公式 X",
                "高橋 真理",
                "2025-04-01",
                "@x",
                "X（旧 Twitter）",
            ],
            ["外部サービス", "事務部局", "会議サービス", "", "R7.4.1", "", ""],
            [
                "SNS アカウント",
                "事務部局",
                "公式 YouTube",
                "鈴木 一郎",
                "令和7年13月1日",
                "@yt",
                "YouTube",
            ],
        ],
        "cp932",
    )
    report = register_import.import_register(Actor.system("t"), SYSTEM_READER, data, dry_run=True)
    assert report.rows == 5 and report.accepted == 1
    reasons = {r.line: r.reason for r in report.rejected}
    assert "重複" in reasons[3]
    assert "部局「存在しない部」" in reasons[4]
    assert "責任者" in reasons[5]
    assert "利用開始日" in reasons[6]
    assert RegisterEntry.select().count() == 0
    refused = register_import.import_register(Actor.system("t"), SYSTEM_READER, data, dry_run=False)
    assert not refused.written and RegisterEntry.select().count() == 0


def test_wareki_and_excel_serial_dates_are_read(db):
    data = _csv(
        [
            HEADER,
            ["SNS アカウント", "事務部局", "公式 LINE", "高橋 真理", "令和7年4月1日", "@a", "LINE"],
            ["SNS アカウント", "事務部局", "公式 X", "高橋 真理", "45748", "@b", "x"],
            [
                "SNS アカウント",
                "事務部局",
                "公式 Facebook",
                "高橋 真理（広報課）",
                "H31.4.30",
                "@c",
                "Facebook",
            ],
        ]
    )
    report = register_import.import_register(Actor.system("t"), SYSTEM_READER, data, dry_run=False)
    assert report.written, report.rejected
    starts = {e.name: e.start_date for e in RegisterEntry.select()}
    assert starts == {
        "公式 LINE": dt.date(2025, 4, 1),
        "公式 X": dt.date(2025, 4, 1),
        "公式 Facebook": dt.date(2019, 4, 30),
    }
    person = RegisterPerson.get(
        RegisterPerson.name == "高橋 真理", RegisterPerson.department_name == "広報課"
    )
    assert person.effective_from == dt.date(2019, 4, 30)
    assert all(e.status == reg.ACTIVE for e in RegisterEntry.select())


def test_missing_columns_are_named_and_nothing_is_read(db):
    data = "\ufeff種類,名称（サービス名・アカウント名）\nSNS アカウント,公式\n".encode()
    with pytest.raises(ServiceError, match="必要な列がありません: 部局、責任者"):
        register_import.import_register(Actor.system("t"), SYSTEM_READER, data, dry_run=True)


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00\x00garbage\x81", b"PK\x03\x04not a real zip"],
)
def test_broken_files_give_a_japanese_error(db, data):
    with pytest.raises(ServiceError):
        register_import.import_register(Actor.system("t"), SYSTEM_READER, data, dry_run=True)


def test_register_commands_export_import_list_and_show(runner, db, tmp_path):
    entry = make_entry(name="架空市公式 X", account_handle="@kakuu_city")
    for file_format in ("docx", "csv", "xlsx"):
        target = tmp_path / f"register.{file_format}"
        result = runner.invoke(
            args=["register", "export", "--format", file_format, "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0 and "1 件" in result.output
    listed = runner.invoke(args=["register", "list", "--json"])
    assert json.loads(listed.output)[0]["名称（サービス名・アカウント名）"] == "架空市公式 X"
    shown = runner.invoke(args=["register", "show", str(entry.id), "--on", "2025-03-31"])
    assert "責任者: 未登録" in shown.output
    shown = runner.invoke(args=["register", "show", str(entry.id), "--on", "令和7年4月1日"])
    assert "責任者: 高橋 真理（事務部局） 令和7年4月1日から" in shown.output
    assert runner.invoke(args=["register", "show", "abc"]).exit_code == 2
    assert runner.invoke(args=["register", "show", "1", "--on", "昨日"]).exit_code == 2
    assert "登録されていません" in runner.invoke(args=["register", "show", "999"]).output
    RegisterEntry.update(status=reg.RETIRED).execute()  # never deleted: people are kept
    dry = runner.invoke(args=["register", "import", str(tmp_path / "register.csv"), "--dry-run"])
    assert dry.exit_code == 0 and "何も書き込んでいません" in dry.output
    assert RegisterEntry.select().count() == 1
    done = runner.invoke(args=["register", "import", str(tmp_path / "register.xlsx")])
    assert done.exit_code == 0 and "1 件を台帳に取り込みました" in done.output
    missing = runner.invoke(args=["register", "import", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "読み込めません" in missing.output
