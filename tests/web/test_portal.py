"""The vendor portal: link scope, saving, stale saves, uploads, confirmation, submission."""

from __future__ import annotations

import datetime as dt
import logging
import re

from tests.answering import TINY_PDF, section_form
from vendorcheck.services import answers as answer_service
from vendorcheck.services import invitations, review
from vendorcheck.services.assessments import questionnaire_of, read_draft
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import (
    AccessToken,
    Assessment,
    AuditEvent,
    Evidence,
    Submission,
)
from vendorcheck.web.errors import loggable_path


def _token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _first_section(assessment):
    return questionnaire_of(assessment).sections[0]


def test_overview_is_scoped_to_the_link_and_sends_no_referrer(client, invite):
    path, _assessment = invite()
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "cloud の案件" in html and "回答済み" in html
    other_path, _ = invite(vendor_name="別の会社")
    assert "別の会社" not in html
    assert client.get(other_path).status_code == 200


def test_wrong_expired_and_revoked_links_get_japanese_404_and_410(client, invite, db):
    path, assessment = invite()
    wrong = client.get("/p/" + "x" * 43 + "/")
    assert wrong.status_code == 404 and "リンクが正しくありません" in wrong.get_data(as_text=True)
    AccessToken.update(expires_at=dt.datetime(2000, 1, 1)).where(
        AccessToken.assessment == assessment
    ).execute()
    expired = client.get(path)
    assert expired.status_code == 410 and "無効" in expired.get_data(as_text=True)
    new_path, assessment2 = invite(vendor_name="二社目")
    invitations.revoke_link(Actor.system(), assessment2)
    assert client.get(new_path).status_code == 410


def test_reissued_link_replaces_the_old_one_at_once(client, invite, db):
    path, assessment = invite()
    link = invitations.reissue_link(
        Actor.system(), assessment, invitations.LinkSettings("http://vendorcheck.test")
    )
    assert client.get(path).status_code == 410
    assert client.get(link.url.removeprefix("http://vendorcheck.test")).status_code == 200
    assert AuditEvent.select().where(AuditEvent.action == "assessment.link_reissue").count() == 1


def test_repeated_bad_links_from_one_address_are_rate_limited(app, client):
    app.config["PORTAL_MAX_FAILURES_PER_ADDRESS"] = 3
    for number in range(3):
        assert client.get(f"/p/guess{number}/").status_code == 404
    limited = client.get("/p/guess-again/")
    assert limited.status_code == 429 and "しばらく" in limited.get_data(as_text=True)


def test_saving_a_section_keeps_valid_answers_and_invalid_input_with_errors(client, invite, db):
    path, assessment = invite("cloud")
    questionnaire = questionnaire_of(assessment)
    company = next(
        s for s in questionnaire.sections if any(q.type == "corporate_number" for q in s.questions)
    )
    number_question = next(q for q in company.questions if q.type == "corporate_number")
    form = section_form(questionnaire, company.id)
    form[f"q__{number_question.id}"] = ["1234567890123"]  # wrong check digit
    token = _token(client, f"{path}s/{company.id}")
    response = client.post(
        f"{path}s/{company.id}",
        data={**form, "csrf_token": token, "revision": "0", "action": "save"},
    )
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 400
        and "法人番号が正しくありません。13桁の番号をご確認ください。" in html
    )
    assert "チェックディジット" not in html
    assert 'value="1234567890123"' in html  # what the vendor typed is not lost
    draft = read_draft(Assessment.get_by_id(assessment.id))
    assert number_question.id in draft.invalid and number_question.id not in draft.answers
    assert len(draft.answers) >= 1
    reloaded = client.get(f"{path}s/{company.id}").get_data(as_text=True)
    assert (
        "法人番号が正しくありません。13桁の番号をご確認ください。" in reloaded
        and 'value="1234567890123"' in reloaded
    )


def test_stale_save_is_refused_with_a_clear_message_and_nothing_is_overwritten(client, invite, db):
    path, assessment = invite()
    section = _first_section(assessment)
    text_question = next(q for q in questionnaire_of(assessment).questions if q.type == "text")
    section_id = text_question.section_id
    token = _token(client, f"{path}s/{section_id}")
    first = client.post(
        f"{path}s/{section_id}",
        data={
            f"q__{text_question.id}": "新しい内容",
            "csrf_token": token,
            "revision": "0",
            "action": "save",
        },
    )
    assert first.status_code == 302
    stale = client.post(
        f"{path}s/{section_id}",
        data={
            f"q__{text_question.id}": "古いタブの内容",
            "csrf_token": token,
            "revision": "0",
            "action": "save",
        },
    )
    assert stale.status_code == 409 and "上書きを防ぐため" in stale.get_data(as_text=True)
    assert read_draft(Assessment.get_by_id(assessment.id)).answers[text_question.id] == "新しい内容"
    auto = client.post(
        f"{path}autosave",
        data={"section_id": section.id, "revision": "0"},
        headers={"X-CSRFToken": token},
    )
    assert auto.status_code == 409 and auto.get_json()["conflict"] is True


def test_autosave_returns_the_new_revision_and_progress(client, invite, db):
    path, assessment = invite()
    section = _first_section(assessment)
    questionnaire = questionnaire_of(assessment)
    token = _token(client, f"{path}s/{section.id}")
    response = client.post(
        f"{path}autosave",
        data={**section_form(questionnaire, section.id), "section_id": section.id, "revision": "0"},
        headers={"X-CSRFToken": token},
    )
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] and body["revision"] == 1
    assert body["progress"][section.id]["answered"] >= 1
    assert Assessment.get_by_id(assessment.id).status == "in_progress"
    no_csrf = client.post(f"{path}autosave", data={"section_id": section.id, "revision": "1"})
    assert no_csrf.status_code == 400


def _file_question(assessment):
    return next(q for q in questionnaire_of(assessment).questions if q.type == "file")


def _upload(client, path, section_id, token, field, filename, data, revision="0"):
    import io

    return client.post(
        f"{path}s/{section_id}",
        data={
            "csrf_token": token,
            "revision": revision,
            "action": "save",
            field: (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


def test_uploads_are_checked_by_content_and_can_be_downloaded_and_removed(client, invite, db, app):
    path, assessment = invite("cloud")
    question = _file_question(assessment)
    section = f"{path}s/{question.section_id}"
    token = _token(client, section)
    field = f"file__{question.id}"
    ok = _upload(client, path, question.section_id, token, field, "証明書.pdf", TINY_PDF)
    assert ok.status_code == 302
    evidence = Evidence.get(Evidence.assessment == assessment.id)
    assert evidence.file_kind == "pdf" and evidence.filename == "証明書.pdf"
    download = client.get(f"{path}evidence/{evidence.id}")
    assert download.status_code == 200 and download.data == TINY_PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E8%A8%BC" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    revision = str(Assessment.get_by_id(assessment.id).draft_revision)
    disguised = _upload(
        client,
        path,
        question.section_id,
        token,
        field,
        "invoice.pdf",
        b"MZ\x90\x00" + b"\x00" * 100,
        revision,
    )
    assert disguised.status_code == 400 and "実行ファイル" in disguised.get_data(as_text=True)
    revision = str(Assessment.get_by_id(assessment.id).draft_revision)
    html_file = _upload(
        client,
        path,
        question.section_id,
        token,
        field,
        "page.pdf",
        b"<html><script>x</script></html>",
        revision,
    )
    assert html_file.status_code == 400 and "HTML" in html_file.get_data(as_text=True)
    app.config["MAX_EVIDENCE_MB"] = 1
    revision = str(Assessment.get_by_id(assessment.id).draft_revision)
    big = _upload(
        client,
        path,
        question.section_id,
        token,
        field,
        "big.pdf",
        b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10),
        revision,
    )
    assert big.status_code == 400 and "大きすぎます" in big.get_data(as_text=True)
    assert Evidence.select().where(Evidence.assessment == assessment.id).count() == 1

    revision = str(Assessment.get_by_id(assessment.id).draft_revision)
    removed = client.post(
        section,
        data={"csrf_token": token, "revision": revision, "remove_evidence": str(evidence.id)},
    )
    assert removed.status_code == 302
    assert client.get(f"{path}evidence/{evidence.id}").status_code == 404
    assert question.id not in read_draft(Assessment.get_by_id(assessment.id)).answers


def test_another_assessments_evidence_is_not_reachable(client, invite, db):
    path, _assessment = invite("cloud")
    other_path, other = invite("cloud", vendor_name="他社")
    question = _file_question(other)
    evidence = answer_service.add_evidence(
        other, question.id, "other.pdf", TINY_PDF, max_bytes=10**6
    )
    assert client.get(f"{path}evidence/{evidence.id}").status_code == 404
    assert client.get(f"{other_path}evidence/{evidence.id}").status_code == 200


def test_request_over_the_size_limit_gets_413(app, client, invite):
    path, assessment = invite()
    app.config["MAX_CONTENT_LENGTH"] = 2048
    section = _first_section(assessment)
    token = _token(client, f"{path}s/{section.id}")
    response = client.post(
        f"{path}s/{section.id}", data={"csrf_token": token, "revision": "0", "q__x": "y" * 5000}
    )
    assert response.status_code == 413 and "大きすぎます" in response.get_data(as_text=True)


def _fill_everything(client, path, assessment):
    """Answer every applicable required question through the portal, section by section."""
    questionnaire = questionnaire_of(assessment)
    for _round in range(3):  # answers can reveal follow-up questions
        for section in questionnaire.sections:
            current = Assessment.get_by_id(assessment.id)
            token = _token(client, f"{path}s/{section.id}")
            response = client.post(
                f"{path}s/{section.id}",
                data={
                    **section_form(questionnaire, section.id),
                    "csrf_token": token,
                    "revision": str(current.draft_revision),
                    "action": "save",
                },
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        current = Assessment.get_by_id(assessment.id)
        for question_id in answer_service.readiness(current, questionnaire).missing:
            if questionnaire.question(question_id).type == "file":
                answer_service.add_evidence(
                    Assessment.get_by_id(assessment.id),  # each upload changes the draft
                    question_id,
                    "evidence.pdf",
                    TINY_PDF,
                    max_bytes=10**6,
                )
        if answer_service.readiness(Assessment.get_by_id(assessment.id), questionnaire).ready:
            return
    raise AssertionError(
        answer_service.readiness(Assessment.get_by_id(assessment.id), questionnaire)
    )


def test_confirm_lists_what_is_missing_and_submit_refuses_until_complete(client, invite, db):
    path, assessment = invite()
    page = client.get(f"{path}confirm").get_data(as_text=True)
    assert "未回答の必須項目" in page
    token = _token(client, f"{path}s/{_first_section(assessment).id}")
    refused = client.post(f"{path}submit", data={"csrf_token": token, "revision": "0"})
    assert refused.status_code == 302
    assert Submission.select().count() == 0
    assert "未回答の必須項目が" in client.get(refused.headers["Location"]).get_data(as_text=True)


def test_submit_freezes_a_version_and_return_allows_a_second_one(client, invite, db):
    path, assessment = invite()
    _fill_everything(client, path, assessment)
    current = Assessment.get_by_id(assessment.id)
    token = _token(client, f"{path}confirm")
    assert "提出する" in client.get(f"{path}confirm").get_data(as_text=True)
    done = client.post(
        f"{path}submit", data={"csrf_token": token, "revision": str(current.draft_revision)}
    )
    assert done.status_code == 302
    assert "第1版として提出しました" in client.get(done.headers["Location"]).get_data(as_text=True)
    current = Assessment.get_by_id(assessment.id)
    assert current.status == "submitted" and current.submitted_version == 1
    again = client.post(
        f"{path}submit", data={"csrf_token": token, "revision": str(current.draft_revision)}
    )
    assert again.status_code == 302 and Submission.select().count() == 1
    section = _first_section(current)
    locked = client.post(
        f"{path}s/{section.id}",
        data={"csrf_token": token, "revision": str(current.draft_revision), "action": "save"},
    )
    assert locked.status_code == 409 and "提出済み" in locked.get_data(as_text=True)
    assert AuditEvent.select().where(AuditEvent.action == "assessment.submit").count() == 1

    question = next(q for q in questionnaire_of(current).questions if q.type == "text")
    review.return_to_vendor(
        Actor.system(),
        current,
        "全体を見直してください。",
        {question.id: "<b>具体的に</b>記載してください。"},
        links=invitations.LinkSettings("http://vendorcheck.test"),
    )
    overview = client.get(path).get_data(as_text=True)
    assert "全体を見直してください。" in overview
    section_page = client.get(f"{path}s/{question.section_id}").get_data(as_text=True)
    assert "&lt;b&gt;具体的に&lt;/b&gt;" in section_page and "<b>具体的に" not in section_page
    current = Assessment.get_by_id(assessment.id)
    token = _token(client, f"{path}s/{question.section_id}")
    form = {
        **section_form(questionnaire_of(current), question.section_id),
        f"q__{question.id}": ["具体的な手順書を添付します。"],
    }
    saved = client.post(
        f"{path}s/{question.section_id}",
        data={
            **form,
            "csrf_token": token,
            "revision": str(current.draft_revision),
            "action": "save",
        },
    )
    assert saved.status_code == 302
    current = Assessment.get_by_id(assessment.id)
    resubmitted = client.post(
        f"{path}submit", data={"csrf_token": token, "revision": str(current.draft_revision)}
    )
    assert resubmitted.status_code == 302
    versions = list(
        Submission.select()
        .where(Submission.assessment == assessment.id)
        .order_by(Submission.version)
    )
    assert [s.version for s in versions] == [1, 2]
    assert "具体的な手順書" in versions[1].answers and "具体的な手順書" not in versions[0].answers


def test_script_in_answers_is_escaped_in_the_portal(client, invite, db):
    path, assessment = invite()
    question = next(q for q in questionnaire_of(assessment).questions if q.type == "text")
    token = _token(client, f"{path}s/{question.section_id}")
    client.post(
        f"{path}s/{question.section_id}",
        data={
            f"q__{question.id}": "<script>alert(1)</script>",
            "csrf_token": token,
            "revision": "0",
            "action": "save",
        },
    )
    page = client.get(f"{path}s/{question.section_id}").get_data(as_text=True)
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )


def test_english_invitation_shows_english_labels(client, invite):
    path, _ = invite(language="en")
    html = client.get(path).get_data(as_text=True)
    assert "Review and submit" in html and "Start answering" in html


def test_save_without_csrf_is_refused(client, invite, db):
    path, assessment = invite()
    section = _first_section(assessment)
    response = client.post(f"{path}s/{section.id}", data={"revision": "0", "action": "save"})
    assert response.status_code == 400
    assert Assessment.get_by_id(assessment.id).draft_revision == 0


def test_tokens_never_reach_the_logs(client, invite, caplog):
    path, _ = invite()
    token = path.split("/")[2]
    assert loggable_path(path) == "/p/<token>/"
    with caplog.at_level(logging.DEBUG):
        client.get(path)
        client.get("/p/not-a-real-token/")
    assert token not in caplog.text
