"""Names, not ids: questions by their (shortened) text, requirements by their Japanese title.

Reasons written by the scoring name questions by id (they are traced in documents and tests);
pages show them with the question's words instead, through the `named` filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from flask import Flask, g

from vendorcheck.domain import jp
from vendorcheck.domain.requirements import load_requirements
from vendorcheck.services.assessments import questionnaire_of

SHORT_LENGTH = 40
_REQUIREMENT_ID = re.compile(r"(?<![\w-])(?:OUT|CLD|CLL|CLS|SNS|AUD)-\d{2}(?![\w-])")


def shorten(text: str, limit: int = SHORT_LENGTH) -> str:
    return jp.shorten(text, limit)


def requirement_full(requirement_id: str) -> str:
    """A requirement's Japanese title (or its catalogue text when it has none)."""
    found = load_requirements().get(requirement_id)
    return found.label if found else "（要件）"


def requirement_name(requirement_id: str, limit: int = SHORT_LENGTH) -> str:
    """A requirement as people read it: its Japanese title, shortened."""
    return shorten(requirement_full(requirement_id), limit)


def question_texts(questionnaire) -> dict[str, str]:
    """Question id -> its Japanese text, once per questionnaire and request."""
    cache = g.setdefault("question_texts", {})
    key = (questionnaire.id, questionnaire.version)
    if key not in cache:
        cache[key] = {q.id: q.text.get("ja") for q in questionnaire.questions}
    return cache[key]


def question_full(questionnaire, question_id: str) -> str:
    return question_texts(questionnaire).get(question_id, "（質問）")


def question_name(questionnaire, question_id: str, limit: int = SHORT_LENGTH) -> str:
    """A question as staff read it: its text, shortened (the full text goes in a title)."""
    return shorten(question_full(questionnaire, question_id), limit)


def assessment_question_name(assessment, question_id: str, limit: int = SHORT_LENGTH) -> str:
    """A question of an assessment's own questionnaire snapshot, by its text."""
    return question_name(questionnaire_of(assessment), question_id, limit)


def _name_ids(text: str, texts: Mapping[str, str]) -> str:
    if texts:
        pattern = re.compile(
            r"(?<![\w.])("
            + "|".join(re.escape(q) for q in sorted(texts, key=len, reverse=True))
            + r")(?![\w])"
        )
        text = pattern.sub(lambda m: f"「{shorten(texts[m.group(1)], 24)}」", text)
    return _REQUIREMENT_ID.sub(lambda m: f"「{requirement_name(m.group(0), 24)}」", text)


def named(text: str, questionnaire=None) -> str:
    """A reason with its question and requirement ids replaced by their names."""
    return _name_ids(text or "", question_texts(questionnaire) if questionnaire else {})


def named_with(text: str, texts: Mapping[str, str]) -> str:
    """The same, with the question texts given directly (the comparison holds them)."""
    return _name_ids(text or "", texts)


def requirement_names(ids: Iterable[str]) -> str:
    return "、".join(requirement_name(rid, 24) for rid in ids)


def install(app: Flask) -> None:
    app.jinja_env.filters["named"] = named
    app.jinja_env.filters["named_with"] = named_with
    app.jinja_env.filters["shorten"] = shorten
    app.jinja_env.globals["question_name"] = question_name
    app.jinja_env.globals["question_full"] = question_full
    app.jinja_env.globals["assessment_question_name"] = assessment_question_name
    app.jinja_env.globals["requirement_name"] = requirement_name
    app.jinja_env.globals["requirement_full"] = requirement_full
    app.jinja_env.globals["requirement_names"] = requirement_names
