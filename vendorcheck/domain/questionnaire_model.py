"""The frozen questionnaire model: questions, sections, applicability, progress and snapshots."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vendorcheck.domain.conditions import Condition, evaluate, has_answer
from vendorcheck.domain.i18n import Text
from vendorcheck.domain.question_types import CleanResult, Option, QuestionType

TIERS = (1, 2, 3)
DEFAULT_WEIGHT = 1


@dataclass(frozen=True)
class Question:
    """One question; `answer_type` holds its type and type-specific settings."""

    id: str
    section_id: str
    text: Text
    answer_type: QuestionType
    requirements: tuple[str, ...]
    weight: float = DEFAULT_WEIGHT
    hint: Text | None = None
    mandatory_from_tier: int | None = None
    required: bool = True
    show_if: Condition | None = None

    @property
    def type(self) -> str:
        return self.answer_type.name

    @property
    def options(self) -> tuple[Option, ...]:
        return getattr(self.answer_type, "options", ())

    @property
    def allow_na(self) -> bool:
        return self.answer_type.allow_na

    def is_mandatory(self, tier: int) -> bool:
        return self.mandatory_from_tier is not None and tier >= self.mandatory_from_tier

    def clean(self, raw: object) -> CleanResult:
        return self.answer_type.clean(raw)

    def display(self, value: object, lang: str = "ja") -> str:
        return self.answer_type.display(value, lang)

    def to_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            "id": self.id,
            "type": self.type,
            "text": self.text.to_data(),
            "hint": self.hint.to_data() if self.hint else None,
            "requirements": list(self.requirements),
            "weight": self.weight,
            "mandatory_from_tier": self.mandatory_from_tier,
            "required": self.required,
            "show_if": self.show_if.to_data() if self.show_if else None,
        }
        data |= self.answer_type.to_data()
        return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True)
class Section:
    """A titled group of questions, shown only when its show_if holds."""

    id: str
    title: Text
    questions: tuple[Question, ...]
    description: Text | None = None
    show_if: Condition | None = None

    def to_data(self) -> dict[str, object]:
        data: dict[str, object] = {"id": self.id, "title": self.title.to_data()}
        if self.description:
            data["description"] = self.description.to_data()
        if self.show_if:
            data["show_if"] = self.show_if.to_data()
        return data | {"questions": [question.to_data() for question in self.questions]}


@dataclass(frozen=True)
class SectionProgress:
    """Required questions that apply in a section, and how many are answered."""

    section_id: str
    answered: int
    required: int


@dataclass(frozen=True)
class Questionnaire:
    """A versioned questionnaire, frozen once loaded or rebuilt from a snapshot."""

    id: str
    version: int
    kinds: tuple[str, ...]
    title: Text
    thresholds: tuple[tuple[int, float], ...]
    sections: tuple[Section, ...]
    description: Text | None = None

    # Lookups are computed once per (immutable) questionnaire; scoring relies on them.
    @functools.cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for section in self.sections for question in section.questions)

    @functools.cached_property
    def _by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    @functools.cached_property
    def requirement_index(self) -> Mapping[str, tuple[str, ...]]:
        """Map each requirement id the questions cite (sorted) to those questions, in order."""
        index: dict[str, list[str]] = {}
        for question in self.questions:
            for requirement_id in question.requirements:
                index.setdefault(requirement_id, []).append(question.id)
        return MappingProxyType({rid: tuple(index[rid]) for rid in sorted(index)})

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def pass_mark(self, tier: int) -> float:
        return dict(self.thresholds)[tier]

    def applicable_questions(self, answers: Mapping[str, object], tier: int) -> set[str]:
        """Return the ids of the questions that apply to these answers at this tier."""
        applies: dict[str, bool] = {}

        def check(question_id: str) -> bool:
            return applies.get(question_id, False)

        for section in self.sections:
            section_applies = evaluate(section.show_if, answers, tier, check)
            for question in section.questions:
                applies[question.id] = section_applies and evaluate(
                    question.show_if, answers, tier, check
                )
        return {question_id for question_id, applied in applies.items() if applied}

    def progress(self, answers: Mapping[str, object], tier: int) -> tuple[SectionProgress, ...]:
        """Count, per section, the required questions that apply and how many are answered."""
        applicable = self.applicable_questions(answers, tier)
        counts = []
        for section in self.sections:
            due = [q.id for q in section.questions if q.required and q.id in applicable]
            answered = sum(1 for question_id in due if has_answer(answers.get(question_id)))
            counts.append(SectionProgress(section.id, answered, len(due)))
        return tuple(counts)

    def missing_required(self, answers: Mapping[str, object], tier: int) -> tuple[str, ...]:
        """Return, in order, the required questions that apply and have no answer."""
        applicable = self.applicable_questions(answers, tier)
        return tuple(
            question.id
            for question in self.questions
            if question.required
            and question.id in applicable
            and not has_answer(answers.get(question.id))
        )

    def to_snapshot(self) -> dict[str, object]:
        """Return the complete questionnaire as plain JSON-able data (defaults filled in)."""
        data: dict[str, object] = {
            "id": self.id,
            "version": self.version,
            "kinds": list(self.kinds),
            "title": self.title.to_data(),
        }
        if self.description:
            data["description"] = self.description.to_data()
        data["thresholds"] = {str(tier): {"pass": mark} for tier, mark in self.thresholds}
        return data | {"sections": [section.to_data() for section in self.sections]}

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, object]) -> Questionnaire:
        """Rebuild a questionnaire from to_snapshot() output, validating it again."""
        # Imported here: the loader imports this module, so a top-level import would be a cycle.
        from vendorcheck.domain.questionnaire_loader import parse_questionnaire

        return parse_questionnaire(snapshot, source="snapshot")

    @functools.cached_property
    def content_hash(self) -> str:
        """Return the sha256 of the canonical JSON snapshot."""
        canonical = json.dumps(
            self.to_snapshot(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
