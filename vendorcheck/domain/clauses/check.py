"""Validate clause files against the requirement catalogue, the questionnaires and coverage."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from vendorcheck.domain.clauses.annex import PARTY_TERMS, AnnexContext, base_values, render_body
from vendorcheck.domain.clauses.library import (
    HANDLES,
    TIERS,
    Clause,
    ClauseError,
    read_clause_files,
    select_clauses,
)
from vendorcheck.domain.clauses.lint import body_problems, defined_terms, term_order_problems
from vendorcheck.domain.clauses.text import numbering_problems
from vendorcheck.domain.questionnaire import Answered, AnswerIn, referenced_questions, walk
from vendorcheck.domain.questionnaire.types import QUESTION_TYPES
from vendorcheck.domain.requirements import CONTRACT_COVERAGE, KINDS

# An answer value that no condition names: "the vendor answered something else".
OTHER_ANSWER = "(other)"
MAX_SCENARIOS = 5000

QuestionIndex = Mapping[str, Mapping[str, frozenset[str] | None]]


def check_clauses(
    directory: Path | str,
    requirements: Mapping[str, object],
    questionnaires: Mapping[str, object] | None = None,
) -> list[str]:
    """Return every problem in the clause files (empty when they are usable), in Japanese."""
    clauses, problems = read_clause_files(directory)
    index = question_index(questionnaires.values()) if questionnaires is not None else None
    for clause in clauses:
        found = [f"未知の要件ID「{rid}」です" for rid in clause.covers if rid not in requirements]
        if index is not None:
            found.extend(question_problems(clause, index))
        found.extend(sample_problems(clause))
        problems.extend(f"{clause.source}: 条項「{clause.id}」: {problem}" for problem in found)
    if not problems:
        problems.extend(term_problems(clauses))
    if not problems:
        coverage = {
            kind: tuple(rid for rid in required if rid in requirements)
            for kind, required in CONTRACT_COVERAGE.items()
        }
        problems.extend(coverage_problems(clauses, coverage))
    return problems


# --- questions -----------------------------------------------------------------------------


def _raw_option_values(question: Mapping[str, object]) -> frozenset[str] | None:
    question_type = QUESTION_TYPES.get(str(question.get("type")))
    return question_type.raw_option_values(question) if question_type else None


def _questions(questionnaire: object) -> tuple[Iterable[str], dict[str, frozenset[str] | None]]:
    """Return (kinds, {question id: option values}) of a Questionnaire or its raw TOML table."""
    found: dict[str, frozenset[str] | None] = {}
    if isinstance(questionnaire, Mapping):
        for section in questionnaire.get("sections", []):
            for question in section.get("questions", []):
                found[str(question.get("id"))] = _raw_option_values(question)
        return questionnaire.get("kinds", []), found
    for question in questionnaire.questions:  # type: ignore[attr-defined]
        values = getattr(getattr(question, "answer_type", None), "option_values", None)
        found[question.id] = frozenset(values) if values is not None else None
    return questionnaire.kinds, found  # type: ignore[attr-defined]


def _respondent(questionnaire: object) -> object:
    if isinstance(questionnaire, Mapping):
        return questionnaire.get("respondent", "vendor")
    return getattr(questionnaire, "respondent", "vendor")


def question_index(questionnaires: Iterable[object]) -> QuestionIndex:
    """Map each kind to the questions (and their option values) its vendor questionnaires ask:
    an annex is built only from what a vendor answered, never from a department's self-check."""
    index: dict[str, dict[str, frozenset[str] | None]] = {}
    for questionnaire in questionnaires:
        if _respondent(questionnaire) != "vendor":
            continue
        kinds, questions = _questions(questionnaire)
        for kind in kinds:
            known = index.setdefault(kind, {})
            for question_id, values in questions.items():
                earlier = known.get(question_id)
                known[question_id] = values if earlier is None else earlier | (values or set())
    return index


def question_problems(clause: Clause, index: QuestionIndex) -> list[str]:
    """Conditions and `uses` may only name questions of the clause's kinds' questionnaires."""
    asked: dict[str, frozenset[str] | None] = {}
    for kind in clause.kinds:
        for question_id, values in index.get(kind, {}).items():
            earlier = asked.get(question_id)
            asked[question_id] = values if earlier is None else earlier | (values or set())
    problems = []
    kinds = "、".join(clause.kinds)
    named = sorted(referenced_questions(clause.when) | set(clause.uses))
    for question_id in named:
        if question_id not in asked:
            problems.append(
                f"質問「{question_id}」は種別（{kinds}）の事業者が回答する確認書にありません"
            )
    for node in walk(clause.when) if clause.when is not None else ():
        if not isinstance(node, AnswerIn) or node.question not in asked:
            continue
        options = asked[node.question]
        if options is None:
            problems.append(f"質問「{node.question}」は選択式ではないため in で条件にできません")
            continue
        problems.extend(
            f"「{value}」は質問「{node.question}」の選択肢にありません"
            for value in node.values
            if value not in options
        )
    return problems


# --- rendering with sample values ----------------------------------------------------------


def _sample_context(
    clause: Clause, party_terms: tuple[str, str], handles: Sequence[str] = HANDLES
) -> AnnexContext:
    return AnnexContext(
        organisation_name="見本市",
        vendor_name="見本株式会社",
        case_title="見本業務委託",
        kind=clause.kinds[0] if clause.kinds else "outsourcing",
        tier=3,
        contract_start=dt.date(2025, 4, 1),
        contract_end=dt.date(2026, 3, 31),
        party_terms=party_terms,
        answers_display={question: "見本の回答" for question in clause.uses},
        remediations=[("見本の是正措置", dt.date(2025, 6, 30)), ("期限のない是正措置", None)],
        issued_on=dt.date(2025, 4, 1),
        handles=frozenset(handles),
        individual_terms=("見本の個別の定め",) if handles else (),
    )


def sample_problems(clause: Clause) -> list[str]:
    """Render the body with sample values (both party-term pairs, with and without personal
    information) and check its numbering and wording (clause_lint)."""
    problems: list[str] = []
    for party_terms, handles in itertools.product(PARTY_TERMS, (HANDLES, ())):
        context = _sample_context(clause, party_terms, handles)
        try:
            paragraphs, _ = render_body(clause, base_values(context), context.answers_display)
        except ClauseError as error:
            problems.extend(message.split(": ", 2)[-1] for message in error.errors)
            break
        if not paragraphs:
            problems.append("本文が空になります")
        problems.extend(numbering_problems(paragraphs))
        if not problems and party_terms == PARTY_TERMS[0] and handles:
            problems.extend(body_problems(clause, paragraphs, party_terms[0]))
        if problems:
            break
    return problems


def _rendered(clause: Clause, handles: Sequence[str]):
    context = _sample_context(clause, PARTY_TERMS[0], handles)
    return render_body(clause, base_values(context), context.answers_display)[0]


def term_problems(clauses: Sequence[Clause]) -> list[str]:
    """Every kind, tier and answer: a defined term is used only after the article defining it."""
    known = {term for clause in clauses for term in defined_terms(_rendered(clause, HANDLES))}
    reported: set[tuple[str, str]] = set()
    problems: list[str] = []
    cache = {}
    for kind in KINDS:
        own = [clause for clause in clauses if kind in clause.kinds]
        for tier, answers, handles in itertools.product(
            TIERS, single_answer_scenarios(own), (frozenset(), frozenset(HANDLES))
        ):
            selected = select_clauses(
                own, kind, tier, answers, has_remediations=True, handles=handles
            )
            articles = []
            for clause in selected:
                key = (clause.id, bool(handles))
                if key not in cache:
                    cache[key] = _rendered(clause, tuple(handles))
                articles.append((clause, cache[key]))
            for clause, term in term_order_problems(articles, known):
                if (clause.id, term) not in reported:
                    reported.add((clause.id, term))
                    problems.append(
                        f"{clause.source}: 条項「{clause.id}」: 用語「{term}」が、定義する条より"
                        f"前で（又は定義する条のない特記事項で）使われています（種別 {kind}）"
                    )
    return problems


# --- coverage ------------------------------------------------------------------------------


def condition_values(clauses: Sequence[Clause]) -> dict[str, set[str]]:
    """Each question the clauses' conditions name, with the values they name."""
    values: dict[str, set[str]] = {}
    for clause in clauses:
        for node in walk(clause.when) if clause.when is not None else ():
            if isinstance(node, AnswerIn):
                values.setdefault(node.question, set()).update(node.values)
            elif isinstance(node, Answered):
                values.setdefault(node.question, set())
    return values


def answer_scenarios(clauses: Sequence[Clause]) -> list[dict[str, object]]:
    """Answer sets that exercise every condition: each named value, another value, no answer."""
    values = condition_values(clauses)
    questions = sorted(values)
    choices = [[*sorted(values[question]), OTHER_ANSWER, None] for question in questions]
    total = 1
    for options in choices:
        total *= len(options)
    if total <= MAX_SCENARIOS:
        combos: Iterable[tuple[object, ...]] = itertools.product(*choices)
    else:  # too many: vary one question at a time
        combos = [
            tuple(value if i == n else None for i in range(len(questions)))
            for n, options in enumerate(choices)
            for value in options
        ]
    return [
        {question: value for question, value in zip(questions, combo, strict=True) if value}
        for combo in combos
    ]


def single_answer_scenarios(clauses: Sequence[Clause]) -> list[dict[str, object]]:
    """No answers, then each condition value (and another value) of one question at a time."""
    values = condition_values(clauses)
    scenarios: list[dict[str, object]] = [{}]
    for question in sorted(values):
        scenarios.extend({question: value} for value in [*sorted(values[question]), OTHER_ANSWER])
    return scenarios


def _describe(answers: Mapping[str, object]) -> str:
    if not answers:
        return "回答なし"
    shown = ("その他の値" if value == OTHER_ANSWER else value for value in answers.values())
    return "、".join(f"{q}={v}" for q, v in zip(answers, shown, strict=True))


def coverage_problems(
    clauses: Sequence[Clause], coverage: Mapping[str, Sequence[str]]
) -> list[str]:
    """Every kind × tier × answer set must select articles covering the kind's requirements.

    Optional clauses and the remediation article do not count: they may be left out.
    """
    problems: list[str] = []
    for kind, required in coverage.items():
        own = [clause for clause in clauses if kind in clause.kinds]
        reported: set[tuple[str, ...]] = set()
        for tier in TIERS:
            for answers in answer_scenarios(own):
                selected = select_clauses(own, kind, tier, answers, handles=frozenset(HANDLES))
                covered = {rid for clause in selected for rid in clause.covers}
                missing = tuple(rid for rid in required if rid not in covered)
                if missing and missing not in reported:
                    reported.add(missing)
                    problems.append(
                        f"種別 {kind}・区分 {tier}（{_describe(answers)}）で要件 "
                        f"{', '.join(missing)} を定める条がありません"
                    )
    return problems
