"""The annex as plain data: the selected clauses rendered into numbered articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from vendorcheck.domain.clauses.library import Clause, ClauseError
from vendorcheck.domain.clauses.text import (
    Paragraph,
    clean_value,
    compiled_template,
    split_paragraphs,
)
from vendorcheck.domain.contract_terms import TimeLimits
from vendorcheck.domain.jp import to_full_width_digits, today_jst, wareki

ANNEX_TITLE = "情報セキュリティに関する特記事項"
PARTY_TERMS = (("委託者", "受託者"), ("甲", "乙"))
NO_ANSWER = "（回答なし）"
NO_ISMAP_CHECK = "登録番号の回答なし"
NO_DATE = "本契約に定める日"
NO_DUE_DATE = "{委託者}と協議して定める日"

PREAMBLE = (
    "{{ 組織名 }}（以下「{{ 委託者 }}」という。）と{{ 事業者名 }}（以下「{{ 受託者 }}」という。）"
    "とが締結する「{{ 案件名 }}」に係る契約（以下「本契約」という。）の履行に当たり、"
    "{{ 受託者 }}が遵守すべき情報セキュリティに関する事項を次のとおり定める。"
)
CLOSING = "以上"


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
    draft: bool = False  # a preview that is not the final annex: printed with 案

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
    limits: TimeLimits = field(default_factory=TimeLimits)
    answers_display: Mapping[str, str] = field(default_factory=dict)
    remediations: Sequence[tuple[str, dt.date | None]] = ()
    issued_on: dt.date = field(default_factory=today_jst)
    ismap_registration: str = ""  # as verified on the stored list: list, number, validity
    handles: frozenset[str] = frozenset()  # personal_information, specific_personal_information
    individual_terms: Sequence[str] = ()  # accepted vendor positions, in the 個別条件 article
    draft: bool = False

    @property
    def incident_report_hours(self) -> int:
        return self.limits.incident_report_hours

    @property
    def has_individual_conditions(self) -> bool:
        return bool(self.remediations or self.individual_terms)


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
        **context.limits.template_values(),
        "個人情報あり": "personal_information" in context.handles,
        "特定個人情報あり": "specific_personal_information" in context.handles,
        "個別の定め": [{"内容": clean_value(text)} for text in context.individual_terms],
        "是正条件": [
            {"内容": clean_value(action), "期限": _date_text(due, due_fallback)}
            for action, due in context.remediations
        ],
        "ISMAP登録": clean_value(context.ismap_registration) or NO_ISMAP_CHECK,
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
    if not context.has_individual_conditions:
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
        draft=context.draft,
    )
