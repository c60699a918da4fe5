"""Wording checks on clause bodies: what a legal officer would strike out of an annex.

- answer recitals (「…と回答している」): an annex states obligations, not what was answered;
- sentences whose subject is the organisation and that impose a duty on it (only rights,
  「…できる。」, belong to the organisation in an annex of the vendor's obligations);
- 「速やかに」 in a sentence that states no configured time limit;
- references to other articles (「前条」「第３条」, numbers change per annex) and to
  paragraphs of the same article that do not exist;
- defined terms used in an annex before (or without) the article that defines them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from vendorcheck.domain.clauses.library import Clause
from vendorcheck.domain.clauses.text import ITEM, Paragraph
from vendorcheck.domain.contract_terms import LIMIT_NAMES

RECITAL = re.compile(r"と回答して(?:いる|おり)|回答している")
ARTICLE_REFERENCE = re.compile(r"前条|次条|第[０-９0-9]+条")
PARAGRAPH_REFERENCE = re.compile(r"前([２-９2-9])?項|次項|第([０-９0-9]+)項")
DEFINED_INLINE = re.compile(r"以下「([^」]+)」という|「([^」]+)」とは")
DEFINED_ITEM = re.compile(r"^(?:\([0-9]+\)|（[０-９0-9]+）)\u3000([^\u3000]+)\u3000")
LAW_BEFORE = ("法", "）")  # 「個人情報保護法第６６条」「…（平成１５年法律第５７号。…）第２条」
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _number(text: str) -> int:
    return int(text.translate(_DIGITS))


def _sentences(text: str) -> list[str]:
    """Split at 「。」 outside parentheses (「（以下「X」という。）」 does not end a sentence)."""
    sentences, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(depth - 1, 0)
        elif char == "。" and depth == 0:
            sentences.append(text[start : index + 1])
            start = index + 1
    sentences.append(text[start:])
    return [sentence for sentence in sentences if sentence.strip()]


def _cites_a_law(text: str, start: int) -> bool:
    before = text[:start]
    return before.endswith(LAW_BEFORE) or before.endswith("同法")


def _strip_number(text: str) -> str:
    match = ITEM.match(text)
    return text[match.end() :] if match else text


def body_problems(clause: Clause, paragraphs: Sequence[Paragraph], client: str) -> list[str]:
    """Problems of one clause's text (raw body and the paragraphs rendered from it)."""
    problems: list[str] = []
    if RECITAL.search(clause.body):
        problems.append("回答の引用（「…と回答している」）は書かず、義務として書いてください")
    for sentence in _sentences(clause.body):
        if "速やかに" in sentence and not any(name in sentence for name in LIMIT_NAMES):
            problems.append(
                "「速やかに」には期限を添えてください（例：{{ 書面報告期限日数 }}日以内に）: "
                + sentence.strip()[:40]
            )
    if any(
        match.group(0) in ("前条", "次条") or not _cites_a_law(clause.body, match.start())
        for match in ARTICLE_REFERENCE.finditer(clause.body)
    ):
        problems.append("他の条を番号で指さないでください（条番号は案件ごとに変わります）")
    items = [paragraph for paragraph in paragraphs if paragraph.kind == "item"]
    count = max(len(items), 1)
    position = 0
    for paragraph in paragraphs:
        if paragraph.kind == "item":
            position += 1
        here = max(position, 1)
        for match in PARAGRAPH_REFERENCE.finditer(paragraph.text):
            back, number = match.group(1), match.group(2)
            text = match.group(0)
            if paragraph.text[: match.start()].endswith("条"):  # 「同条第２項」: a law's paragraph
                continue
            if (text.startswith("前") and here - (_number(back) if back else 1) < 1) or (
                text == "次項" and here >= count
            ):
                problems.append(f"「{text}」が指す項がありません（第{here}項）")
            elif number and not 1 <= _number(number) <= count:
                problems.append(f"「{text}」が指す項がありません（この条は{count}項です）")
        for sentence in _sentences(_strip_number(paragraph.text)):
            if sentence.startswith(f"{client}は、") and "できる" not in sentence:
                problems.append(
                    f"{client}の義務が書かれています（{client}の権利は「…できる。」と書きます）: "
                    + sentence[:40]
                )
    return problems


def defined_terms(paragraphs: Iterable[Paragraph]) -> set[str]:
    """The terms an article defines: 以下「X」という, 「X」とは, and 「(1)　X　…をいう」 items."""
    found: set[str] = set()
    for paragraph in paragraphs:
        for match in DEFINED_INLINE.finditer(paragraph.text):
            found.add(match.group(1) or match.group(2))
        item = DEFINED_ITEM.match(paragraph.text)
        if item and re.search("をい[うい]", paragraph.text):
            found.add(item.group(1))
    return found


def term_order_problems(
    articles: Sequence[tuple[Clause, Sequence[Paragraph]]], known: set[str]
) -> list[tuple[Clause, str]]:
    """(clause, term) for each known term an annex uses before any article defines it."""
    defined: set[str] = set()
    problems = []
    for clause, paragraphs in articles:
        own = defined_terms(paragraphs)
        text = "".join(paragraph.text for paragraph in paragraphs)
        for term in sorted(known - defined - own):
            if term in text and not any(term in other and other in text for other in defined):
                problems.append((clause, term))
        defined |= own
    return problems
