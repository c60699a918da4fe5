"""A vendor invited again to a questionnaire it answered starts from its last answers."""

from __future__ import annotations

from tests.web.conftest import BASE_URL
from tests.web.test_portal import _fill_everything, _token
from vendorcheck.services import answers as answer_service
from vendorcheck.services import invitations
from vendorcheck.services.assessments import (
    latest_submission,
    questionnaire_of,
    read_draft,
    submission_answers,
)
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import Assessment, AuditEvent, Case, Evidence, Submission


def _invite_again(assessment, tier=3):
    case = Case.create(
        title="二度目の案件", kind=assessment.case.kind, classification_level="3", tier=tier
    )
    link = invitations.invite(
        Actor.system(),
        case,
        [assessment.vendor_id],
        questionnaire_of(assessment),
        deadline=None,
        language="ja",
        settings=invitations.LinkSettings(BASE_URL),
    )[0]
    return link.url.removeprefix(BASE_URL), Assessment.get_by_id(link.assessment.id)


def _submit(client, path, assessment):
    _fill_everything(client, path, assessment)
    current = Assessment.get_by_id(assessment.id)
    token = _token(client, f"{path}confirm")
    return client.post(
        f"{path}submit", data={"csrf_token": token, "revision": current.draft_revision}
    )


def test_second_invitation_starts_from_last_answers_and_submission_waits_for_confirmation(
    client, invite, db
):
    path, first = invite("cloud")
    _submit(client, path, first)
    assert Submission.select().count() == 1
    second_path, second = _invite_again(first)
    overview = client.get(second_path).get_data(as_text=True)
    assert "前回の回答から始める" in overview
    client.post(f"{second_path}answers/reuse", data={"csrf_token": _token(client, second_path)})
    draft = read_draft(Assessment.get_by_id(second.id))
    assert draft.answers and set(draft.carried.values()) <= {"previous", "check"}
    assert AuditEvent.select().where(AuditEvent.action == "assessment.reuse").count() == 1
    questionnaire = questionnaire_of(second)
    section = next(
        s for s in questionnaire.sections if any(q.id in draft.carried for q in s.questions)
    )
    page = client.get(f"{second_path}s/{section.id}").get_data(as_text=True)
    assert "前回の回答" in page
    check = answer_service.readiness(Assessment.get_by_id(second.id), questionnaire)
    assert check.unconfirmed and not check.ready
    assert "確認していない前回の回答" in client.get(f"{second_path}confirm").get_data(as_text=True)
    assert "前回の回答から始める" not in client.get(second_path).get_data(as_text=True)
    _submit(client, second_path, second)  # saving each page confirms what was copied
    assert Submission.select().where(Submission.assessment == second.id).count() == 1


def test_no_offer_without_earlier_answers_or_once_answering_started(client, invite, db):
    path, first = invite("cloud")
    assert "前回の回答から始める" not in client.get(path).get_data(as_text=True)
    token = _token(client, f"{path}s/{questionnaire_of(first).sections[0].id}")
    refused = client.post(f"{path}answers/reuse", data={"csrf_token": token})
    assert refused.status_code == 302
    assert "読み込める前回の回答がありません" in client.get(path).get_data(as_text=True)


def test_reuse_copies_the_evidence_files_of_unchanged_questions(client, invite, db):
    path, first = invite("cloud")
    _submit(client, path, first)
    questionnaire = questionnaire_of(first)
    file_questions = [q.id for q in questionnaire.questions if q.answer_type.holds_evidence]
    submitted = submission_answers(latest_submission(first))
    attached = [qid for qid in file_questions if submitted.get(qid)]
    assert attached, "the first answers carry evidence"
    second_path, second = _invite_again(first)
    client.post(f"{second_path}answers/reuse", data={"csrf_token": _token(client, second_path)})
    draft = read_draft(Assessment.get_by_id(second.id))
    for question_id in attached:
        copies = [Evidence.get_by_id(int(item)) for item in draft.answers[question_id]]
        originals = [Evidence.get_by_id(int(item)) for item in submitted[question_id]]
        assert {row.assessment_id for row in copies} == {second.id}
        assert [row.sha256 for row in copies] == [row.sha256 for row in originals]
        assert question_id not in draft.carried
    event = AuditEvent.get(AuditEvent.action == "assessment.reuse")
    assert '"files_copied": ' in event.after and '"files_copied": 0' not in event.after
