"""Contract clauses: load clause files, select them for a case, render the annex as plain data."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from vendorcheck.domain.clause_text import ENVIRONMENT as ENVIRONMENT
from vendorcheck.domain.clause_text import ITEM as ITEM
from vendorcheck.domain.clause_text import SUB_ITEM as SUB_ITEM
from vendorcheck.domain.clause_text import TEMPLATE_NAMES as TEMPLATE_NAMES
from vendorcheck.domain.clause_text import (
    Paragraph,
    clean_value,
    compiled_template,
    split_paragraphs,
    template_problems,
)
from vendorcheck.domain.clause_text import ParagraphKind as ParagraphKind
from vendorcheck.domain.clause_text import numbering_problems as numbering_problems
from vendorcheck.domain.conditions import Condition, ConditionError, evaluate, parse_condition
from vendorcheck.domain.jp import to_full_width_digits, today_jst, wareki
from vendorcheck.domain.requirements import KINDS

ANNEX_TITLE = "情報セキュリティに関する特記事項"
PARTY_TERMS = (("委託者", "受託者"), ("甲", "乙"))
NO_ANSWER = "（回答なし）"
NO_DATE = "本契約に定める日"
NO_DUE_DATE = "{委託者}と協議して定める日"
TIERS = (1, 2, 3)

CLAUSE_KEYS = frozenset(
    "id order title covers kinds min_tier when uses optional only_with_remediations body".split()  # noqa: SIM905
)
CLAUSE_ID = re.compile(r"[a-z0-9_]+")

PREAMBLE = (
    "{{ 組織名 }}（以下「{{ 委託者 }}」という。）と{{ 事業者名 }}（以下「{{ 受託者 }}」という。）"
    "とが締結する「{{ 案件名 }}」に係る契約（以下「本契約」という。）の履行に当たり、"
    "{{ 受託者 }}が遵守すべき情報セキュリティに関する事項を次のとおり定める。"
)
CLOSING = "以上"


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
    source: str = ""


@dataclass(frozen=True)
class Article:
    number: int
    title: str
    paragraphs: tuple[Paragraph, ...]
    clause_id: str
    covers: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"第{to_full_width_digits(str(self.number))}条"

    @property
    def heading(self) -> str:
        return f"{self.label}（{self.title}）"


@dataclass(frozen=True)
class Annex:
    """The annex as plain data: what the Word writer prints and what is stored with it."""

    title: str
    date_line: str
    preamble: tuple[str, ...]
    articles: tuple[Article, ...]
    closing: str
    document_title: str
    issued_on: dt.date
    answers_used: Mapping[str, str] = field(default_factory=dict)

    @property
    def clause_ids(self) -> tuple[str, ...]:
        return tuple(article.clause_id for article in self.articles)

    @property
    def covers(self) -> frozenset[str]:
        return frozenset(rid for article in self.articles for rid in article.covers)


class Remediation(NamedTuple):
    """An accepted remediation: what the vendor will do, and by when."""

    action: str
    due: dt.date | None = None


@dataclass(frozen=True)
class AnnexContext:
    organisation_name: str
    vendor_name: str
    case_title: str
    kind: str
    tier: int
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    party_terms: tuple[str, str] = PARTY_TERMS[0]
    incident_report_hours: int = 24
    answers_display: Mapping[str, str] = field(default_factory=dict)
    remediations: Sequence[tuple[str, dt.date | None]] = ()
    issued_on: dt.date = field(default_factory=today_jst)


# --- loading -------------------------------------------------------------------------------


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


def check_clauses(
    directory: Path | str,
    requirements: Mapping[str, object],
    questionnaires: Mapping[str, object] | None = None,
) -> list[str]:
    """Return every problem in the clause files, in Japanese (see clause_check)."""
    from vendorcheck.domain.clause_check import check_clauses as check  # it imports this module

    return check(directory, requirements, questionnaires)


# --- selection -----------------------------------------------------------------------------


def select_clauses(
    clauses: Sequence[Clause],
    kind: str,
    tier: int,
    answers: Mapping[str, object],
    optional_choices: Mapping[str, bool] | None = None,
    has_remediations: bool = False,
    applies: Callable[[str], bool] | None = None,
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
        and evaluate(clause.when, answers, tier, applies)
    ]
    return sorted(chosen, key=lambda clause: clause.order)


# --- rendering -----------------------------------------------------------------------------


def _date_text(day: dt.date | None, fallback: str) -> str:
    return wareki(day, full_width=True) if day else fallback


def base_values(context: AnnexContext) -> dict[str, object]:
    """The named values every body may use, all vendor text cleaned."""
    client, contractor = (clean_value(term) for term in context.party_terms)
    due_fallback = NO_DUE_DATE.format(委託者=client)
    return {
        "委託者": client,
        "受託者": contractor,
        "組織名": clean_value(context.organisation_name),
        "事業者名": clean_value(context.vendor_name),
        "案件名": clean_value(context.case_title),
        "契約開始日": _date_text(context.contract_start, NO_DATE),
        "契約終了日": _date_text(context.contract_end, NO_DATE),
        "報告期限時間": to_full_width_digits(str(int(context.incident_report_hours))),
        "是正条件": [
            {"内容": clean_value(action), "期限": _date_text(due, due_fallback)}
            for action, due in context.remediations
        ],
    }


def render_body(clause: Clause, values: Mapping[str, object], answers: Mapping[str, str]):
    """Render one clause body into paragraphs; 回答 holds only the answers the clause uses."""
    used = {question: answers.get(question, NO_ANSWER) for question in clause.uses}
    try:
        text = compiled_template(clause.body).render({**values, "回答": used})
    except Exception as error:  # a staff-written body; check_clauses finds these beforehand
        problem = f"{clause.source}: 条項「{clause.id}」: 本文を作れません（{error}）"
        raise ClauseError([problem]) from error
    return split_paragraphs(text), used


def _preamble(values: Mapping[str, object], context: AnnexContext) -> tuple[str, ...]:
    lines = [compiled_template(PREAMBLE).render(values)]
    if context.contract_start and context.contract_end:
        lines.append(f"（契約期間　{values['契約開始日']}から{values['契約終了日']}まで）")
    elif context.contract_start:
        lines.append(f"（契約期間　{values['契約開始日']}から）")
    return tuple(lines)


def render_annex(selected: Sequence[Clause], context: AnnexContext) -> Annex:
    """Render the selected clauses, numbered 第１条, 第２条 … in the order given.

    A remediation-only clause is left out when the context has no remediations, so the
    annex never shows an empty list of conditions.
    """
    if not context.remediations:
        selected = [clause for clause in selected if not clause.only_with_remediations]
    values = base_values(context)
    display = {key: clean_value(text) or NO_ANSWER for key, text in context.answers_display.items()}
    articles: list[Article] = []
    answers_used: dict[str, str] = {}
    for number, clause in enumerate(selected, start=1):
        paragraphs, used = render_body(clause, values, display)
        answers_used.update(used)
        articles.append(Article(number, clause.title, paragraphs, clause.id, clause.covers))
    case_title = values["案件名"]
    return Annex(
        title=ANNEX_TITLE,
        date_line=wareki(context.issued_on, full_width=True),
        preamble=_preamble(values, context),
        articles=tuple(articles),
        closing=CLOSING,
        document_title=f"{ANNEX_TITLE}（{case_title}）" if case_title else ANNEX_TITLE,
        issued_on=context.issued_on,
        answers_used=answers_used,
    )
