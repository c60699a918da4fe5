"""Load questionnaire files and check whole directories of them."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from vendorcheck.domain.questionnaire.model import Questionnaire, parse_questionnaire
from vendorcheck.domain.questionnaire.reader import QuestionnaireError
from vendorcheck.domain.requirements import (
    Requirement,
    coverage_problems,
    load_requirements,
    well_known_problems,
)


def load_questionnaire(
    path: Path | str, requirements: Mapping[str, Requirement] | None = None
) -> Questionnaire:
    """Load and validate one questionnaire file against the catalogue (default: the repo's)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise QuestionnaireError([f"{path.name}: TOML として読めません（{error}）"]) from error
    catalogue = requirements if requirements is not None else load_requirements()
    return parse_questionnaire(
        data, path.name, expected_id=path.stem, requirements=catalogue, file_rules=True
    )


def load_directory(
    directory: Path | str, requirements: Mapping[str, Requirement] | None = None
) -> dict[str, Questionnaire]:
    """Load every *.toml in a directory; raise one QuestionnaireError listing all problems."""
    loaded: dict[str, Questionnaire] = {}
    errors: list[str] = []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            loaded[path.stem] = load_questionnaire(path, requirements)
        except QuestionnaireError as error:
            errors.extend(error.errors)
    if errors:
        raise QuestionnaireError(errors)
    return loaded


def check_directory(
    directory: Path | str, requirements: Mapping[str, Requirement] | None = None
) -> list[str]:
    """Return every problem in a questionnaire directory, coverage and well-known ids included."""
    paths = sorted(Path(directory).glob("*.toml"))
    if not paths:
        return [f"{directory}: 確認書ファイル (*.toml) がありません"]
    problems: list[str] = []
    for path in paths:
        try:
            questionnaire = load_questionnaire(path, requirements)
        except QuestionnaireError as error:
            problems.extend(error.errors)
            continue
        asked = questionnaire.requirement_index.keys()
        shapes = {q.id: (q.type, q.answer_type.option_values) for q in questionnaire.questions}
        for problem in (
            *coverage_problems(questionnaire.kinds, asked),
            *well_known_problems(questionnaire.kinds, shapes),
        ):
            problems.append(f"{path.name}: {problem}")
    return problems
