"""The チェックシート as written: cover, sheets, hidden ids, validations, protection, A4."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from vendorcheck.documents.checksheet_writer import ANSWER_COLUMN, COMMENT_COLUMN, FONT
from vendorcheck.services import answers
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.checksheet_download import build_checksheet
from vendorcheck.store.models import Assessment


def _workbook(assessment):
    data, filename = build_checksheet(assessment, "secret")
    return load_workbook(io.BytesIO(data)), filename


def test_cover_names_the_case_organisation_deadline_and_carries_the_checksum(app, db, invite):
    _, assessment = invite("cloud")
    workbook, filename = _workbook(assessment)
    assert filename.endswith(".xlsx") and "テスト株式会社" in filename
    cover = workbook["表紙"]
    facts = {row[0]: row[1] for row in cover.iter_rows(values_only=True) if row[0]}
    assert facts["案件"] == "cloud の案件"
    assert facts["事業者"] == "テスト株式会社"
    assert facts["回答期限"] == "期限の定めなし"
    assert "記入のしかた" in facts and "返送のしかた" in facts
    assert len(facts["照合コード"]) == 20 and facts["確認書ID"] == "cloud"
    assert cover.protection.sheet and not cover.protection.password


def test_section_sheets_hide_ids_name_requirements_and_unlock_only_answers(app, db, invite):
    _, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    workbook, _ = _workbook(assessment)
    sections = workbook.worksheets[1:-1]
    assert len(sections) == len(questionnaire.sections)
    assert workbook.worksheets[-1].sheet_state == "hidden"
    sheet = sections[0]
    assert sheet.column_dimensions["A"].hidden
    assert sheet.protection.sheet and not sheet.protection.password
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"  # A4
    assert sheet.print_area and sheet.print_title_rows
    first = questionnaire.sections[0].questions[0]
    assert sheet.cell(5, 1).value == first.id
    assert sheet.cell(5, 3).value == first.text.ja
    requirement_cell = sheet.cell(5, 5).value
    assert requirement_cell and not any(rid in requirement_cell for rid in first.requirements)
    assert sheet.cell(5, 3).font.name == FONT
    assert not sheet.cell(5, ANSWER_COLUMN).protection.locked
    assert not sheet.cell(5, COMMENT_COLUMN).protection.locked
    assert sheet.cell(5, 3).protection.locked


def test_every_question_type_declares_a_validation_and_conditions_are_in_words(app, db, invite):
    _, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    workbook, _ = _workbook(assessment)
    kinds = set()
    for sheet, section in zip(workbook.worksheets[1:-1], questionnaire.sections, strict=True):
        validated = {}
        for validation in sheet.data_validations.dataValidation:
            for cells in validation.sqref.ranges:
                validated[cells.coord] = validation.type
        for row, question in enumerate(section.questions, start=5):
            rule = question.answer_type.sheet_rule()
            coordinate = sheet.cell(row, ANSWER_COLUMN).coordinate
            expected = {"text_length": "textLength"}.get(rule.kind, rule.kind)
            if rule.kind in ("any", "none"):
                assert coordinate not in validated
            else:
                assert validated.get(coordinate) == expected, question.id
            kinds.add(rule.kind)
            if question.show_if:
                condition = sheet.cell(row, 7).value
                assert (condition and "の回答が" in condition) or "区分" in condition
    assert {"list", "date", "text_length", "none"} <= kinds


def test_current_draft_is_filled_in_with_labels(app, db, invite):
    _, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    section = questionnaire.sections[0]
    choice = next(q for q in section.questions if q.answer_type.sheet_rule().kind == "list")
    value = choice.answer_type.choices[0]
    answers.save_section(assessment, section.id, {f"q__{choice.id}": [value.value]}, 0)
    workbook, _ = _workbook(Assessment.get_by_id(assessment.id))
    sheet = workbook.worksheets[1]
    row = 5 + list(section.questions).index(choice)
    assert sheet.cell(row, ANSWER_COLUMN).value == value.label.ja
