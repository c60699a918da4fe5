"""The text of clause bodies: sandboxed templates, cleaned values, numbered paragraphs."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import jinja2
from jinja2 import StrictUndefined, meta
from jinja2.sandbox import SandboxedEnvironment

from vendorcheck.domain.contract_terms import LIMIT_NAMES
from vendorcheck.domain.jp import clean_for_xml, to_full_width_digits

# The only names a clause body may use; every value is a plain string (or list/dict of them).
TEMPLATE_NAMES = (
    frozenset(
        "委託者 受託者 組織名 事業者名 案件名 契約開始日 契約終了日 回答 是正条件 個別の定め ISMAP登録".split()  # noqa: SIM905
        + "個人情報あり 特定個人情報あり".split()  # noqa: SIM905
    )
    | LIMIT_NAMES
)
ITEM = re.compile(r"([０-９]+)\u3000")
SUB_ITEM = re.compile(r"(?:\(([0-9]+)\)|（([０-９0-9]+)）)")
# Line breaks inside a value would let typed text start a paragraph (a fake item).
_VALUE_BREAKS = re.compile("[\t\n\r\x85\u2028\u2029]+")

ParagraphKind = Literal["item", "sub", "text"]


@dataclass(frozen=True)
class Paragraph:
    kind: ParagraphKind
    text: str


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        autoescape=False,  # the output is Word text, not HTML; python-docx escapes XML itself
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()  # only the named values exist in a clause body
    env.filters["全角"] = lambda value: to_full_width_digits(str(value))
    return env


ENVIRONMENT = _environment()


@functools.lru_cache(maxsize=512)
def compiled_template(body: str) -> jinja2.Template:
    return ENVIRONMENT.from_string(body)


def template_problems(body: str) -> list[str]:
    """Return syntax errors and names a body uses that do not exist."""
    try:
        parsed = ENVIRONMENT.parse(body)
    except jinja2.TemplateSyntaxError as error:
        return [f"本文の{error.lineno}行目に書式の誤りがあります（{error.message}）"]
    unknown = sorted(meta.find_undeclared_variables(parsed) - TEMPLATE_NAMES)
    return [f"本文で使えない名前「{name}」が使われています" for name in unknown]


def clean_value(text: object) -> str:
    """Make typed text safe for one line of a Word paragraph: XML-legal, no line breaks."""
    cleaned = clean_for_xml("" if text is None else str(text))
    return _VALUE_BREAKS.sub(" ", cleaned).strip()


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Turn rendered body text into paragraphs: 「１　」 items, 「(1)」 sub-items, other text."""
    paragraphs = []
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        if ITEM.match(line):
            kind: ParagraphKind = "item"
        elif SUB_ITEM.match(line):
            kind = "sub"
        else:
            kind = "text"
        paragraphs.append(Paragraph(kind, line))
    return tuple(paragraphs)


def numbering_problems(paragraphs: Sequence[Paragraph]) -> list[str]:
    """Check items run １, ２, … and sub-items (1), (2), … under each item, without gaps."""
    problems: list[str] = []
    item, sub = 0, 0
    for paragraph in paragraphs:
        if paragraph.kind == "item":
            match = ITEM.match(paragraph.text)
            number = int(match.group(1).translate(_HALF_DIGITS)) if match else 0
            if number != item + 1:
                problems.append(f"項番号「{paragraph.text[:3]}」が連番になっていません")
            item, sub = number, 0
        elif paragraph.kind == "sub":
            match = SUB_ITEM.match(paragraph.text)
            digits = (match.group(1) or match.group(2)) if match else "0"
            number = int(digits.translate(_HALF_DIGITS))
            if number != sub + 1:
                problems.append(f"号番号「{paragraph.text[:4]}」が連番になっていません")
            sub = number
    return problems


_HALF_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
