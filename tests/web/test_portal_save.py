"""The one portal save: a section's answers, uploads and a removal in one transaction with one
audit event; a refused upload or a stale revision leaves nothing half-saved (both databases)."""

from __future__ import annotations

import io
import re

import pytest

from tests.answering import TINY_PDF, section_form
from tests.processes.prepare import fill
from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import questionnaire_of, read_draft, refreshed
from vendorcheck.services.errors import Conflict
from vendorcheck.store.models import AuditEvent, Evidence
from vendorcheck.web.template_helpers import jst_filter, jst_time_filter

DISGUISED_EXE = b"MZ\x90\x00" + b"\x00" * 100
LIMIT = 10**6


@pytest.fixture
def invited(invite):
    """A vendor invited to a cloud case: (portal path, assessment, the file question)."""
    path, assessment = invite("cloud")
    file_question = next(q for q in questionnaire_of(assessment).questions if q.type == "file")
    return path, assessment, file_question


def _saves() -> int:
    return AuditEvent.select().where(AuditEvent.action == "assessment.save").count()


def _typed_text(assessment, section_id: str):
    questionnaire = questionnaire_of(assessment)
    question = next(
        (q for q in questionnaire.section(section_id).questions if q.type == "text"), None
    )
    assert question is not None, "the file question's section has a text question"
    return question


def test_a_refused_upload_in_the_same_save_changes_nothing(invited):
    _path, assessment, file_question = invited
    section_id = file_question.section_id
    questionnaire = questionnaire_of(assessment)
    form = section_form(questionnaire, section_id)
    with pytest.raises(answer_service.SaveRefused) as refused:
        answer_service.save_section(
            assessment,
            section_id,
            form,
            assessment.draft_revision,
            uploads=[
                answer_service.Upload(file_question.id, "良い証跡.pdf", TINY_PDF),
                answer_service.Upload(file_question.id, "invoice.pdf", DISGUISED_EXE),
            ],
            max_bytes=LIMIT,
        )
    assert "「invoice.pdf」を添付できませんでした" in refused.value.errors[file_question.id]
    stored = refreshed(assessment)
    assert stored.draft_revision == assessment.draft_revision
    assert read_draft(stored).answers == {}
    assert Evidence.select().where(Evidence.assessment == assessment.id).count() == 0
    assert _saves() == 0


def test_a_stale_save_with_an_upload_stores_no_file(invited):
    _path, assessment, file_question = invited
    section_id = file_question.section_id
    answer_service.save_section(
        assessment, section_id, section_form(questionnaire_of(assessment), section_id), 0
    )
    with pytest.raises(answer_service.StaleSave):
        answer_service.save_section(
            refreshed(assessment),
            section_id,
            {},
            0,
            uploads=[answer_service.Upload(file_question.id, "証跡.pdf", TINY_PDF)],
            max_bytes=LIMIT,
        )
    assert Evidence.select().where(Evidence.assessment == assessment.id).count() == 0
    assert refreshed(assessment).draft_revision == 1 and _saves() == 1


def test_answers_upload_and_removal_are_each_one_audited_save(invited):
    _path, assessment, file_question = invited
    section_id = file_question.section_id
    form = section_form(questionnaire_of(assessment), section_id)
    actor = answer_service.vendor_actor(assessment, "192.0.2.7")
    added = answer_service.save_section(
        assessment,
        section_id,
        form,
        0,
        uploads=[answer_service.Upload(file_question.id, "認証書.pdf", TINY_PDF)],
        actor=actor,
        max_bytes=LIMIT,
    )
    (evidence,) = added.added
    event = AuditEvent.get(AuditEvent.action == "assessment.save")
    assert "添付「認証書.pdf」" in event.summary and event.client_address == "192.0.2.7"
    assert read_draft(refreshed(assessment)).answers[file_question.id] == [str(evidence.id)]

    removed = answer_service.save_section(
        refreshed(assessment), section_id, form, added.revision, remove_evidence=evidence.id
    )
    assert removed.removed.id == evidence.id and _saves() == 2
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert "削除「認証書.pdf」" in last.summary
    assert Evidence.get_by_id(evidence.id).removed_at is not None
    assert file_question.id not in read_draft(refreshed(assessment)).answers


def test_a_save_that_changes_nothing_writes_no_audit_event(invited):
    _path, assessment, file_question = invited
    section_id = file_question.section_id
    form = section_form(questionnaire_of(assessment), section_id)
    first = answer_service.save_section(assessment, section_id, form, 0)
    answer_service.save_section(refreshed(assessment), section_id, form, first.revision)
    assert _saves() == 1


def test_portal_keeps_the_typed_text_when_an_upload_is_refused(client, invited):
    path, assessment, file_question = invited
    section_id = file_question.section_id
    text_question = _typed_text(assessment, section_id)
    page = client.get(f"{path}s/{section_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        f"{path}s/{section_id}",
        data={
            "csrf_token": token,
            "revision": "0",
            "action": "save",
            f"q__{text_question.id}": "入力したばかりの説明文",
            f"file__{file_question.id}": (io.BytesIO(DISGUISED_EXE), "invoice.pdf"),
        },
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "実行ファイル" in body
    assert "入力したばかりの説明文" in body
    assert refreshed(assessment).draft_revision == 0 and _saves() == 0
    assert Evidence.select().where(Evidence.assessment == assessment.id).count() == 0


def test_removing_a_file_already_gone_saves_nothing_and_says_so(client, invited):
    path, assessment, file_question = invited
    section_id = file_question.section_id
    evidence = answer_service.add_evidence(
        assessment, file_question.id, "証跡.pdf", TINY_PDF, max_bytes=LIMIT
    )
    current = refreshed(assessment)
    answer_service.save_section(
        current, section_id, None, current.draft_revision, remove_evidence=evidence.id
    )
    text_question = _typed_text(assessment, section_id)
    page = client.get(f"{path}s/{section_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    revision = refreshed(assessment).draft_revision
    response = client.post(
        f"{path}s/{section_id}",
        data={
            "csrf_token": token,
            "revision": str(revision),
            "remove_evidence": str(evidence.id),
            f"q__{text_question.id}": "消えたファイルの横で入力した文",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "すでに削除された可能性があります" in body
    assert "消えたファイルの横で入力した文" in body
    assert refreshed(assessment).draft_revision == revision and _saves() == 2


def test_the_autosave_reply_is_what_the_save_stored(client, invited):
    """The reply is built from the save itself (nothing read back): it must agree with the row."""
    path, assessment, file_question = invited
    section_id = file_question.section_id
    questionnaire = questionnaire_of(assessment)
    text_question = _typed_text(assessment, section_id)
    page = client.get(f"{path}s/{section_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {**section_form(questionnaire, section_id), f"q__{text_question.id}": ["自動保存の文"]}
    response = client.post(
        f"{path}autosave",
        data={**form, "section_id": section_id, "revision": "0"},
        headers={"X-CSRFToken": token},
    )
    body = response.get_json()
    stored = refreshed(assessment)
    assert response.status_code == 200 and body["ok"] and body["revision"] == stored.draft_revision
    assert read_draft(stored).answers[text_question.id] == "自動保存の文"
    assert body["saved_at"] == jst_time_filter(stored.last_saved_at)
    assert body["last_saved"] == jst_filter(stored.last_saved_at)
    expected = {
        p.section_id: {"answered": p.answered, "required": p.required}
        for p in questionnaire.progress(read_draft(stored).answers, stored.case.tier)
    }
    assert body["progress"] == expected and body["progress"][section_id]["answered"] >= 1
    assert stored.status == "in_progress" and _saves() == 1


def test_a_save_from_a_tab_opened_before_the_submit_leaves_the_submission_alone(invited):
    """A save that read the assessment before another tab submitted it must not write over the
    submitted state (the revision alone does not tell: a submit keeps it)."""
    _path, assessment, file_question = invited
    filled = fill(assessment)
    other_tab = refreshed(assessment)  # still shows the draft as editable
    answer_service.submit(filled, filled.draft_revision, answer_service.vendor_actor(filled, ""))
    saves_before = _saves()
    section_id = file_question.section_id
    form = section_form(questionnaire_of(assessment), section_id)
    with pytest.raises(Conflict) as refused:
        answer_service.save_section(other_tab, section_id, form, other_tab.draft_revision)
    assert not isinstance(refused.value, answer_service.StaleSave)
    assert "提出済み" in refused.value.message
    stored = refreshed(assessment)
    assert stored.status == "submitted" and stored.submitted_version == 1
    assert stored.draft_revision == filled.draft_revision and _saves() == saves_before
