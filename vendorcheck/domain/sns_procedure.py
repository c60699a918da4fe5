"""The SNS 運用手順書 (SNS-01) as text: read the template in contract_templates/, check it, and
fill it in from an account's values with the sandboxed clause environment."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import meta

from vendorcheck.domain.clauses.text import (
    ENVIRONMENT,
    Paragraph,
    clean_value,
    compiled_template,
    split_paragraphs,
)

NAMES = frozenset(
    "組織名 部局名 プラットフォーム アカウント名 アカウントID URL 利用目的 対象者 発信内容 投稿者 "  # noqa: SIM905
    "対応時間 責任者 副責任者 管理者 多要素認証 公式掲載ページ 作成日".split()
)


class ProcedureTemplateError(ValueError):
    """The template file cannot be used; the message names the problem in Japanese."""


@dataclass(frozen=True)
class ProcedureTemplate:
    title: str
    policy: str
    sections: tuple[tuple[str, str], ...]  # heading, body


@dataclass(frozen=True)
class ProcedureText:
    title: str
    policy: tuple[Paragraph, ...]
    sections: tuple[tuple[str, tuple[Paragraph, ...]], ...]


def _problems(where: str, body: str) -> list[str]:
    try:
        parsed = ENVIRONMENT.parse(body)
    except jinja2.TemplateSyntaxError as error:
        return [f"{where}: {error.lineno}行目に書式の誤りがあります（{error.message}）"]
    return [
        f"{where}: 使えない名前「{name}」が使われています"
        for name in sorted(meta.find_undeclared_variables(parsed) - NAMES)
    ]


def parse_template(data: Mapping[str, object], source: str) -> ProcedureTemplate:
    problems: list[str] = []
    title, policy = data.get("title"), data.get("policy")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{source}: title がありません")
    if not isinstance(policy, str) or not policy.strip():
        problems.append(f"{source}: policy（ソーシャルメディア運用方針）がありません")
    sections = []
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append(f"{source}: [[sections]] が1つもありません")
        raw_sections = []
    for number, section in enumerate(raw_sections, start=1):
        heading = section.get("heading") if isinstance(section, Mapping) else None
        body = section.get("body") if isinstance(section, Mapping) else None
        if not isinstance(heading, str) or not isinstance(body, str):
            problems.append(f"{source}: {number}番目の節に heading と body が必要です")
            continue
        problems += _problems(f"{source}: 節「{heading}」", body)
        sections.append((heading.strip(), body))
    for where, text in (("title", title), ("policy", policy)):
        if isinstance(text, str):
            problems += _problems(f"{source}: {where}", text)
    if problems:
        raise ProcedureTemplateError("\n".join(problems))
    return ProcedureTemplate(str(title), str(policy), tuple(sections))


def load_template(path: Path | str) -> ProcedureTemplate:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProcedureTemplateError(f"{path.name} を読み込めません（{error}）") from error
    return parse_template(data, path.name)


def render(template: ProcedureTemplate, values: Mapping[str, str]) -> ProcedureText:
    """Fill the template in; every value is cleaned to one XML-safe line (or 「未登録」)."""
    context = {name: clean_value(values.get(name, "")) or "未登録" for name in NAMES}

    def fill(body: str) -> str:
        return compiled_template(body).render(**context)

    return ProcedureText(
        title=fill(template.title).strip(),
        policy=split_paragraphs(fill(template.policy)),
        sections=tuple(
            (heading, split_paragraphs(fill(body))) for heading, body in template.sections
        ),
    )
