"""The expiry dates a set of submitted answers carries, derived once when they are submitted.

A certificate's expiry is the answer to a certificate-expiry question (an id ending in
"_expiry", or a date question in a "cert." section). A file question is linked to an expiry
question of its section by name: "cert.isms_expiry" covers "cert.isms_certificate", so the
evidence expires with the certificate it proves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from vendorcheck.domain.questionnaire import Questionnaire

CERTIFICATE = "certificate"  # an answered certificate expiry date
EVIDENCE = "evidence"  # the expiry of the certificate a file question's evidence proves
KINDS = (CERTIFICATE, EVIDENCE)


@dataclass(frozen=True, order=True)
class ExpiryDate:
    """One derived date: what kind, of which question, with the question's Japanese text."""

    kind: str
    question_id: str
    expires_on: dt.date
    label: str


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def expiry_answers(
    questionnaire: Questionnaire, answers: Mapping[str, object]
) -> dict[str, dt.date]:
    """The answered certificate expiry dates, by question id."""
    found = {}
    for question in questionnaire.questions:
        day = _day(answers.get(question.id)) if question.is_certificate_expiry else None
        if day is not None:
            found[question.id] = day
    return found


def linked_expiry(
    questionnaire: Questionnaire, expiries: Mapping[str, dt.date]
) -> dict[str, dt.date]:
    """For each file question, the earliest expiry date of the certificate it evidences."""
    linked: dict[str, dt.date] = {}
    for question_id, day in expiries.items():
        stem = question_id.removesuffix("_expiry")
        if stem == question_id:
            continue
        section = questionnaire.question(question_id).section_id
        for question in questionnaire.section(section).questions:
            if question.answer_type.holds_evidence and question.id.startswith(stem + "_"):
                linked[question.id] = min(day, linked.get(question.id, day))
    return linked


def expiry_dates(questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[ExpiryDate]:
    """Every certificate and evidence expiry date of one set of submitted answers, sorted."""
    certificates = expiry_answers(questionnaire, answers)
    evidence = linked_expiry(questionnaire, certificates)
    found = [
        ExpiryDate(kind, question_id, day, questionnaire.question(question_id).text.get("ja"))
        for kind, dates in ((CERTIFICATE, certificates), (EVIDENCE, evidence))
        for question_id, day in dates.items()
    ]
    return sorted(found)
