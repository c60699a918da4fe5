"""Properties scoring must keep for any questionnaire and any answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vendorcheck.domain.questionnaire import Question, Questionnaire, parse_questionnaire
from vendorcheck.domain.questionnaire.types import NA
from vendorcheck.domain.scorecard import (
    VERDICT_CONFORMING,
    VERDICT_NONCONFORMING,
    Remediation,
    Review,
)
from vendorcheck.domain.scoring import score

SCORES = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]) | st.floats(0, 1)
KINDS_OF_QUESTION = ["choice", "multi", "yesno", "text_reviewer", "text_plain", "file"]


@st.composite
def question_tables(draw, question_id: str) -> dict:
    kind = draw(st.sampled_from(KINDS_OF_QUESTION))
    table: dict = {
        "id": question_id,
        "text": {"ja": "質問"},
        "requirements": [draw(st.sampled_from(["OUT-01", "OUT-02", "CLD-10"]))],
        "weight": draw(st.integers(0, 10)),
        "required": draw(st.booleans()),
    }
    if (mandatory := draw(st.none() | st.integers(1, 3))) is not None:
        table["mandatory_from_tier"] = mandatory
    if kind in ("choice", "multi"):
        count = draw(st.integers(2, 4))
        table["type"] = kind
        table["allow_na"] = draw(st.booleans())
        table["options"] = [
            {"value": f"o{n}", "label": {"ja": f"選択肢{n}"}, "score": draw(SCORES)}
            | (
                {"finding": draw(st.sampled_from(["high", "medium", "low"]))}
                if draw(st.booleans())
                else {}
            )
            for n in range(count)
        ]
    elif kind == "yesno":
        table |= {"type": "yesno", "allow_na": draw(st.booleans()), "finding": "high"}
    elif kind == "file":
        table["type"] = "file"
    else:
        table |= {"type": "text", "scoring": "reviewer" if kind == "text_reviewer" else "none"}
    return table


@st.composite
def section_tables(draw, prefix: str, count: int) -> list[dict]:
    sections = []
    for s in range(count):
        section_id = f"{prefix}{s}"
        size = draw(st.integers(1, 4))
        questions = [draw(question_tables(f"{section_id}.q{n}")) for n in range(size)]
        sections.append({"id": section_id, "title": {"ja": "セクション"}, "questions": questions})
    return sections


def build(sections: list[dict]) -> Questionnaire:
    data = {
        "id": "prop",
        "version": 1,
        "respondent": "vendor",
        "kinds": ["outsourcing"],
        "title": {"ja": "性質テスト"},
        "thresholds": {"1": {"pass": 50}, "2": {"pass": 60}, "3": {"pass": 70}},
        "sections": sections,
    }
    return parse_questionnaire(data, "prop.toml")


@st.composite
def questionnaires(draw) -> Questionnaire:
    return build(draw(section_tables("s", draw(st.integers(1, 3)))))


def answer_strategy(question: Question):
    values = question.answer_type.option_values
    if question.type == "multi":
        chosen = st.lists(
            st.sampled_from([o.value for o in question.options]), min_size=1, unique=True
        )
        return chosen.map(tuple) | (st.just(NA) if question.allow_na else st.nothing())
    if values is not None:
        return st.sampled_from(values)
    if question.type == "file":
        return st.just(("ev1",))
    return st.text(min_size=1, max_size=5)


@st.composite
def answers_for(draw, questionnaire: Questionnaire) -> dict:
    answers = {}
    for question in questionnaire.questions:
        if draw(st.booleans()):
            answers[question.id] = draw(answer_strategy(question))
    return answers


@st.composite
def scenarios(draw):
    questionnaire = draw(questionnaires())
    answers = draw(answers_for(questionnaire))
    tier = draw(st.integers(1, 3))
    ids = [question.id for question in questionnaire.questions]
    reviewed = draw(st.lists(st.sampled_from(ids), unique=True, max_size=2))
    reviews = {question_id: Review(draw(SCORES), "審査の理由") for question_id in reviewed}
    remediated = draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
    remediations = {
        question_id: Remediation(question_id, "是正する", None, draw(st.booleans()))
        for question_id in remediated
    }
    return questionnaire, answers, tier, reviews, remediations


@given(scenarios())
def test_total_and_section_scores_stay_between_0_and_100(scenario):
    card = score(*scenario)
    for figure in (card.total, *(section.score for section in card.sections)):
        assert figure is None or 0.0 <= figure <= 100.0


@given(st.data())
def test_a_better_answer_never_lowers_the_total(data):
    questionnaire = data.draw(questionnaires())
    answers = data.draw(answers_for(questionnaire))
    tier = data.draw(st.integers(1, 3))
    question = data.draw(st.sampled_from(questionnaire.questions))
    if question.type == "choice":
        pair = data.draw(st.lists(st.sampled_from(question.options), min_size=2, max_size=2))
        worse, better = (option.value for option in sorted(pair, key=lambda o: o.score))
    else:  # any answer, even "na" or a pending one, is no worse than none: unanswered scores 0
        worse, better = None, data.draw(answer_strategy(question))
    before = score(questionnaire, answers | {question.id: worse}, tier).total
    after = score(questionnaire, answers | {question.id: better}, tier).total
    if before is not None and after is not None:  # None: nothing counted on one side
        assert after >= before


@given(scenarios())
def test_an_unremediated_mandatory_gap_always_blocks_conforming(scenario):
    card = score(*scenario)
    open_mandatory = [g for g in card.gaps if g.severity == "mandatory" and not g.remediated]
    if open_mandatory:
        assert card.verdict == VERDICT_NONCONFORMING
    if card.verdict == VERDICT_CONFORMING:
        assert not open_mandatory
        assert not [g for g in card.gaps if g.severity == "high" and not g.remediated]
        assert card.total is None or card.total >= card.threshold


@given(st.data())
def test_hidden_questions_never_count(data):
    gate = {
        "id": "gate",
        "title": {"ja": "入口"},
        "questions": [
            {"id": "gate.open", "type": "yesno", "text": {"ja": "開く"}, "requirements": ["OUT-01"]}
        ],
    }
    hidden = data.draw(section_tables("hidden", 2))
    for section in hidden:
        section["show_if"] = {"question": "gate.open", "in": ["yes"]}
    visible = data.draw(section_tables("visible", 1))
    questionnaire = build([gate, *hidden, *visible])
    tier = data.draw(st.integers(1, 3))
    answers = data.draw(answers_for(questionnaire)) | {"gate.open": "no"}
    without_hidden = {k: v for k, v in answers.items() if not k.startswith("hidden")}
    card, baseline = score(questionnaire, answers, tier), score(questionnaire, without_hidden, tier)
    assert card.total == baseline.total
    assert card.verdict == baseline.verdict
    assert card.gaps == baseline.gaps
    hidden_results = [q for q in card.questions if q.question_id.startswith("hidden")]
    assert all(q.status == "hidden" and q.final is None for q in hidden_results)


@given(scenarios())
def test_the_same_inputs_always_give_the_same_scorecard(scenario):
    questionnaire, answers, tier, reviews, remediations = scenario
    first = score(questionnaire, answers, tier, reviews, remediations)
    reordered = dict(reversed(list(answers.items())))
    assert score(questionnaire, reordered, tier, reviews, remediations) == first
    rebuilt = parse_questionnaire(questionnaire.to_snapshot(), "again")
    assert score(rebuilt, answers, tier, dict(reviews), dict(remediations)) == first
