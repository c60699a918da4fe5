"""vendorcheck checksheet export / import: the チェックシート round trip for staff, a trial run
that stores nothing, the import on the vendor's behalf with its audit, and bad input refused
in one Japanese message without a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.checksheet_filling import fill
from tests.conftest import home_department
from tests.invitation import invite_vendor
from vendorcheck.documents.checksheet_reader import MAX_WORKBOOK_BYTES
from vendorcheck.documents.checksheet_writer import ANSWER_COLUMN, COMMENT_COLUMN, ID_COLUMN
from vendorcheck.services.assessments import questionnaire_of, read_draft
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    ChecksheetUpload,
    Department,
    MailMessage,
)


@pytest.fixture
def assessment(app, db):
    link = invite_vendor(
        app.config,
        kind="cloud",
        base_url="http://vendorcheck.test",
        vendor_name="株式会社筑後クラウド",
        contact_email="vendor@example.jp",
        case_title="文書管理クラウドの調達",
    )
    found = Assessment.get_by_id(link.assessment.id)
    Case.update(department=home_department()).where(Case.id == found.case_id).execute()
    return Assessment.get_by_id(found.id)


@pytest.fixture
def officer(make_staff):
    return make_staff("officer", login_id="sato")


def _export(runner, assessment, tmp_path) -> bytes:
    target = tmp_path / "シート.xlsx"
    result = runner.invoke(args=["checksheet", "export", str(assessment.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"回答 {assessment.id} のチェックシートを" in result.output
    return target.read_bytes()


def _write(tmp_path, data: bytes, name: str = "受領.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _edit(data: bytes, change) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _refused(result, expected: str) -> None:
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert expected in result.output, result.output


def _import(runner, assessment, path, *extra: str):
    return runner.invoke(
        args=["checksheet", "import", str(assessment.id), str(path), "--staff", "sato", *extra]
    )


def test_export_writes_the_workbook_with_the_draft(app, runner, assessment, tmp_path):
    data = _export(runner, assessment, tmp_path)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[0] == "表紙"
    ids = {
        sheet.cell(row, ID_COLUMN).value
        for sheet in workbook.worksheets[1:-1]
        for row in range(5, sheet.max_row + 1)
    }
    assert {q.id for q in questionnaire_of(assessment).questions} <= ids


def test_dry_run_prints_the_preview_in_japanese_and_stores_nothing(
    app, runner, assessment, officer, tmp_path
):
    questionnaire = questionnaire_of(assessment)
    first = questionnaire.questions[0]
    filled = fill(_export(runner, assessment, tmp_path), questionnaire, comments={first.id: "補足"})
    before = AuditEvent.select().count()
    result = _import(runner, assessment, _write(tmp_path, filled), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "確認だけを行いました（--dry-run）。何も保存していません" in result.output
    assert "変更される回答:" in result.output and " → " in result.output
    assert "変更されるコメント: 1 件" in result.output
    assert first.text.ja in result.output
    assert "SHA-256" in result.output
    assert AuditEvent.select().count() == before
    assert ChecksheetUpload.select().count() == 0
    assert Assessment.get_by_id(assessment.id).draft_revision == 0


def test_import_enters_the_answers_for_the_vendor_with_the_audit(
    app, runner, assessment, officer, tmp_path
):
    questionnaire = questionnaire_of(assessment)
    filled = fill(_export(runner, assessment, tmp_path), questionnaire)
    result = _import(runner, assessment, _write(tmp_path, filled))
    assert result.exit_code == 0, result.output
    assert "保存しました" in result.output and "代わって入力した記録" in result.output
    current = Assessment.get_by_id(assessment.id)
    assert current.draft_revision == 1 and read_draft(current).answers
    stored = ChecksheetUpload.get()
    assert stored.entered_by_id == officer.id and stored.applied_at is not None
    event = AuditEvent.get(AuditEvent.action == "checksheet.import")
    assert stored.sha256 in event.after and "受領.xlsx" in event.after
    assert "sato" in event.actor_label
    assert stored.sha256 in result.output
    mail = MailMessage.select().order_by(MailMessage.id.desc()).first()
    assert mail.to_address == "vendor@example.jp" and "貴社に代わって入力しました" in mail.body
    assert stored.sha256 in mail.body


def _macro_workbook(data: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\0" * 64)
    return output.getvalue()


def _formula(workbook) -> None:
    sheet = workbook.worksheets[1]
    sheet.cell(5, ANSWER_COLUMN).value = "=1+1"
    sheet.cell(5, COMMENT_COLUMN).value = '=HYPERLINK("http://example.invalid")'


def _stamp_row(workbook, label):
    cover = workbook["表紙"]
    return next(row for row in range(1, cover.max_row + 1) if cover.cell(row, 1).value == label)


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (
            lambda data: b"%PDF-1.4 not a workbook",
            "回答.xlsx",
            "Excel ブック（.xlsx）として読めませんでした",
        ),
        (lambda data: b"", "回答.xlsx", "ファイルが空です"),
        (
            lambda data: _edit(
                data, lambda wb: wb["表紙"].cell(_stamp_row(wb, "照合コード"), 2, "0" * 20)
            ),
            "回答.xlsx",
            "照合コードが一致しません",
        ),
        (_macro_workbook, "回答.xlsm", "マクロ有効ブック"),
        (_macro_workbook, "回答.xlsx", "マクロを含むブック"),
        (lambda data: data + b"\0" * (MAX_WORKBOOK_BYTES + 1), "回答.xlsx", "大きすぎます"),
    ],
)
def test_bad_files_are_refused_in_japanese_with_nothing_saved(
    app, runner, assessment, officer, tmp_path, make, name, message
):
    data = make(_export(runner, assessment, tmp_path))
    result = _import(runner, assessment, _write(tmp_path, data, name))
    _refused(result, message)
    assert ChecksheetUpload.select().count() == 0
    assert Assessment.get_by_id(assessment.id).draft_revision == 0


def test_a_formula_is_a_rejected_row_in_the_preview(app, runner, assessment, officer, tmp_path):
    data = _edit(_export(runner, assessment, tmp_path), _formula)
    result = _import(runner, assessment, _write(tmp_path, data), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "受け付けられない行: 1 件" in result.output
    assert "✗ 数式は回答として受け付けていません" in result.output


def test_wrong_arguments_are_refused_without_a_traceback(
    app, runner, assessment, officer, make_staff, tmp_path
):
    data = _export(runner, assessment, tmp_path)
    path = _write(tmp_path, data)
    _refused(
        runner.invoke(args=["checksheet", "import", "abc", str(path), "--staff", "sato"]),
        "回答ID「abc」は数字で指定してください",
    )
    _refused(
        runner.invoke(args=["checksheet", "import", "999999", str(path), "--staff", "sato"]),
        "見つかりません",
    )
    _refused(_import(runner, assessment, tmp_path / "ない.xlsx"), "を読めません")
    _refused(_import(runner, assessment, tmp_path), "フォルダー")
    _refused(
        runner.invoke(
            args=["checksheet", "import", str(assessment.id), str(path), "--staff", "nobody"]
        ),
        "ログイン ID「nobody」の有効な職員はいません",
    )
    make_staff("viewer", login_id="yamada")
    _refused(
        runner.invoke(
            args=["checksheet", "import", str(assessment.id), str(path), "--staff", "yamada"]
        ),
        "チェックシートを読み込めません",
    )
    fire = Department.create(name="消防局")
    make_staff("officer", login_id="kato", department_id=fire.id)
    _refused(
        runner.invoke(
            args=["checksheet", "import", str(assessment.id), str(path), "--staff", "kato"]
        ),
        "変更できるのは",
    )
    _refused(
        runner.invoke(args=["checksheet", "export", "12x", "-o", str(tmp_path / "x.xlsx")]),
        "数字で指定してください",
    )
    assert ChecksheetUpload.select().count() == 0
