"""Staff exports of submitted answers: one version, or all bidders; formulas stay text."""

from __future__ import annotations

import io
import json
import zipfile

from openpyxl import load_workbook

from tests.web.test_answer_reuse import _submit
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store.models import Assessment, Submission


def _rows(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_all_bidders_side_by_side_with_formulas_kept_as_text(client, invite, db, login_as):
    path, first = invite("cloud")
    _submit(client, path, first)
    questionnaire = questionnaire_of(first)
    text_question = next(q for q in questionnaire.questions if q.type == "text")
    second_path, second = invite("cloud", vendor_name="二社目株式会社")
    second.case = first.case
    second.save()
    _submit(client, second_path, Assessment.get_by_id(second.id))
    login_as("admin")
    response = client.get(f"/cases/{first.case_id}/answers.xlsx")
    assert response.status_code == 200
    sheet, rows = _rows(response.data)
    header = next(row for row in rows if row[0] == "番号")
    assert header[3:5] == ["テスト株式会社", "二社目株式会社"]
    assert any(row[2] == text_question.text.ja for row in rows)
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)


def test_a_formula_typed_as_an_answer_is_exported_as_text(client, invite, db, login_as):
    path, assessment = invite("cloud")
    _submit(client, path, assessment)
    submission = Submission.get(Submission.assessment == assessment.id)
    questionnaire = questionnaire_of(assessment)
    text_id = next(q.id for q in questionnaire.questions if q.type == "text")
    stored = json.loads(submission.answers)
    stored[text_id] = "=1+1"
    other = Submission.create(assessment=assessment, version=2, answers=json.dumps(stored))
    login_as("admin")
    response = client.get(f"/assessments/{assessment.id}/answers.xlsx?version={other.version}")
    sheet, _ = _rows(response.data)
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_nothing_submitted_is_a_japanese_404(client, invite, db, login_as):
    _, assessment = invite("cloud")
    login_as("admin")
    response = client.get(f"/cases/{assessment.case_id}/answers.xlsx")
    assert response.status_code == 404 and "提出された回答がまだありません" in response.get_data(
        as_text=True
    )
