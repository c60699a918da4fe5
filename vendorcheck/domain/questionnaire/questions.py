"""A question and the section holding it: the parts a questionnaire is made of."""

from __future__ import annotations

from dataclasses import dataclass

from vendorcheck.domain.questionnaire.conditions import Condition
from vendorcheck.domain.questionnaire.i18n import Text
from vendorcheck.domain.questionnaire.types import CleanResult, Option, QuestionType

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

    @property
    def is_certificate_expiry(self) -> bool:
        """Tell whether the answer is a certificate's expiry date: `*_expiry`, or a date in cert."""
        return self.id.endswith("_expiry") or (
            self.answer_type.holds_date and self.id.startswith("cert.")
        )

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
