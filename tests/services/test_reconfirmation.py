"""年次再確認: pre-filled from the last accepted answers, changes highlighted, scored again, a
falling verdict opens a corrective request."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.answering import TINY_PDF, raw_answer
from tests.monitoring_helpers import SYSTEM, make_contract
from vendorcheck.domain.questionnaire.carry import PREVIOUS
from vendorcheck.domain.scorecard import VERDICT_CONFORMING
from vendorcheck.services import answers as answer_service
from vendorcheck.services import judgement, reconfirmation
from vendorcheck.services.assessments import (
    latest_submission,
    questionnaire_of,
    read_draft,
    submission_answers,
)
from vendorcheck.services.errors import Conflict, ServiceError
from vendorcheck.services.invitations import LinkSettings, resolve_link
from vendorcheck.services.review import scorecard
from vendorcheck.store.models import Assessment, CorrectiveRequest, Evidence, MailMessage

LINKS = LinkSettings("http://vendorcheck.test")
START, END = dt.date(2026, 4, 1), dt.date(2028, 3, 31)


def _mandatory_choices(assessment, count: int):
    """Questions mandatory at this tier whose worst option scores 0: changing them lowers the verdict."""
    questionnaire = questionnaire_of(assessment)
    draft = read_draft(assessment)
    applicable = questionnaire.applicable_questions(draft.answers, assessment.case.tier)
    picked = []
    for question in questionnaire.questions:
        mandatory = (
            question.mandatory_from_tier and question.mandatory_from_tier <= assessment.case.tier
        )
        if question.id in applicable and mandatory and question.type in {"yesno", "choice"}:
            worst = (
                min(question.options, key=lambda option: option.score) if question.options else None
            )
            value = "no" if question.type == "yesno" else worst.value
            if draft.answers.get(question.id) != value:
                picked.append((question, value))
        if len(picked) == count:
            return picked
    raise AssertionError("no mandatory questions to change")


def _save_section(assessment, section_id: str, overrides: dict[str, str]) -> None:
    """Save one portal page as the vendor would: every answer on it, with the changes made,
    and what the changes reveal (an explanation of why not, and so on) filled in."""
    questionnaire = questionnaire_of(assessment)
    for _round in range(3):
        fresh = Assessment.get_by_id(assessment.id)
        answers = read_draft(fresh).answers
        applicable = questionnaire.applicable_questions({**answers, **overrides}, fresh.case.tier)
        form = {}
        for question in questionnaire.section(section_id).questions:
            if question.type == "file":
                continue
            if question.id in overrides:
                form[f"q__{question.id}"] = [overrides[question.id]]
            elif question.id in answers:
                value = answers[question.id]
                form[f"q__{question.id}"] = (
                    [str(v) for v in value] if isinstance(value, list) else [str(value)]
                )
            elif question.id in applicable:
                form[f"q__{question.id}"] = raw_answer(question)
        result = answer_service.save_section(fresh, section_id, form, fresh.draft_revision)
        assert not result.errors, result.errors
    for question_id in answer_service.readiness(Assessment.get_by_id(assessment.id)).missing:
        if questionnaire.question(question_id).type == "file":
            fresh = Assessment.get_by_id(assessment.id)
            answer_service.add_evidence(fresh, question_id, "e.pdf", TINY_PDF, max_bytes=10**6)


def _conforming(contract) -> None:
    """Judge the free-text answers (and the unanswered roster) so the accepted base is 適合."""
    assessment = contract.assessment
    card = scorecard(assessment)
    for question in questionnaire_of(assessment).questions:
        if card.question(question.id).status in {"pending_review", "unanswered"}:
            judgement.set_review_score(SYSTEM, assessment, question.id, 1, "十分な内容")
    assert scorecard(assessment).verdict == VERDICT_CONFORMING


def test_reconfirmation_due_only_after_a_year_of_a_longer_contract(app, db):
    contract, _ = make_contract(app, starts_on=START, ends_on=END)
    assert not reconfirmation.is_due(contract, dt.date(2027, 3, 31))
    assert reconfirmation.is_due(contract, dt.date(2027, 4, 1))
    short, _ = make_contract(app, number="R8-短期", vendor_name="短期株式会社")
    assert not reconfirmation.is_due(short, dt.date(2027, 4, 1))
    with pytest.raises(Conflict):
        reconfirmation.start(SYSTEM, contract, LINKS, today=dt.date(2027, 1, 1))


def test_two_changed_answers_lower_the_verdict_and_open_a_corrective_request(app, db):
    contract, _ = make_contract(app, starts_on=START, ends_on=END)
    _conforming(contract)
    today = dt.date(2027, 4, 2)
    row, url = reconfirmation.start(SYSTEM, contract, LINKS, today=today)
    assert row.base_verdict == VERDICT_CONFORMING
    assert not reconfirmation.is_due(contract, dt.date(2027, 4, 2))  # asked for this year
    opened = resolve_link(url.rstrip("/").rsplit("/", 1)[-1], "127.0.0.1", LINKS)
    assert opened.id == row.assessment_id != contract.assessment_id
    base_answers = submission_answers(latest_submission(contract.assessment))
    new = Assessment.get_by_id(row.assessment_id)
    prefilled = read_draft(new).answers
    files = {q.id for q in questionnaire_of(new).questions if q.type == "file"}
    assert {k: v for k, v in prefilled.items() if k not in files} == {
        k: v for k, v in base_answers.items() if k not in files
    }
    for question_id in files & set(prefilled):
        for evidence_id in prefilled[question_id]:
            assert Evidence.get_by_id(int(evidence_id)).assessment_id == new.id
    marks = read_draft(new).carried  # the one pre-fill of reuse: 前回の回答 until confirmed
    assert marks and set(marks.values()) == {PREVIOUS}
    assert set(marks) == set(prefilled) - files
    assert (
        "年次の情報セキュリティ再確認"
        in MailMessage.select().order_by(MailMessage.id.desc()).first().subject
    )
    with pytest.raises(Conflict):
        reconfirmation.evaluate(SYSTEM, row, today=today)
    picked = _mandatory_choices(new, 2)
    for question, value in picked:
        _save_section(new, question.section_id, {question.id: value})
    fresh = Assessment.get_by_id(new.id)
    with pytest.raises(ServiceError, match="確認していない前回の回答"):
        answer_service.submit(fresh, fresh.draft_revision, SYSTEM)
    changed_sections = {question.section_id for question, _ in picked}
    for section in questionnaire_of(new).sections:  # the vendor confirms the other pages
        if section.id not in changed_sections:
            _save_section(new, section.id, {})
    fresh = Assessment.get_by_id(new.id)
    assert not read_draft(fresh).carried
    answer_service.submit(fresh, fresh.draft_revision, SYSTEM)
    changed = reconfirmation.changes(row)
    assert len(changed) == 2
    evaluated = reconfirmation.evaluate(SYSTEM, row, today=today)
    assert evaluated.verdict != VERDICT_CONFORMING
    assert reconfirmation.verdict_fell(evaluated.base_verdict, evaluated.verdict)
    request = CorrectiveRequest.get_by_id(evaluated.corrective_id)
    assert "年次再確認で判定が「適合」から" in request.request
    assert all(f"「{question.text.ja[:40]}" in request.request for question, _ in picked)
    assert not any(question.id in request.request for question, _ in picked)
    assert request.due_on == today + dt.timedelta(days=30)
    with pytest.raises(Conflict):
        reconfirmation.evaluate(SYSTEM, evaluated, today=today)


def test_the_contract_page_names_changed_answers_by_question_text_not_id(app, db, client, login_as):
    contract, _ = make_contract(app, starts_on=START, ends_on=END)
    _conforming(contract)
    row, _url = reconfirmation.start(SYSTEM, contract, LINKS, today=dt.date(2027, 4, 2))
    new = Assessment.get_by_id(row.assessment_id)
    ((question, value),) = _mandatory_choices(new, 1)
    _save_section(new, question.section_id, {question.id: value})
    for section in questionnaire_of(new).sections:  # the vendor confirms the other pages
        if section.id != question.section_id:
            _save_section(new, section.id, {})
    fresh = Assessment.get_by_id(new.id)
    answer_service.submit(fresh, fresh.draft_revision, SYSTEM)
    login_as("ciso")
    response = client.get(f"/contracts/{contract.id}")  # the client's page checks refuse raw ids
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "変更された回答（1 件）" in html
    assert question.text.ja in html and f"<code>{question.id}</code>" not in html
