"""A vendor answers with the Excel チェックシート in Chromium: download, fill, upload, preview,
confirm, submit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.answering import TINY_PDF
from tests.checksheet_filling import fill
from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store.models import Assessment, Submission

pytestmark = pytest.mark.browser


def test_vendor_downloads_fills_uploads_previews_confirms_and_submits(app, page, portal):
    url, assessment_id, questionnaire = portal()
    page.goto(url)
    page.get_by_role("link", name="Excel のチェックシートで回答する").click()
    assert page.locator("h1").inner_text() == "チェックシート（Excel）"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="チェックシートをダウンロード").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    filled = fill(Path(download.path()).read_bytes(), questionnaire)
    page.set_input_files(
        "#workbook",
        files=[
            {
                "name": "記入済み.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": filled,
            }
        ],
    )
    page.get_by_role("button", name="アップロードして内容を確認する").click()
    assert "変更される回答" in page.content()
    assert page.locator("tbody tr").count() > 5
    with app.extensions["vendorcheck_db"].connection_context():
        assert Assessment.get_by_id(assessment_id).draft_revision == 0  # not saved yet
    page.get_by_role("button", name="この内容で保存する").click()
    assert "チェックシートの回答を保存しました" in page.content()
    with app.extensions["vendorcheck_db"].connection_context():
        assessment = Assessment.get_by_id(assessment_id)
        for question_id in answer_service.readiness(assessment, questionnaire).missing:
            answer_service.add_evidence(
                Assessment.get_by_id(assessment_id),
                question_id,
                "証跡.pdf",
                TINY_PDF,
                max_bytes=10**6,
            )
        assert answer_service.readiness(
            Assessment.get_by_id(assessment_id), questionnaire_of(assessment)
        ).ready
    page.reload()
    page.locator("form[action$='/submit'] button[type=submit]").click()
    with app.extensions["vendorcheck_db"].connection_context():
        assert Submission.select().where(Submission.assessment == assessment_id).count() == 1
