"""Content of the outsourcing and system questionnaires (業務委託・情報システムに関する業務委託)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendorcheck.domain.questionnaire import Questionnaire, check_directory, load_questionnaire
from vendorcheck.domain.requirements import QUESTION_COVERAGE, load_requirements
from vendorcheck.domain.scoring import score

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"
KINDS = ("outsourcing", "system")
ISMS_VALUES = {"certified_scope_covers", "certified_other_scope", "in_progress", "none"}
REPORT_HOURS = {"within_1h", "within_24h", "within_72h", "no_commitment"}
WELL_KNOWN = {
    "sub.uses_subcontractors": ("yesno", {"yes", "no"}),
    "cert.isms": ("choice", ISMS_VALUES),
    "cert.isms_number": ("text", None),
    "cert.isms_expiry": ("date", None),
    "incident.report_hours": ("choice", REPORT_HOURS),
    "exit.deletion_certificate": ("yesno", {"yes", "no"}),
}
SUB_FOLLOW_UPS = (
    "sub.details",
    "sub.work_scope",
    "sub.information",
    "sub.flow_down",
    "sub.oversight",
    "sub.further",
)
ISMS_FOLLOW_UPS = ("cert.isms_number", "cert.isms_expiry", "cert.isms_certificate")
EVIDENCE = {
    "outsourcing": {
        "cert.isms_certificate",
        "cert.pmark_certificate",
        "cert.audit_report",
        "staff.roster",
        "staff.education_records",
    },
}
EVIDENCE["system"] = EVIDENCE["outsourcing"] | {"build.pentest_summary"}
VALID_CORPORATE_NUMBER = "7000012050002"  # 国税庁


@pytest.fixture(scope="module", params=KINDS)
def questionnaire(request: pytest.FixtureRequest) -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRES / f"{request.param}.toml", load_requirements())


def test_files_load_without_problems() -> None:
    problems = check_directory(QUESTIONNAIRES, load_requirements())
    ours = [p for p in problems if p.startswith(tuple(f"{kind}.toml" for kind in KINDS))]
    assert ours == []


def test_identity(questionnaire: Questionnaire) -> None:
    assert questionnaire.kinds == (questionnaire.id,)
    assert questionnaire.id in KINDS


def test_questions_cover_the_requirements_of_the_kind(questionnaire: Questionnaire) -> None:
    asked = set(questionnaire.requirement_index)
    for kind in questionnaire.kinds:
        assert set(QUESTION_COVERAGE[kind]) <= asked


def test_system_questionnaire_has_questions_for_out_19() -> None:
    system = load_questionnaire(QUESTIONNAIRES / "system.toml", load_requirements())
    assert len(system.requirement_index["OUT-19"]) >= 10


def test_system_reuses_the_outsourcing_question_ids() -> None:
    outsourcing = load_questionnaire(QUESTIONNAIRES / "outsourcing.toml", load_requirements())
    system = load_questionnaire(QUESTIONNAIRES / "system.toml", load_requirements())
    assert {q.id for q in outsourcing.questions} <= {q.id for q in system.questions}


@pytest.mark.parametrize("question_id", sorted(WELL_KNOWN))
def test_well_known_questions(questionnaire: Questionnaire, question_id: str) -> None:
    question = questionnaire.question(question_id)
    expected_type, values = WELL_KNOWN[question_id]
    assert question.type == expected_type
    if values is not None:
        assert set(question.answer_type.option_values) == values


def test_every_text_has_english(questionnaire: Questionnaire) -> None:
    assert questionnaire.title.en
    for section in questionnaire.sections:
        assert section.title.en, section.id
        assert section.description is None or section.description.en, section.id
    for question in questionnaire.questions:
        assert question.text.en, question.id
        assert question.hint is None or question.hint.en, question.id
        for option in question.options:
            assert option.label.en, f"{question.id}: {option.value}"


def test_company_information_is_asked_first_and_not_scored(
    questionnaire: Questionnaire,
) -> None:
    company = questionnaire.sections[0]
    assert company.id == "company"
    types = {question.type for question in company.questions}
    assert {"text", "corporate_number", "email"} <= types
    for question in company.questions:
        assert question.weight == 0
        assert "OUT-03" in question.requirements


def test_higher_tiers_demand_more(questionnaire: Questionnaire) -> None:
    mandatory = [
        sum(question.is_mandatory(tier) for question in questionnaire.questions)
        for tier in (1, 2, 3)
    ]
    marks = [questionnaire.pass_mark(tier) for tier in (1, 2, 3)]
    assert mandatory[0] < mandatory[1] < mandatory[2]
    assert marks[0] < marks[1] < marks[2]
    assert marks == [60, 70, 80]


def test_graded_options_and_findings(questionnaire: Questionnaire) -> None:
    graded = [
        question
        for question in questionnaire.questions
        if question.type == "choice" and len({o.score for o in question.options}) >= 3
    ]
    assert len(graded) >= 20
    findings = {o.finding for q in questionnaire.questions for o in q.options if o.finding}
    assert {"high", "medium"} <= findings


def test_evidence_is_requested_as_files(questionnaire: Questionnaire) -> None:
    files = {question.id for question in questionnaire.questions if question.type == "file"}
    assert EVIDENCE[questionnaire.id] <= files


def test_sub_contracting_follow_ups_only_when_sub_contracting(
    questionnaire: Questionnaire,
) -> None:
    for tier in (1, 2, 3):
        without = questionnaire.applicable_questions({"sub.uses_subcontractors": "no"}, tier)
        unanswered = questionnaire.applicable_questions({}, tier)
        with_sub = questionnaire.applicable_questions({"sub.uses_subcontractors": "yes"}, tier)
        for question_id in SUB_FOLLOW_UPS:
            assert question_id not in without
            assert question_id not in unanswered
            assert question_id in with_sub
        # Agreeing to seek approval is asked of everyone.
        assert "sub.prior_approval" in without


def test_isms_details_only_when_certified(questionnaire: Questionnaire) -> None:
    for value in ISMS_VALUES:
        applies = questionnaire.applicable_questions({"cert.isms": value}, 2)
        shown = all(question_id in applies for question_id in ISMS_FOLLOW_UPS)
        hidden = not any(question_id in applies for question_id in ISMS_FOLLOW_UPS)
        assert shown if value.startswith("certified_") else hidden


def test_stricter_questions_depend_on_tier(questionnaire: Questionnaire) -> None:
    assert "staff.education_records" not in questionnaire.applicable_questions({}, 1)
    assert "staff.education_records" in questionnaire.applicable_questions({}, 2)


def _best_answers(questionnaire: Questionnaire) -> dict[str, object]:
    """Answer every question as well as possible, as a model vendor would."""
    answers: dict[str, object] = {}
    for question in questionnaire.questions:
        if question.type == "choice":
            raw: object = max(question.options, key=lambda o: o.score).value
        elif question.type == "multi":
            raw = [option.value for option in question.options if not option.exclusive]
        elif question.type == "yesno":
            raw = "yes" if question.weight == 0 else question.answer_type.expected
        elif question.type == "file":
            raw = ["evidence-1"]
        elif question.type == "date":
            raw = "2027-03-31"
        elif question.type == "corporate_number":
            raw = VALID_CORPORATE_NUMBER
        elif question.type == "email":
            raw = "security@example.jp"
        else:
            raw = "回答"
        value, error = question.clean(raw)
        assert error is None, question.id
        answers[question.id] = value
    return answers


@pytest.mark.parametrize("tier", [1, 2, 3])
def test_a_model_vendor_meets_every_mandatory_question(
    questionnaire: Questionnaire, tier: int
) -> None:
    answers = _best_answers(questionnaire)
    card = score(questionnaire, answers, tier)
    assert card.gaps == ()
    assert card.total == 100.0


def test_a_weak_vendor_gets_more_mandatory_gaps_at_higher_tiers(
    questionnaire: Questionnaire,
) -> None:
    answers = _best_answers(questionnaire)
    for question in questionnaire.questions:
        if question.type == "choice":
            answers[question.id] = sorted(question.options, key=lambda o: o.score)[1].value
    counts = [
        sum(gap.severity == "mandatory" for gap in score(questionnaire, answers, tier).gaps)
        for tier in (1, 2, 3)
    ]
    assert counts[0] < counts[1] < counts[2]
