"""The frozen questionnaire: lookups, applicability, progress, and snapshots with a hash."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vendorcheck.domain.questionnaire.conditions import evaluate, has_answer
from vendorcheck.domain.questionnaire.i18n import Text
from vendorcheck.domain.questionnaire.questions import Question, Section
from vendorcheck.domain.questionnaire.reader import read_questionnaire
from vendorcheck.domain.requirements import Requirement


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
    respondent: str = "vendor"  # reader.RESPONDENTS: a bidder by link, or the department

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
        if self.respondent != "vendor":  # absent means vendor: older snapshots keep their hash
            data["respondent"] = self.respondent
        if self.description:
            data["description"] = self.description.to_data()
        data["thresholds"] = {str(tier): {"pass": mark} for tier, mark in self.thresholds}
        return data | {"sections": [section.to_data() for section in self.sections]}

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, object]) -> Questionnaire:
        """Rebuild a questionnaire from to_snapshot() output, validating it again."""
        return parse_questionnaire(snapshot, source="snapshot")

    @functools.cached_property
    def content_hash(self) -> str:
        """Return the sha256 of the canonical JSON snapshot."""
        canonical = json.dumps(
            self.to_snapshot(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_questionnaire(
    data: Mapping[str, object],
    source: str = "questionnaire",
    *,
    expected_id: str | None = None,
    requirements: Mapping[str, Requirement] | None = None,
    file_rules: bool = False,
) -> Questionnaire:
    """Build a questionnaire from TOML-shaped data; requirement ids are checked when given
    (file_rules: a file a person edits, where `respondent` is required)."""
    fields = read_questionnaire(data, source, expected_id, requirements, file_rules)
    return Questionnaire(**fields)  # type: ignore[arg-type]
