"""The clause library: read and validate clause files, and select the clauses for a case."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vendorcheck.domain.clauses.text import template_problems
from vendorcheck.domain.questionnaire import Condition, ConditionError, evaluate, parse_condition
from vendorcheck.domain.requirements import KINDS

TIERS = (1, 2, 3)
CLAUSE_KEYS = frozenset(
    "id order title covers kinds min_tier when uses optional only_with_remediations handles body".split()  # noqa: SIM905
)
CLAUSE_ID = re.compile(r"[a-z0-9_]+")
# What a case may record that it handles; a clause with `handles` is chosen only for such cases.
HANDLES = ("personal_information", "specific_personal_information")


class ClauseError(ValueError):
    """Clause files that cannot be used; errors name the file, the clause and the problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Clause:
    """One clause file: an article of the annex and when it is chosen."""

    id: str
    order: int
    title: str
    covers: tuple[str, ...]
    kinds: tuple[str, ...]
    body: str
    min_tier: int = 1
    when: Condition | None = None
    uses: tuple[str, ...] = ()
    optional: bool = False
    only_with_remediations: bool = False
    handles: tuple[str, ...] = ()
    source: str = ""


def _string_list(raw: object, key: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        problems.append(f"{key} は文字列のリストで指定してください")
        return ()
    return tuple(raw)


def _parse_int(raw: Mapping[str, object], key: str, default: int, problems: list[str]) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{key} は整数で指定してください")
        return default
    return value


def parse_clause(raw: Mapping[str, object], source: str) -> tuple[Clause | None, list[str]]:
    """Build a Clause from a TOML table; return it with the problems found (prefixed)."""
    problems: list[str] = []
    clause_id = raw.get("id")
    if not isinstance(clause_id, str) or not CLAUSE_ID.fullmatch(clause_id):
        problems.append("id は半角英小文字・数字・_ で指定してください")
        clause_id = "?"
    problems.extend(f"未知のキー「{key}」があります" for key in sorted(set(raw) - CLAUSE_KEYS))
    order = _parse_int(raw, "order", 0, problems)
    if "order" not in raw:
        problems.append("order（並び順の整数）を指定してください")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("title（条の見出し）を指定してください")
        title = ""
    covers = _string_list(raw.get("covers", None), "covers", problems)
    kinds = _string_list(raw.get("kinds", None), "kinds", problems)
    if "kinds" in raw and not kinds:
        problems.append("kinds に種別を1つ以上指定してください")
    for kind in kinds:
        if kind not in KINDS:
            problems.append(f"未知の種別「{kind}」です（{', '.join(KINDS)} のいずれか）")
    min_tier = _parse_int(raw, "min_tier", 1, problems)
    if min_tier not in TIERS:
        problems.append("min_tier は 1, 2, 3 のいずれかで指定してください")
    when = None
    if "when" in raw:
        try:
            when = parse_condition(raw["when"])
        except ConditionError as error:
            problems.append(f"when: {error}")
    uses = _string_list(raw.get("uses", []), "uses", problems)
    handles = _string_list(raw.get("handles", []), "handles", problems)
    problems.extend(
        f"handles の「{value}」は {', '.join(HANDLES)} のいずれかで指定してください"
        for value in handles
        if value not in HANDLES
    )
    flags = {}
    for key in ("optional", "only_with_remediations"):
        flags[key] = raw.get(key, False)
        if not isinstance(flags[key], bool):
            problems.append(f"{key} は true か false で指定してください")
            flags[key] = False
    body = raw.get("body")
    if not isinstance(body, str) or not body.strip():
        problems.append("body（本文）を指定してください")
        body = ""
    else:
        problems.extend(template_problems(body))
    where = f"{source}: 条項「{clause_id}」: "
    problems = [where + problem for problem in problems]
    if problems:
        return None, problems
    clause = Clause(
        id=str(clause_id),
        order=order,
        title=str(title).strip(),
        covers=covers,
        kinds=kinds,
        body=str(body),
        min_tier=min_tier,
        when=when,
        uses=uses,
        optional=bool(flags["optional"]),
        only_with_remediations=bool(flags["only_with_remediations"]),
        handles=handles,
        source=source,
    )
    return clause, []


def read_clause_files(directory: Path | str) -> tuple[list[Clause], list[str]]:
    """Read every *.toml in directory; return the clauses that parsed and all problems."""
    folder = Path(directory)
    clauses: list[Clause] = []
    problems: list[str] = []
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        problems.append(f"{folder}: 条項ファイル（*.toml）がありません")
    for path in paths:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            problems.append(f"{path.name}: TOML として読めません（{error}）")
            continue
        clause, found = parse_clause(raw, path.name)
        problems.extend(found)
        if clause is not None:
            clauses.append(clause)
            if clause.id != path.stem:
                problems.append(
                    f"{path.name}: 条項「{clause.id}」: id をファイル名と同じにしてください"
                )
    problems.extend(duplicate_problems(clauses))
    return sorted(clauses, key=lambda clause: clause.order), problems


def duplicate_problems(clauses: Sequence[Clause]) -> list[str]:
    problems: list[str] = []
    for attribute, label in (("id", "id"), ("order", "order")):
        seen: dict[object, Clause] = {}
        for clause in clauses:
            value = getattr(clause, attribute)
            if value in seen:
                problems.append(
                    f"{clause.source}: 条項「{clause.id}」: {label}「{value}」が"
                    f"{seen[value].source} と重複しています"
                )
            else:
                seen[value] = clause
    return problems


def load_clauses(directory: Path | str) -> list[Clause]:
    """Load the clause files sorted by order; raise ClauseError listing every problem."""
    clauses, problems = read_clause_files(directory)
    if problems:
        raise ClauseError(problems)
    return clauses


def select_clauses(
    clauses: Sequence[Clause],
    kind: str,
    tier: int,
    answers: Mapping[str, object],
    optional_choices: Mapping[str, bool] | None = None,
    has_remediations: bool = False,
    applies: Callable[[str], bool] | None = None,
    handles: frozenset[str] = frozenset(),
) -> list[Clause]:
    """Choose the clauses for a case, sorted by order.

    An optional clause is included only when optional_choices says True for it. A question
    counts as applying when it has an entry in answers, unless `applies` says otherwise.
    """
    if kind not in KINDS:
        raise ValueError(f"未知の種別です: {kind}")
    if tier not in TIERS:
        raise ValueError(f"区分（tier）は 1, 2, 3 のいずれかです: {tier}")
    choices = optional_choices or {}
    applies = applies or (lambda question: question in answers)
    chosen = [
        clause
        for clause in clauses
        if kind in clause.kinds
        and tier >= clause.min_tier
        and (not clause.optional or choices.get(clause.id, False))
        and (has_remediations or not clause.only_with_remediations)
        and set(clause.handles) <= handles
        and evaluate(clause.when, answers, tier, applies)
    ]
    return sorted(chosen, key=lambda clause: clause.order)
