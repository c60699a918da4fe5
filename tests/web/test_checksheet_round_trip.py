"""Uploading a filled チェックシート: preview, confirm, submit; staff import; hostile files."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from tests.answering import TINY_PDF
from tests.checksheet_filling import fill
from tests.web.test_portal import _token
from vendorcheck.documents.checksheet_writer import ANSWER_COLUMN
from vendorcheck.services import answers
from vendorcheck.services.assessments import questionnaire_of, read_draft, submission_comments
from vendorcheck.store.models import Assessment, AuditEvent, MailMessage, Submission


def _download(client, path):
    response = client.get(f"{path}checksheet/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.data


def _upload(client, path, data, filename="回答.xlsx"):
    token = _token(client, f"{path}checksheet/")
    return client.post(
        f"{path}checksheet/",
        data={"csrf_token": token, "workbook": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _confirm(client, path, html):
    action = re.search(r'action="([^"]+/confirm)"', html).group(1)
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    token = _token(client, f"{path}checksheet/")
    return client.post(action, data={"csrf_token": token, "revision": revision})


def _edit(data, change):
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_vendor_downloads_fills_previews_confirms_and_submits(client, invite, db):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    filled = fill(_download(client, path), questionnaire)
    preview = _upload(client, path, filled)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "変更される回答" in html and "→" in html
    assert Assessment.get_by_id(assessment.id).draft_revision == 0  # nothing saved yet
    confirmed = _confirm(client, path, html)
    assert confirmed.status_code == 302
    current = Assessment.get_by_id(assessment.id)
    assert current.draft_revision == 1
    for question_id in answers.readiness(current, questionnaire).missing:
        assert questionnaire.question(question_id).answer_type.holds_evidence
        answers.add_evidence(
            Assessment.get_by_id(assessment.id), question_id, "e.pdf", TINY_PDF, max_bytes=10**6
        )
    current = Assessment.get_by_id(assessment.id)
    assert answers.readiness(current, questionnaire).ready
    token = _token(client, f"{path}confirm")
    client.post(f"{path}submit", data={"csrf_token": token, "revision": current.draft_revision})
    assert Submission.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "checksheet.apply").count() == 1


def test_japanese_full_width_digits_and_wareki_dates_are_cleaned_like_the_form(client, invite, db):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)

    def typed(question):
        kind = question.answer_type.sheet_rule().kind
        if question.answer_type.holds_date:
            return "令和９年３月３１日"
        if question.type == "corporate_number":
            return "７０００－０１２０５０００２"
        return "日本語の回答です" if kind == "text_length" else None

    html = _upload(client, path, fill(_download(client, path), questionnaire, typed))
    html = html.get_data(as_text=True)
    assert "令和9年3月31日" in html and "7000012050002" in html
    _confirm(client, path, html)
    draft = read_draft(Assessment.get_by_id(assessment.id))
    dates = [q.id for q in questionnaire.questions if q.answer_type.holds_date]
    assert all(draft.answers[qid] == "2027-03-31" for qid in dates)


def test_invalid_cells_and_formulas_are_rejected_rows_with_sheet_row_and_reason(client, invite, db):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    data = fill(_download(client, path), questionnaire)

    def spoil(workbook):
        sheet = workbook.worksheets[1]
        sheet.cell(5, ANSWER_COLUMN).value = "=1+1"
        sheet.cell(6, ANSWER_COLUMN).value = "存在しない選択肢"

    response = _upload(client, path, _edit(data, spoil))
    html = response.get_data(as_text=True)
    assert "受け付けられない行" in html and "数式は回答として受け付けていません" in html
    sheet_title = load_workbook(io.BytesIO(data)).worksheets[1].title
    assert f"{sheet_title}・5行目" in html


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda wb: wb["表紙"].cell(_stamp_row(wb, "照合コード"), 2, "0" * 20),
            "照合コードが一致しません",
        ),
        (
            lambda wb: wb["表紙"].cell(_stamp_row(wb, "確認書ID"), 2, "system"),
            "別の確認書（system）",
        ),
        (lambda wb: wb["表紙"].cell(_stamp_row(wb, "確認書の版"), 2, "99"), "確認書の版が違います"),
        (lambda wb: wb.worksheets[1].cell(5, 1, "no.such_question"), "隠し列の質問ID"),
        (
            lambda wb: wb.worksheets[1].move_range("A5:J6", rows=40),
            "行が移動または削除されています",
        ),
        (lambda wb: wb.worksheets[1].merge_cells("H5:I5"), "結合されたセル"),
        (lambda wb: wb.worksheets[1].insert_cols(3), "列の並びが変わっています"),
    ],
)
def test_tampered_or_rearranged_workbooks_are_refused_with_nothing_saved(
    client, invite, db, spoil, message
):
    path, assessment = invite("cloud")
    data = fill(_download(client, path), questionnaire_of(assessment))
    response = _upload(client, path, _edit(data, spoil))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert Assessment.get_by_id(assessment.id).draft_revision == 0


def _stamp_row(workbook, label):
    cover = workbook["表紙"]
    return next(row for row in range(1, cover.max_row + 1) if cover.cell(row, 1).value == label)


def test_swapped_rows_are_refused(client, invite, db):
    path, _ = invite("cloud")
    data = _download(client, path)

    def swap(workbook):
        sheet = workbook.worksheets[1]
        first, second = sheet.cell(5, 1).value, sheet.cell(6, 1).value
        sheet.cell(5, 1).value, sheet.cell(6, 1).value = second, first

    response = _upload(client, path, _edit(data, swap))
    assert "行が移動または削除されています" in response.get_data(as_text=True)


def test_another_assessments_workbook_is_refused(client, invite, db):
    path, _ = invite("cloud")
    other_path, _ = invite("cloud", vendor_name="別の株式会社")
    response = _upload(client, path, _download(client, other_path))
    assert "別の回答" in response.get_data(as_text=True)


def test_stale_upload_is_refused_like_a_stale_save(client, invite, db):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    data = fill(_download(client, path), questionnaire)
    section = questionnaire.sections[0]
    answers.save_section(assessment, section.id, {}, 0)  # another tab saved meanwhile
    response = _upload(client, path, data)
    assert response.status_code == 409 and "ダウンロードし直し" in response.get_data(as_text=True)


def test_confirming_after_another_save_is_refused(client, invite, db):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    html = _upload(client, path, fill(_download(client, path), questionnaire)).get_data(
        as_text=True
    )
    answers.save_section(assessment, questionnaire.sections[0].id, {}, 0)
    response = _confirm(client, path, html)
    assert response.status_code == 409
    assert Assessment.get_by_id(assessment.id).draft_revision == 1


def _zip(entries, declared=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.xlsx", "ファイルが空です"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xlsx", "パスワード付き"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "壊れていないか"),
        (b"x" * (6 * 1024 * 1024), "a.xlsx", "大きすぎます"),
        (
            _zip(
                {"[Content_Types].xml": "x", "xl/workbook.xml": "x", "xl/big.xml": "0" * 60_000_000}
            ),
            "a.xlsx",
            "展開すると大きすぎる",
        ),
        (
            _zip({"[Content_Types].xml": "x", "xl/workbook.xml": "x", "xl/vbaProject.bin": "x"}),
            "a.xlsx",
            "マクロを含む",
        ),
        (b"PK\x03\x04", "a.xlsm", "マクロ有効ブック"),
        (
            _zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<broken"}),
            "a.xlsx",
            "読めませんでした",
        ),
    ],
)
def test_hostile_files_get_a_japanese_message_and_no_500(
    app, client, invite, db, data, filename, message
):
    app.config["MAX_EVIDENCE_MB"] = 20
    path, assessment = invite("cloud")
    response = _upload(client, path, data, filename)
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    assert message in response.get_data(as_text=True)
    assert Assessment.get_by_id(assessment.id).draft_revision == 0


def test_staff_import_records_who_file_and_sha256_and_mails_the_vendor(
    client, invite, db, login_as
):
    _, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    login_as("admin")
    page = f"/assessments/{assessment.id}/checksheet"
    download = client.get(f"{page}.xlsx")
    assert download.status_code == 200
    data = fill(download.data, questionnaire)
    token = _token(client, page)
    preview = client.post(
        page,
        data={"csrf_token": token, "workbook": (io.BytesIO(data), "受領分.xlsx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "変更される回答" in html
    action = re.search(r'action="([^"]+/confirm)"', html).group(1)
    confirmed = client.post(action, data={"csrf_token": _token(client, page), "revision": "0"})
    assert confirmed.status_code == 302
    event = AuditEvent.get(AuditEvent.action == "checksheet.import")
    assert "受領分.xlsx" in event.after and "sha256" in event.after and event.actor_kind == "staff"
    mail = MailMessage.get(
        MailMessage.to_address == "vendor@example.jp",
        MailMessage.subject.contains("チェックシート"),
    )
    assert "代わって入力" in mail.body


def test_a_workbook_saved_again_by_libreoffice_is_read_back(client, invite, db, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed for this test"
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    (tmp_path / "in.xlsx").write_bytes(fill(_download(client, path), questionnaire))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "in.xlsx"),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    response = _upload(client, path, (tmp_path / "out" / "in.xlsx").read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:1000]
    assert "変更される回答" in html and "受け付けられない行（0 件）" in html


def test_staff_pages_need_the_right_role_and_an_existing_assessment(client, invite, db, login_as):
    _, assessment = invite("cloud")
    login_as("viewer")
    assert client.get(f"/assessments/{assessment.id}/checksheet").status_code == 403
    missing = client.get("/assessments/999999/checksheet.xlsx")
    assert missing.status_code == 404 and "見つかりません" in missing.get_data(as_text=True)


def test_a_vendor_cannot_confirm_an_upload_staff_made(client, invite, db, login_as):
    path, assessment = invite("cloud")
    data = fill(_download(client, path), questionnaire_of(assessment))
    login_as("admin")
    page = f"/assessments/{assessment.id}/checksheet"
    html = client.post(
        page,
        data={"csrf_token": _token(client, page), "workbook": (io.BytesIO(data), "a.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    upload_id = re.search(r"/checksheet/(\d+)/confirm", html).group(1)
    token = _token(client, f"{path}checksheet/")
    response = client.post(
        f"{path}checksheet/{upload_id}/confirm", data={"csrf_token": token, "revision": "0"}
    )
    assert response.status_code == 404
    assert Assessment.get_by_id(assessment.id).draft_revision == 0


def test_comments_in_the_workbook_are_previewed_kept_at_submission_and_shown_to_staff(
    client, invite, db, login_as
):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    first = questionnaire.questions[0]
    said = {first.id: "ISMS 認証の範囲は本社のみです。\n来年度に拡大予定。"}
    filled = fill(_download(client, path), questionnaire, comments={first.id: said[first.id]})
    html = _upload(client, path, filled).get_data(as_text=True)
    assert "変更されるコメント（1 件）" in html
    assert "ISMS 認証の範囲は本社のみです。" in html and "（なし）" in html
    assert not read_draft(Assessment.get_by_id(assessment.id)).notes  # nothing saved yet
    assert _confirm(client, path, html).status_code == 302
    assert read_draft(Assessment.get_by_id(assessment.id)).notes == {first.id: said[first.id]}
    again = _download(client, path)  # the comment comes back in the next download
    sheet_values = [
        cell.value
        for sheet in load_workbook(io.BytesIO(again)).worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    assert said[first.id] in sheet_values
    current = Assessment.get_by_id(assessment.id)
    for question_id in answers.readiness(current, questionnaire).missing:
        answers.add_evidence(
            Assessment.get_by_id(assessment.id), question_id, "e.pdf", TINY_PDF, max_bytes=10**6
        )
    current = Assessment.get_by_id(assessment.id)
    token = _token(client, f"{path}confirm")
    client.post(f"{path}submit", data={"csrf_token": token, "revision": current.draft_revision})
    submission = Submission.get()
    assert submission_comments(submission) == {first.id: said[first.id]}
    login_as("ciso")
    page = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert "事業者のコメント" in page and "来年度に拡大予定。" in page


def test_a_cleared_comment_cell_removes_the_comment(client, invite, db):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    question = questionnaire.questions[0]
    filled = fill(_download(client, path), questionnaire, comments={question.id: "補足です"})
    _confirm(client, path, _upload(client, path, filled).get_data(as_text=True))
    cleared = fill(_download(client, path), questionnaire, lambda q: None, {question.id: ""})
    html = _upload(client, path, cleared).get_data(as_text=True)
    assert "変更されるコメント（1 件）" in html and "（削除）" in html
    _confirm(client, path, html)
    assert read_draft(Assessment.get_by_id(assessment.id)).notes == {}
