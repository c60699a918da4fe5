"""Content checks for the cloud, cloud_light and sns questionnaires shipped in questionnaires/."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendorcheck.domain.questionnaire import (
    Question,
    Questionnaire,
    check_directory,
    load_questionnaire,
)
from vendorcheck.domain.requirements import QUESTION_COVERAGE, load_requirements
from vendorcheck.domain.scorecard import Review
from vendorcheck.domain.scoring import score

DIRECTORY = Path(__file__).resolve().parents[2] / "questionnaires"
NAMES = ("cloud", "cloud_light", "sns")
TIERS = (1, 2, 3)

# The OUT requirements that apply to a cloud provider as well as CLD-04..16.
CLOUD_OUT = ("OUT-02", "OUT-03", "OUT-11", "OUT-12", "OUT-13", "OUT-14", "OUT-15")

# docs/QUESTIONNAIRE_FORMAT.md, "Well-known question ids", the rows for cloud.
CLOUD_WELL_KNOWN = {
    "sub.uses_subcontractors": ("yesno", {"yes", "no"}),
    "legal.governing_law": ("choice", {"jp", "other"}),
    "legal.jurisdiction": ("choice", {"jp", "other"}),
    "legal.data_location": ("choice", {"jp_only", "jp_and_foreign", "foreign"}),
    "cert.isms": (
        "choice",
        {"certified_scope_covers", "certified_other_scope", "in_progress", "none"},
    ),
    "cert.isms_number": ("text", None),
    "cert.isms_expiry": ("date", None),
    "cert.ismap": ("choice", {"ismap", "ismap_liu", "applying", "none"}),
    "cert.ismap_number": ("ismap_number", None),
    "incident.report_hours": (
        "choice",
        {"within_1h", "within_24h", "within_72h", "no_commitment"},
    ),
    "exit.deletion_certificate": ("yesno", {"yes", "no"}),
}

EVIDENCE = {
    "cloud": {
        "cert.ismap_evidence",
        "cert.isms_certificate",
        "cert.cloud_certs_evidence",
        "cert.assurance_report_file",
        "sla.document",
        "responsibility.matrix",
        "audit.terms_document",
    },
    "cloud_light": {"terms.document"},
    "sns": {"procedure.document"},
}


@pytest.fixture(scope="module")
def loaded() -> dict[str, Questionnaire]:
    catalogue = load_requirements()
    return {name: load_questionnaire(DIRECTORY / f"{name}.toml", catalogue) for name in NAMES}


def mandatory_count(questionnaire: Questionnaire, tier: int) -> int:
    return sum(1 for question in questionnaire.questions if question.is_mandatory(tier))


def texts_of(questionnaire: Questionnaire):
    """Yield (where, Text) for every user-facing text of a questionnaire."""
    yield "title", questionnaire.title
    if questionnaire.description:
        yield "description", questionnaire.description
    for section in questionnaire.sections:
        yield f"section {section.id}", section.title
        if section.description:
            yield f"section {section.id} description", section.description
        for question in section.questions:
            yield question.id, question.text
            if question.hint:
                yield f"{question.id} hint", question.hint
            for option in question.options:
                yield f"{question.id} option {option.value}", option.label
            unit = getattr(question.answer_type, "unit", None)
            if unit is not None:
                yield f"{question.id} unit", unit


# --- loading, coverage, well-known ids ---------------------------------------------------


def test_check_directory_reports_no_problem_in_these_files():
    problems = check_directory(DIRECTORY, load_requirements())
    ours = [p for p in problems if p.startswith(tuple(f"{name}.toml:" for name in NAMES))]
    assert ours == []


@pytest.mark.parametrize("name", NAMES)
def test_file_serves_its_own_kind(loaded, name):
    questionnaire = loaded[name]
    assert questionnaire.id == name
    assert questionnaire.kinds == (name,)


@pytest.mark.parametrize("name", NAMES)
def test_questions_cover_every_requirement_of_the_kind(loaded, name):
    asked = set(loaded[name].requirement_index)
    assert set(QUESTION_COVERAGE[name]) <= asked, set(QUESTION_COVERAGE[name]) - asked


def test_cloud_also_asks_the_outsourcing_items_that_apply_to_a_provider(loaded):
    asked = set(loaded["cloud"].requirement_index)
    assert set(CLOUD_OUT) <= asked, set(CLOUD_OUT) - asked


@pytest.mark.parametrize("question_id", sorted(CLOUD_WELL_KNOWN))
def test_cloud_keeps_the_well_known_ids(loaded, question_id):
    question = loaded["cloud"].question(question_id)
    expected_type, expected_values = CLOUD_WELL_KNOWN[question_id]
    assert question.type == expected_type
    if expected_values is not None:
        values = set(question.answer_type.option_values) - {"na"}
        assert values == expected_values


def test_sizes_are_as_planned(loaded):
    assert 55 <= len(loaded["cloud"].questions) <= 80
    assert 12 <= len(loaded["cloud_light"].questions) <= 20
    assert 25 <= len(loaded["sns"].questions) <= 35


# --- wording -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_text_has_english(loaded, name):
    missing = [where for where, text in texts_of(loaded[name]) if not text.en]
    assert missing == []


# --- scoring design (CLS-03) -------------------------------------------------------------


def test_cloud_demands_strictly_more_at_each_higher_tier(loaded):
    cloud = loaded["cloud"]
    counts = [mandatory_count(cloud, tier) for tier in TIERS]
    marks = [cloud.pass_mark(tier) for tier in TIERS]
    assert counts[0] < counts[1] < counts[2]
    assert marks == [60, 70, 80]


@pytest.mark.parametrize("name", ["cloud_light", "sns"])
def test_light_kinds_never_demand_less_at_a_higher_tier(loaded, name):
    questionnaire = loaded[name]
    counts = [mandatory_count(questionnaire, tier) for tier in TIERS]
    marks = [questionnaire.pass_mark(tier) for tier in TIERS]
    assert counts[0] >= 1
    assert counts[0] <= counts[1] <= counts[2]
    assert marks[0] < marks[1] < marks[2]


def test_cloud_asks_more_questions_at_higher_tiers(loaded):
    cloud = loaded["cloud"]
    shown = [cloud.applicable_questions({}, tier) for tier in TIERS]
    assert shown[0] < shown[1] < shown[2]
    assert "legal.government_access" in shown[1] - shown[0]
    assert "crypto.key_management" in shown[2] - shown[1]


@pytest.mark.parametrize("name", NAMES)
def test_mandatory_questions_can_be_fully_met_automatically(loaded, name):
    for question in loaded[name].questions:
        if question.mandatory_from_tier is None:
            continue
        assert question.weight > 0, question.id
        assert question.type in {"choice", "multi", "yesno", "file"}, question.id
        if question.options:
            assert max(option.score for option in question.options) == 1.0, question.id


@pytest.mark.parametrize("name", NAMES)
def test_scored_choices_are_graded_and_bad_answers_raise_findings(loaded, name):
    for question in loaded[name].questions:
        if question.weight == 0:
            continue
        if question.type == "choice":
            scores = sorted(option.score for option in question.options)
            assert scores[-1] == 1.0, question.id
            assert scores[0] < 1.0, question.id
            worst = [o for o in question.options if o.score == 0.0]
            assert all(option.finding for option in worst), question.id
        if question.type == "yesno":
            assert question.answer_type.finding in {"high", "medium", "low"}, question.id


def test_cloud_uses_graded_options_throughout(loaded):
    graded = [
        question.id
        for question in loaded["cloud"].questions
        if any(0.0 < option.score < 1.0 for option in question.options)
    ]
    assert len(graded) >= 30


# --- evidence ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_evidence_is_asked_as_files(loaded, name):
    questionnaire = loaded[name]
    for question_id in EVIDENCE[name]:
        question = questionnaire.question(question_id)
        assert question.type == "file", question_id
        assert question.weight > 0, question_id
        assert "pdf" in question.answer_type.accept, question_id


# --- follow-ups ----------------------------------------------------------------------------

# (file, trigger question, answers that show the follow-up, answers that hide it, follow-up)
FOLLOW_UPS = [
    ("cloud", "legal.governing_law", ["other"], ["jp"], "legal.governing_law_detail"),
    ("cloud", "legal.jurisdiction", ["other"], ["jp"], "legal.jurisdiction_detail"),
    (
        "cloud",
        "legal.data_location",
        ["jp_and_foreign", "foreign"],
        ["jp_only"],
        "legal.foreign_location_detail",
    ),
    ("cloud", "cert.ismap", ["ismap", "ismap_liu"], ["applying", "none"], "cert.ismap_number"),
    ("cloud", "cert.ismap", ["ismap", "ismap_liu"], ["applying", "none"], "cert.ismap_scope"),
    ("cloud", "cert.ismap", ["ismap", "ismap_liu"], ["applying", "none"], "cert.ismap_evidence"),
    ("cloud", "cert.ismap", ["applying"], ["ismap", "none"], "cert.ismap_application"),
    (
        "cloud",
        "cert.isms",
        ["certified_scope_covers", "certified_other_scope"],
        ["in_progress", "none"],
        "cert.isms_number",
    ),
    (
        "cloud",
        "cert.isms",
        ["certified_scope_covers", "certified_other_scope"],
        ["in_progress", "none"],
        "cert.isms_expiry",
    ),
    ("cloud", "sub.uses_subcontractors", ["yes"], ["no"], "sub.list"),
    ("cloud", "sub.uses_subcontractors", ["yes"], ["no"], "sub.flow_down"),
    ("cloud", "sub.uses_subcontractors", ["yes"], ["no"], "sub.change_control"),
    ("cloud", "sla.availability", ["ge_99_9", "lower"], ["no_sla"], "sla.document"),
    (
        "cloud_light",
        "provider.security_info",
        ["comprehensive", "partial"],
        ["none"],
        "provider.security_info_url",
    ),
    (
        "sns",
        "impersonation.listed",
        ["listed"],
        ["planned", "not_listed"],
        "impersonation.listing_url",
    ),
    ("sns", "procedure.status", ["approved", "draft"], ["none"], "procedure.document"),
    ("sns", "responsibility.agency", ["yes"], ["no"], "responsibility.agency_terms"),
]


@pytest.mark.parametrize(("name", "trigger", "showing", "hiding", "follow_up"), FOLLOW_UPS)
@pytest.mark.parametrize("tier", TIERS)
def test_follow_up_appears_only_for_its_trigger_answer(
    loaded, name, trigger, showing, hiding, follow_up, tier
):
    questionnaire = loaded[name]
    assert follow_up not in questionnaire.applicable_questions({}, tier)
    for value in showing:
        assert follow_up in questionnaire.applicable_questions({trigger: value}, tier), value
    for value in hiding:
        assert follow_up not in questionnaire.applicable_questions({trigger: value}, tier), value


def test_well_known_ids_are_always_asked_in_cloud(loaded):
    shown = loaded["cloud"].applicable_questions({}, 2)
    always = {
        "sub.uses_subcontractors",
        "legal.governing_law",
        "legal.jurisdiction",
        "legal.data_location",
        "cert.isms",
        "cert.ismap",
        "incident.report_hours",
        "exit.deletion_certificate",
    }
    assert always <= shown


# --- end to end with the scorer ----------------------------------------------------------

SAMPLE_RAW = {
    "file": ["evidence-1"],
    "ismap_number": "C21-0008-2",
    "date": "2026-03-31",
    "url": "https://www.example.jp/",
    "email": "security@example.jp",
    "text": "回答します。",
    "number": "1",
}


def best_raw(question: Question) -> object:
    if question.type == "choice":
        return max(question.options, key=lambda option: option.score).value
    if question.type == "multi":
        return [option.value for option in question.options if not option.exclusive]
    if question.type == "yesno":
        return question.answer_type.expected
    return SAMPLE_RAW.get(question.type)


def worst_raw(question: Question) -> object:
    if question.type in {"choice", "multi"}:
        return min(question.options, key=lambda option: option.score).value
    if question.type == "yesno":
        return "no" if question.answer_type.expected == "yes" else "yes"
    return None


def cleaned(questionnaire: Questionnaire, pick) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in questionnaire.questions:
        raw = pick(question)
        if raw is None:
            continue
        value, error = question.clean(raw)
        assert error is None, (question.id, error)
        answers[question.id] = value
    return answers


def full_marks_for_reviewer_questions(questionnaire: Questionnaire) -> dict[str, Review]:
    return {
        question.id: Review(1.0, "十分な記載です。")
        for question in questionnaire.questions
        if getattr(question.answer_type, "scoring", None) == "reviewer"
    }


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("tier", TIERS)
def test_best_answers_score_full_marks_and_conform(loaded, name, tier):
    questionnaire = loaded[name]
    answers = cleaned(questionnaire, best_raw)
    card = score(questionnaire, answers, tier, full_marks_for_reviewer_questions(questionnaire))
    assert card.total == 100.0
    assert card.gaps == ()
    assert card.verdict == "適合"
    assert questionnaire.missing_required(answers, tier) == ()


@pytest.mark.parametrize("name", NAMES)
def test_worst_answers_fail_at_the_top_tier(loaded, name):
    questionnaire = loaded[name]
    card = score(questionnaire, cleaned(questionnaire, worst_raw), 3)
    assert card.verdict == "不適合"
    assert card.total is not None and card.total < questionnaire.pass_mark(1)
    assert {gap.severity for gap in card.gaps} >= {"mandatory", "high"}
