"""vendorcheck compare and vendorcheck report: files written, read back, Japanese errors."""

from __future__ import annotations

import csv
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT

from tests.web.test_comparison import ALL_YES, EVIL, assessments_by_name, expected_card, make_case


@pytest.fixture
def case(db):
    return make_case(
        [
            ("株式会社あおば", ALL_YES),
            (EVIL, {**ALL_YES, "tech.mfa": "no"}),
            ("株式会社みどり", None),
        ],
        title="窓口端末の調達",
    )


def test_compare_writes_a_landscape_word_report_with_scored_totals(runner, case, tmp_path):
    target = tmp_path / "比較.docx"
    result = runner.invoke(args=["compare", str(case.id), "--format", "docx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "事業者 3 社、提出済み 2 社" in result.output
    document = docx.Document(str(target))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    rows = {row.cells[1].text: row.cells[2].text for row in document.tables[0].rows[1:]}
    for name, assessment in assessments_by_name(case).items():
        if assessment.submitted_version:
            assert float(rows[name]) == expected_card(assessment).total
        else:
            assert rows[name] == "未提出"


@pytest.mark.parametrize("explicit", [True, False])
def test_compare_writes_csv_chosen_by_option_or_suffix(runner, case, tmp_path, explicit):
    target = tmp_path / "比較.csv"
    options = ["--format", "csv"] if explicit else []
    result = runner.invoke(args=["compare", str(case.id), *options, "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert "'" + EVIL in rows[0]
    totals = next(row for row in rows if row[1] == "総合点")
    named = assessments_by_name(case)
    for name, value in zip(rows[0][2:], totals[2:], strict=True):
        assessment = named[name.removeprefix("'")]
        if assessment.submitted_version:
            assert float(value) == expected_card(assessment).total


def test_report_writes_the_approval_file_document(runner, case, tmp_path):
    assessment = assessments_by_name(case)["株式会社あおば"]
    target = tmp_path / "報告書.docx"
    result = runner.invoke(args=["report", str(assessment.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert f"総合点: {expected_card(assessment).total:.1f}点" in text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["compare", "9999", "-o", "{tmp}/x.docx"], 1, "案件 9999 は見つかりません。"),
        (["compare", "abc", "-o", "{tmp}/x.docx"], 2, "数字で指定してください"),
        (["compare", "{case}"], 2, "-o で指定してください"),
        (["compare", "{case}", "-o", "{tmp}/x.txt"], 2, "docx か csv"),
        (
            ["compare", "{case}", "--format", "pdf", "-o", "{tmp}/x.pdf"],
            2,
            "形式「pdf」は使えません",
        ),
        (["compare", "{case}", "-o", "{tmp}/無い/x.csv"], 1, "書き込めません"),
        (["compare", "{empty}", "-o", "{tmp}/x.csv"], 1, "まだどの事業者も回答を提出していない"),
        (["report", "9999", "-o", "{tmp}/x.docx"], 1, "9999 は見つかりません。"),
        (["report", "{unsubmitted}", "-o", "{tmp}/x.docx"], 1, "提出された回答がないため"),
        (["report", "{submitted}", "-o", "{tmp}"], 1, "書き込めません"),
    ],
)
def test_errors_are_japanese_with_non_zero_exits(runner, case, tmp_path, args, code, message):
    empty = make_case([("株式会社ひかり", None)], title="未提出の案件")
    named = assessments_by_name(case)
    values = {
        "tmp": str(tmp_path),
        "case": str(case.id),
        "empty": str(empty.id),
        "submitted": str(named["株式会社あおば"].id),
        "unsubmitted": str(named["株式会社みどり"].id),
    }
    result = runner.invoke(args=[arg.format(**values) for arg in args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.csv").exists()
