"""What a refused save carried, so that nothing typed is lost: the typed answers to show again
(an upload was refused) and, when another tab saved first, the typed input beside the newer
stored answer, question by question, so that either can be taken."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vendorcheck.domain.questionnaire import Question
from vendorcheck.services.answers import apply_form, find_section
from vendorcheck.services.assessments import Draft, questionnaire_of, read_draft
from vendorcheck.store.models import Assessment


@dataclass(frozen=True)
class StaleAnswer:
    question_id: str
    question_text: str
    typed: str  # what the refused save carried, as the vendor reads it
    stored: str  # the newer answer already saved


def _shown(question: Question, draft: Draft, lang: str) -> str:
    """An answer as a person reads it; what failed validation is shown as typed."""
    if question.id in draft.invalid:
        raw = draft.invalid[question.id]
        return "、".join(map(str, raw)) if isinstance(raw, list) else str(raw)
    if question.id in draft.answers:
        return question.display(draft.answers[question.id], lang)
    return ""


def typed_draft(
    assessment: Assessment, section_id: str, form: Mapping[str, Sequence[str]]
) -> tuple[Draft, dict[str, str], list[str]]:
    """The stored draft with the section's refused input put in: (draft, errors, changed ids)."""
    section = find_section(questionnaire_of(assessment), section_id)
    typed = read_draft(assessment)
    errors, changed = apply_form(section, typed, form)
    return typed, errors, changed


def stale_answers(
    assessment: Assessment, section_id: str, form: Mapping[str, Sequence[str]], lang: str = "ja"
) -> list[StaleAnswer]:
    """The questions of the section where the refused input differs from the stored answer."""
    questionnaire = questionnaire_of(assessment)
    typed, _errors, changed = typed_draft(assessment, section_id, form)
    stored = read_draft(assessment)
    return [
        StaleAnswer(
            question_id,
            questionnaire.question(question_id).text.get(lang),
            _shown(questionnaire.question(question_id), typed, lang),
            _shown(questionnaire.question(question_id), stored, lang),
        )
        for question_id in changed
    ]
