"""What staff already know about a vendor, offered as answers in the portal and compared later.

The vendor register holds the name, 法人番号, address and contact of each vendor. The portal
shows them, editable, in the questions that ask for the same facts (until the vendor saves
the page), and the review page shows staff where the answers differ from the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vendorcheck.domain.jp import clean_corporate_number, normalize

if TYPE_CHECKING:
    from vendorcheck.domain.questionnaire import Questionnaire
    from vendorcheck.store.models import Assessment, Vendor

# Question id → (the vendor register field, its Japanese name). The one list of pre-filled facts.
KNOWN_FIELDS: dict[str, tuple[str, str]] = {
    "company.name": ("name", "事業者名"),
    "company.corporate_number": ("corporate_number", "法人番号"),
    "company.address": ("address", "所在地"),
    "company.contact": ("contact_name", "担当者"),
    "company.contact_email": ("contact_email", "担当者のメールアドレス"),
}


@dataclass(frozen=True)
class KnownChange:
    """An answer that differs from what the vendor register says."""

    question_id: str
    label: str
    known: str
    answered: str


def _register_value(vendor: Vendor, field: str) -> str:
    return str(getattr(vendor, field) or "").strip()


def known_answers(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, str]:
    """Question id → the register's value, for the questions of this questionnaire that ask it."""
    vendor = assessment.vendor
    asked = {q.id for q in questionnaire.questions}
    known = {
        question_id: _register_value(vendor, field)
        for question_id, (field, _label) in KNOWN_FIELDS.items()
        if question_id in asked
    }
    return {question_id: value for question_id, value in known.items() if value}


def _same(question_id: str, known: str, answered: str) -> bool:
    if KNOWN_FIELDS[question_id][0] == "corporate_number":
        return clean_corporate_number(known) == clean_corporate_number(answered)
    return normalize(known) == normalize(answered)


def known_changes(
    assessment: Assessment, questionnaire: Questionnaire, answers: dict[str, object]
) -> list[KnownChange]:
    """The answers that differ from the register (known value → answered value), in order."""
    known = known_answers(assessment, questionnaire)
    changes = []
    for question_id, value in known.items():
        answered = answers.get(question_id)
        if answered is None or isinstance(answered, list):
            continue
        if not _same(question_id, value, str(answered)):
            label = KNOWN_FIELDS[question_id][1]
            changes.append(KnownChange(question_id, label, value, str(answered)))
    return changes
