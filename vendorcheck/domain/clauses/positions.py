"""Answers and clauses never contradict: every answer that bears on a contract requirement
either agrees with the organisation's article, selects a clause variant, carries a stronger
promise into the text, or raises a named contract conflict that staff must resolve.

A question bears on the contract when it is a choice, multi or yes/no question whose
requirements include one the annex of its kind states: one it must cover (CONTRACT_COVERAGE)
or one an article of that kind covers. The rules of
contract_templates/positions.toml add what the score alone cannot say: options that agree with
the article although they score less than full, and options that promise a time limit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from vendorcheck.domain.clauses.library import HANDLES, Clause, ClauseError, select_clauses
from vendorcheck.domain.contract_terms import LIMIT_BY_NAME, TimeLimits
from vendorcheck.domain.jp import to_full_width_digits
from vendorcheck.domain.questionnaire import Question, Questionnaire, referenced_questions
from vendorcheck.domain.questionnaire.types.base import NA
from vendorcheck.domain.requirements import CONTRACT_COVERAGE

Outcome = Literal["agrees", "variant", "promise", "conflict"]
OUTCOME_LABELS = {
    "agrees": "標準の条文のとおり",
    "variant": "回答に応じた条文",
    "promise": "事業者の約束した期限を条文に記載",
    "conflict": "契約上の相違（職員の判断が必要）",
}
POSITION_KEYS = frozenset(
    {"question", "topic", "agrees", "limit", "promises", "handles", "articles"}
)


# positions.toml that cannot be used: the same error as a clause file, naming file and problem
PositionError = ClauseError


@dataclass(frozen=True)
class Position:
    """What positions.toml says about one question."""

    question: str
    topic: str = ""
    agrees: frozenset[str] = frozenset()
    limit: str | None = None  # the time limit the options promise (a name of contract_terms)
    promises: Mapping[str, int] = field(default_factory=dict)
    handles: str | None = None  # the question bears on the contract only when the case handles it
    articles: tuple[str, ...] = ()  # clause ids of the articles the answer falls short of


@dataclass(frozen=True)
class ContractConflict:
    """An answer weaker than the article the annex would state: staff must resolve it."""

    question_id: str
    value: str
    topic: str
    question_text: str
    answer_label: str
    articles: tuple[str, ...]
    explanation: str

    @property
    def key(self) -> str:
        return f"{self.question_id}={self.value}"


def parse_positions(raw: Mapping[str, object], source: str = "positions.toml") -> list[Position]:
    problems: list[str] = []
    positions: list[Position] = []
    items = raw.get("questions", [])
    if not isinstance(items, list):
        raise PositionError([f"{source}: [[questions]] の表で書いてください"])
    for number, item in enumerate(items, start=1):
        where = f"{source}: {number}番目の [[questions]]: "
        if not isinstance(item, Mapping) or not isinstance(item.get("question"), str):
            problems.append(where + "question（質問ID）を指定してください")
            continue
        problems.extend(
            where + f"未知のキー「{key}」があります" for key in set(item) - POSITION_KEYS
        )
        agrees = item.get("agrees", [])
        promises = item.get("promises", {})
        limit = item.get("limit")
        if not isinstance(agrees, list) or not all(isinstance(v, str) for v in agrees):
            problems.append(where + "agrees は選択肢の値のリストで指定してください")
            agrees = []
        if not isinstance(promises, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in promises.values()
        ):
            problems.append(where + "promises は { 選択肢の値 = 正の整数 } で指定してください")
            promises = {}
        if promises and limit not in LIMIT_BY_NAME:
            problems.append(where + f"limit は {', '.join(LIMIT_BY_NAME)} のいずれかです")
            limit = None
        topic = item.get("topic", "")
        articles = item.get("articles", [])
        if not isinstance(articles, list) or not all(isinstance(v, str) for v in articles):
            problems.append(where + "articles は条項IDのリストで指定してください")
            articles = []
        handles = item.get("handles")
        if handles is not None and handles not in HANDLES:
            problems.append(where + f"handles は {', '.join(HANDLES)} のいずれかです")
            handles = None
        positions.append(
            Position(
                question=item["question"],
                topic=topic if isinstance(topic, str) else "",
                agrees=frozenset(agrees),
                limit=limit if isinstance(limit, str) else None,
                promises=dict(promises),
                handles=handles,
                articles=tuple(articles),
            )
        )
    if problems:
        raise PositionError(problems)
    return positions


def load_positions(path: Path | str) -> dict[str, Position]:
    file = Path(path)
    if not file.exists():
        return {}
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PositionError([f"{file.name}: TOML として読めません（{error}）"]) from error
    return {position.question: position for position in parse_positions(raw, file.name)}


# --- which questions and options -------------------------------------------------------------


def stated_requirements(kind: str, clauses: Sequence[Clause] = ()) -> frozenset[str]:
    """The requirements the annex of a kind states: those it must cover, and every one an
    article of that kind covers (the remediation article and optional ones aside)."""
    stated = set(CONTRACT_COVERAGE.get(kind, ()))
    for clause in clauses:
        if kind in clause.kinds and not (clause.optional or clause.only_with_remediations):
            stated.update(clause.covers)
    return frozenset(stated)


def contract_questions(
    questionnaire: Questionnaire, kind: str, clauses: Sequence[Clause] = ()
) -> list[Question]:
    """The choice, multi and yes/no questions whose requirements the annex of kind states."""
    stated = stated_requirements(kind, clauses)
    return [
        question
        for question in questionnaire.questions
        if question.type in ("choice", "multi", "yesno") and stated & set(question.requirements)
    ]


def option_values(question: Question) -> tuple[str, ...]:
    return tuple(question.answer_type.option_values)  # type: ignore[attr-defined]


def _full_score(question: Question, value: str) -> bool:
    answer = (value,) if question.answer_type.multiple else value
    return question.answer_type.automatic_score(answer) == 1.0


def baseline(question: Question) -> str:
    """The answer the organisation's standard article is written for: the first full-score one."""
    for value in option_values(question):
        if value != NA and _full_score(question, value):
            return value
    return option_values(question)[0]


def _answer(question: Question, value: str) -> object:
    return (value,) if question.answer_type.multiple and value != NA else value


def _selected(clauses, kind, tier, answers) -> tuple[str, ...]:
    chosen = select_clauses(clauses, kind, tier, answers, has_remediations=True)
    return tuple(clause.id for clause in chosen)


def outcome(
    question: Question,
    value: str,
    *,
    clauses: Sequence[Clause],
    kind: str,
    tier: int,
    position: Position | None,
    limits: TimeLimits,
) -> Outcome:
    """What one answer does to the annex (see the module docstring)."""
    if value == NA:
        return "agrees"
    if position is not None and position.limit:
        promised = position.promises.get(value)
        if promised is None or promised > limits.value(position.limit):
            return "conflict"
        return "promise"
    standard = _selected(clauses, kind, tier, {question.id: _answer(question, baseline(question))})
    if _selected(clauses, kind, tier, {question.id: _answer(question, value)}) != standard:
        return "variant"
    if _full_score(question, value) or (position is not None and value in position.agrees):
        return "agrees"
    return "conflict"


MAX_ARTICLES = 3


def _articles(
    question: Question, selected: Sequence[Clause], position: Position | None
) -> tuple[str, ...]:
    """The articles of this annex the answer falls short of: those positions.toml names for
    the question; otherwise those whose condition names it, then those stating most of its
    requirements (its first requirement before the others; at most three)."""
    chosen = [c for c in selected if not c.only_with_remediations]
    if position is not None and position.articles:
        named = [c for c in chosen if c.id in position.articles]
        if named:
            return tuple(dict.fromkeys(c.title for c in named))
    wanted = list(question.requirements)
    conditioned = [
        c for c in chosen if c.when is not None and question.id in referenced_questions(c.when)
    ]

    def rank(clause: Clause) -> tuple[int, int]:
        shared = [rid for rid in wanted if rid in clause.covers]
        return (-len(shared), min((wanted.index(rid) for rid in shared), default=len(wanted)))

    stating = sorted(
        (c for c in chosen if set(wanted) & set(c.covers) and c not in conditioned), key=rank
    )
    titles = [c.title for c in (*conditioned, *stating)]
    return tuple(dict.fromkeys(titles))[:MAX_ARTICLES]


def _explain(question, value, position, limits, articles) -> str:
    label = question.display(_answer(question, value))
    if position is not None and position.limit:
        limit = LIMIT_BY_NAME[position.limit]
        default = to_full_width_digits(str(limits.value(position.limit)))
        return (
            f"回答「{label}」は、{limit.label}として組織が定める{default}{limit.unit}を"
            "満たしません。"
        )
    named = "・".join(f"「{title}」" for title in articles) or "特記事項"
    return f"回答「{label}」は、{named}の条の定めを満たしません。"


@dataclass(frozen=True)
class PositionsResult:
    conflicts: tuple[ContractConflict, ...]
    promises: Mapping[str, int]  # limit name → the vendor's promise carried into the text

    def limits(self, limits: TimeLimits) -> TimeLimits:
        return limits.with_promises(dict(self.promises))


def assess_answers(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    *,
    kind: str,
    tier: int,
    clauses: Sequence[Clause],
    positions: Mapping[str, Position],
    limits: TimeLimits,
    handles: frozenset[str] = frozenset(HANDLES),
) -> PositionsResult:
    """The contract conflicts and carried promises of one set of submitted answers.

    A question whose position names `handles` counts only for a case that handles it.
    """
    applicable = questionnaire.applicable_questions(answers, tier)
    own = [clause for clause in clauses if kind in clause.kinds]
    conflicts: list[ContractConflict] = []
    promises: dict[str, int] = {}
    selected = select_clauses(
        own,
        kind,
        tier,
        answers,
        has_remediations=True,
        applies=applicable.__contains__,
        handles=handles,
    )
    for question in contract_questions(questionnaire, kind, own):
        if question.id not in applicable or question.id not in answers:
            continue
        raw = answers[question.id]
        values = [str(v) for v in raw] if isinstance(raw, list | tuple) else [str(raw)]
        position = positions.get(question.id)
        if position is not None and position.handles and position.handles not in handles:
            continue
        if question.answer_type.multiple and _multi_agrees(question, raw, position):
            continue
        for value in values:
            found = outcome(
                question, value, clauses=own, kind=kind, tier=tier, position=position, limits=limits
            )
            if found == "promise" and position is not None and position.limit:
                promises[position.limit] = position.promises[value]
            if found != "conflict":
                continue
            articles = _articles(question, selected, position)
            conflicts.append(
                ContractConflict(
                    question_id=question.id,
                    value=value,
                    topic=(position.topic if position else "") or question.text.get("ja"),
                    question_text=question.text.get("ja"),
                    answer_label=question.display(_answer(question, value)),
                    articles=articles,
                    explanation=_explain(question, value, position, limits, articles),
                )
            )
            break  # one conflict per question is enough to name it
    return PositionsResult(tuple(conflicts), promises)


def _multi_agrees(question: Question, raw: object, position: Position | None) -> bool:
    """A multi answer agrees when together the chosen options score full, or all agree."""
    if question.answer_type.automatic_score(raw) == 1.0:
        return True
    chosen = set(raw) if isinstance(raw, list | tuple) else {raw}
    return position is not None and bool(chosen) and chosen <= position.agrees


def position_problems(
    positions: Mapping[str, Position],
    questionnaires: Sequence[Questionnaire],
    clauses: Sequence[Clause] | None = None,
) -> list[str]:
    """positions.toml may name only questions and option values of the questionnaires vendors
    answer (a department's self-check makes no annex)."""
    options: dict[str, set[str]] = {}
    for questionnaire in questionnaires:
        if questionnaire.respondent != "vendor":
            continue
        for question in questionnaire.questions:
            if question.type in ("choice", "multi", "yesno"):
                options.setdefault(question.id, set()).update(option_values(question))
    problems = []
    for position in positions.values():
        where = f"positions.toml: 質問「{position.question}」: "
        if position.question not in options:
            problems.append(where + "事業者が回答する確認書に選択式の質問としてありません")
            continue
        unknown = sorted(
            (set(position.agrees) | set(position.promises)) - options[position.question]
        )
        problems.extend(where + f"選択肢「{value}」がありません" for value in unknown)
        if clauses is not None:
            known = {clause.id for clause in clauses}
            problems.extend(
                where + f"articles の条項「{clause_id}」がありません"
                for clause_id in position.articles
                if clause_id not in known
            )
    return problems
