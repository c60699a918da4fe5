"""Answers and clauses never contradict: every option of every question that bears on a
contract requirement agrees with the article, selects a variant, carries a promise, or raises a
contract conflict (enumerated over every questionnaire, kind and tier)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendorcheck.domain.clauses import (
    AnnexContext,
    load_clauses,
    render_annex,
    select_clauses,
)
from vendorcheck.domain.clauses.library import TIERS
from vendorcheck.domain.clauses.positions import (
    Position,
    assess_answers,
    contract_questions,
    load_positions,
    option_values,
    outcome,
    position_problems,
)
from vendorcheck.domain.contract_terms import TimeLimits
from vendorcheck.services.questionnaires import QuestionnaireCatalogue

ROOT = Path(__file__).resolve().parents[2]
CLAUSES = load_clauses(ROOT / "contract_templates" / "clauses")
POSITIONS = load_positions(ROOT / "contract_templates" / "positions.toml")
QUESTIONNAIRES = QuestionnaireCatalogue(ROOT / "questionnaires").all()
# the questionnaires an annex is built from: a department's self-check signs no contract
CASES = [(q, kind) for q in QUESTIONNAIRES if q.respondent == "vendor" for kind in q.kinds]


def _parents(questionnaire, question_id, value):
    """Answers that make the question apply: the answer itself and what its show_if asks."""
    answers = {
        question_id: (value,) if questionnaire.question(question_id).type == "multi" else value
    }
    for _ in range(3):
        for question in questionnaire.questions:
            condition = question.show_if
            if question.id in answers or condition is None:
                continue
            values = getattr(condition, "values", None)
            if values and getattr(condition, "question", None) in (
                q.id for q in questionnaire.questions
            ):
                answers.setdefault(condition.question, values[0])
    return answers


@pytest.mark.parametrize(("questionnaire", "kind"), CASES, ids=[f"{q.id}-{k}" for q, k in CASES])
def test_every_contract_option_leads_to_a_variant_or_a_conflict(questionnaire, kind):
    own = [clause for clause in CLAUSES if kind in clause.kinds]
    seen = 0
    for tier in TIERS:
        for question in contract_questions(questionnaire, kind, own):
            for value in option_values(question):
                found = outcome(
                    question,
                    value,
                    clauses=own,
                    kind=kind,
                    tier=tier,
                    position=POSITIONS.get(question.id),
                    limits=TimeLimits(),
                )
                assert found in ("agrees", "variant", "promise", "conflict")
                answers = _parents(questionnaire, question.id, value)
                if question.id not in questionnaire.applicable_questions(answers, tier):
                    continue
                seen += 1
                result = assess_answers(
                    questionnaire,
                    answers,
                    kind=kind,
                    tier=tier,
                    clauses=CLAUSES,
                    positions=POSITIONS,
                    limits=TimeLimits(),
                )
                raised = {c.question_id for c in result.conflicts}
                if found == "conflict":
                    assert question.id in raised, (question.id, value)
                else:
                    assert question.id not in raised, (question.id, value, found)
                if found == "promise":
                    assert result.promises, (question.id, value)
    assert seen


def test_a_variant_changes_the_articles_and_no_annex_recites_an_answer():
    for questionnaire, kind in CASES:
        own = [clause for clause in CLAUSES if kind in clause.kinds]
        for question in contract_questions(questionnaire, kind, own):
            for value in option_values(question):
                chosen = select_clauses(own, kind, 3, {question.id: value}, handles=frozenset())
                context = AnnexContext("見本市", "見本株式会社", "見本業務", kind, 3)
                annex = render_annex(chosen, context)
                text = "".join(p.text for a in annex.articles for p in a.paragraphs)
                assert "回答している" not in text
                assert "と回答" not in text


def test_positions_name_only_existing_questions_and_options():
    options = {}
    for questionnaire in QUESTIONNAIRES:
        for question in questionnaire.questions:
            if question.type in ("choice", "multi", "yesno"):
                options.setdefault(question.id, set()).update(option_values(question))
    for position in POSITIONS.values():
        assert position.question in options, position.question
        assert position.agrees <= options[position.question], position.question
        assert set(position.promises) <= options[position.question], position.question


def test_a_stronger_promise_is_carried_and_a_weaker_one_conflicts():
    outsourcing = next(q for q in QUESTIONNAIRES if q.id == "outsourcing")

    def run(value, hours=24):
        return assess_answers(
            outsourcing,
            {"incident.report_hours": value},
            kind="outsourcing",
            tier=3,
            clauses=CLAUSES,
            positions=POSITIONS,
            limits=TimeLimits(incident_report_hours=hours),
        )

    assert run("within_1h").limits(TimeLimits()).incident_report_hours == 1
    assert run("within_24h").conflicts == ()
    assert [c.question_id for c in run("within_72h").conflicts] == ["incident.report_hours"]
    assert [c.question_id for c in run("no_commitment").conflicts] == ["incident.report_hours"]
    assert run("within_72h", hours=72).conflicts == ()
    assert (
        run("within_24h", hours=72)
        .limits(TimeLimits(incident_report_hours=72))
        .incident_report_hours
        == 24
    )


def test_check_reports_positions_that_name_unknown_questions_or_options():

    bad = {
        "nope.question": Position("nope.question"),
        "contract.damages": Position("contract.damages", agrees=frozenset({"maybe"})),
    }
    problems = position_problems(bad, QUESTIONNAIRES)
    assert problems == [
        "positions.toml: 質問「nope.question」: 事業者が回答する確認書に選択式の質問としてありません",
        "positions.toml: 質問「contract.damages」: 選択肢「maybe」がありません",
    ]
    assert position_problems(POSITIONS, QUESTIONNAIRES, CLAUSES) == []


def test_positions_name_only_articles_that_exist_and_only_vendor_questions():
    bad = {"contract.damages": Position("contract.damages", articles=("no_such_clause",))}
    assert position_problems(bad, QUESTIONNAIRES, CLAUSES) == [
        "positions.toml: 質問「contract.damages」: articles の条項「no_such_clause」がありません"
    ]
    self_check_only = {"terms.recheck": Position("terms.recheck")}  # sns.toml, a department's
    assert position_problems(self_check_only, QUESTIONNAIRES) == [
        "positions.toml: 質問「terms.recheck」: 事業者が回答する確認書に選択式の質問としてありません"
    ]


def test_a_conflict_names_the_articles_positions_give():
    cloud = next(q for q in QUESTIONNAIRES if q.id == "cloud")
    result = assess_answers(
        cloud,
        {"legal.governing_law": "other"},
        kind="cloud",
        tier=2,
        clauses=CLAUSES,
        positions=POSITIONS,
        limits=TimeLimits(),
    )
    (conflict,) = [c for c in result.conflicts if c.question_id == "legal.governing_law"]
    assert conflict.articles == ("準拠法及び管轄裁判所",)
    assert (
        conflict.explanation
        == "回答「日本法以外」は、「準拠法及び管轄裁判所」の条の定めを満たしません。"
    )


def test_every_kind_with_an_annex_has_a_vendor_questionnaire_asking_what_its_articles_use():
    kinds_with_articles = {kind for clause in CLAUSES for kind in clause.kinds}
    for kind in kinds_with_articles:
        vendor = [q for q in QUESTIONNAIRES if kind in q.kinds and q.respondent == "vendor"]
        assert vendor, kind
        used = {u for clause in CLAUSES if kind in clause.kinds for u in clause.uses}
        for questionnaire in vendor:
            asked = {question.id for question in questionnaire.questions}
            assert used <= asked, (questionnaire.id, sorted(used - asked))
    assert "cloud_light" not in kinds_with_articles  # a 約款 service signs no annex
    sns = {q.id: q.respondent for q in QUESTIONNAIRES if "sns" in q.kinds}
    assert sns == {"sns": "department", "sns_outsourcing": "vendor"}
