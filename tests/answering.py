"""Build valid answers for any questionnaire, the way a diligent vendor would fill it in."""

from __future__ import annotations

from vendorcheck.domain.questionnaire import Questionnaire

TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

SAMPLE = {
    "text": "当社の規程に従い対応します。",
    "number": "1",
    "date": "2027-03-31",
    "url": "https://example.jp/security",
    "email": "security@example.jp",
    "corporate_number": "7000012050002",
    "ismap_number": "C21-0008-2",
}


def best_option(question) -> str:
    options = [o for o in question.options if not getattr(o, "exclusive", False)]
    return max(options, key=lambda o: o.score).value


def raw_answer(question) -> list[str] | None:
    """A form value (list of strings) for one question, or None for file questions."""
    if question.type == "file":
        return None
    if question.type == "yesno":
        return [getattr(question.answer_type, "expected", "yes")]
    if question.type == "choice":
        return [best_option(question)]
    if question.type == "multi":
        return [o.value for o in question.options if not getattr(o, "exclusive", False)]
    if question.type == "number" and question.answer_type.min is not None:
        return [str(question.answer_type.min)]
    return [SAMPLE[question.type]]


def section_form(questionnaire: Questionnaire, section_id: str) -> dict[str, list[str]]:
    form = {}
    for question in questionnaire.section(section_id).questions:
        value = raw_answer(question)
        if value is not None:
            form[f"q__{question.id}"] = value
    return form
