"""The clause library as staff and commands use it: the configured clause folder loaded once,
checked in full, its conditions said in Japanese, its coverage columns, and positions.toml."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vendorcheck.domain.clauses import Clause, ClauseError, check_clauses, read_clause_files
from vendorcheck.domain.clauses.positions import position_problems
from vendorcheck.domain.questionnaire import (
    AllOf,
    Answered,
    AnswerIn,
    AnyOf,
    Condition,
    Not,
    Question,
    TierAtLeast,
)
from vendorcheck.domain.requirements import CONTRACT_COVERAGE, KINDS, load_requirements
from vendorcheck.services import contract_terms
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.questionnaires import CoverageColumn, QuestionnaireCatalogue
from vendorcheck.services.toml_folder import shared_folder


def _read_library(directory: Path) -> tuple[list[Clause], list[str]]:
    try:
        return read_clause_files(directory)
    except OSError as error:
        return [], [f"{directory}: 読み込めません（{error}）"]


def clause_library(config: Mapping[str, object]) -> list[Clause]:
    """Return the clauses of the configured CLAUSES_DIR (loaded once, reloaded on change);
    raise ClauseError when a file cannot be used."""
    clauses, problems = shared_folder(str(config["CLAUSES_DIR"]), _read_library).current()
    if problems:
        raise ClauseError(problems)
    return list(clauses)


def clause_positions(config: Mapping[str, object]) -> Mapping[str, object]:
    """positions.toml beside the configured clause folder: how answers meet the articles."""
    return contract_terms.positions_for(str(config["CLAUSES_DIR"]))


def check_library(config: Mapping[str, object]) -> tuple[list[str], int]:
    """Check the clause files fully (check_clauses); return (problems, number of clauses)."""
    catalogue = QuestionnaireCatalogue(str(config["QUESTIONNAIRES_DIR"]))
    questionnaires = {questionnaire.id: questionnaire for questionnaire in catalogue.all()}
    directory = str(config["CLAUSES_DIR"])
    problems = check_clauses(directory, load_requirements(), questionnaires)
    try:
        positions = contract_terms.positions_for(directory)
    except ServiceError as error:
        problems.append(error.message)
    else:
        clauses = read_clause_files(directory)[0]
        problems.extend(position_problems(positions, list(questionnaires.values()), clauses))
    return problems, len(read_clause_files(directory)[0])


def describe_condition(condition: Condition, questions: Mapping[str, Question]) -> str:
    """Say a clause's `when` in Japanese, with question texts and option labels."""

    def name(question_id: str) -> str:
        question = questions.get(question_id)
        text = question.text.get("ja") if question else ""
        short = text if len(text) <= 40 else text[:39] + "…"
        return f"「{short}」（{question_id}）" if short else question_id

    match condition:
        case AnswerIn(question_id, values):
            question = questions.get(question_id)
            labels = [question.display(value) if question else value for value in values]
            either = "のいずれか" if len(labels) > 1 else ""
            return f"{name(question_id)}の回答が「{'」「'.join(labels)}」{either}"
        case Answered(question_id):
            return f"{name(question_id)}に回答がある"
        case TierAtLeast(tier):
            return f"区分{tier}以上"
        case AllOf(children):
            return "、かつ、".join(describe_condition(child, questions) for child in children)
        case AnyOf(children):
            return "（" + "、又は、".join(describe_condition(c, questions) for c in children) + "）"
        case Not(child):
            return f"{describe_condition(child, questions)}ではない（未回答を含む）"
    raise TypeError(f"not a condition: {condition!r}")


@dataclass(frozen=True)
class ClauseColumn(CoverageColumn):
    """A coverage column of one kind's clauses; optional ones do not count as covering."""

    optional: frozenset[str] = frozenset()

    def missing(self, requirement_id: str) -> bool:
        covering = self.cells.get(requirement_id, ())
        return requirement_id in self.required and all(cid in self.optional for cid in covering)


def clause_columns(clauses: Sequence[Clause], labels: Mapping[str, str]) -> list[ClauseColumn]:
    """Return a coverage column per kind: requirement id → the clauses that state it."""
    columns = []
    for kind in KINDS:
        cells: dict[str, list[str]] = {}
        own = [clause for clause in clauses if kind in clause.kinds]
        for clause in own:
            for requirement_id in clause.covers:
                cells.setdefault(requirement_id, []).append(clause.id)
        columns.append(
            ClauseColumn(
                kind="clauses",
                key=kind,
                label=f"特記事項の条文（{labels.get(kind, kind)}）",
                cells={rid: tuple(ids) for rid, ids in cells.items()},
                required=frozenset(CONTRACT_COVERAGE.get(kind, ())),
                optional=frozenset(c.id for c in own if c.optional or c.only_with_remediations),
            )
        )
    return columns
