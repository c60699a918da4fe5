"""The ISMAP registrations a vendor claims (answers to ismap_number questions and registered
certifications), checked against the stored lists, and the findings they give scoring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vendorcheck.domain import ismap as lists
from vendorcheck.domain.ismap_checks import Claim, ClaimCheck
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services.ismap import check_claims
from vendorcheck.store.models import VendorCertification

LIST_QUESTION = "cert.ismap"  # its answer names the list claimed: ismap / ismap_liu
SCOPE_QUESTION = "cert.ismap_scope"  # "partly": part of the use is outside the statement's scope
SERVICE_QUESTIONS = ("company.service_name", "service.name")
NO_FINDINGS: Mapping[str, tuple[tuple[str, str], ...]] = {}


@dataclass(frozen=True)
class AnsweredClaim:
    question_id: str
    check: ClaimCheck


@dataclass(frozen=True)
class Party:
    """Who claims, for what and until when: the vendor, the service procured, the end date."""

    provider: str
    corporate_number: str = ""
    service: str = ""
    until: dt.date | None = None


def party_of(vendor, case, answers: Mapping[str, object], review_due: dt.date | None = None):
    service = next((str(answers[q]) for q in SERVICE_QUESTIONS if answers.get(q)), case.title)
    return Party(
        vendor.name, vendor.corporate_number or "", service, case.contract_end or review_due
    )


def claims_in_answers(
    questionnaire: Questionnaire, answers: Mapping[str, object], tier: int, party: Party
) -> list[tuple[str, Claim]]:
    """A claim for every answered ISMAP number question that applies."""
    claimed_list = answers.get(LIST_QUESTION)
    kind = claimed_list if claimed_list in lists.LIST_NAMES else None
    partly = answers.get(SCOPE_QUESTION) == "partly"
    found = []
    applicable = None
    for question in questionnaire.questions:
        if not question.answer_type.holds_ismap_number or not answers.get(question.id):
            continue
        if applicable is None:
            applicable = questionnaire.applicable_questions(answers, tier)
        if question.id not in applicable:
            continue
        claim = Claim(
            lists.normalise_number(answers[question.id]),
            kind,  # type: ignore[arg-type]
            party.provider,
            party.corporate_number,
            party.service,
            party.until,
            partly,
        )
        found.append((question.id, claim))
    return found


def check_answers(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    tier: int,
    party: Party,
    today: dt.date | None = None,
) -> list[AnsweredClaim]:
    claims = claims_in_answers(questionnaire, answers, tier, party)
    checks = check_claims((claim for _, claim in claims), today)
    return [AnsweredClaim(qid, check) for (qid, _), check in zip(claims, checks, strict=True)]


def findings_of(checked: Sequence[AnsweredClaim]) -> dict[str, tuple[tuple[str, str], ...]]:
    """The findings scoring adds as gaps, by question id."""
    return {item.question_id: item.check.findings for item in checked if item.check.findings}


def assessment_checks(assessment, answers: Mapping[str, object], questionnaire, today=None):
    """The checked claims of one assessment's answers."""
    party = party_of(assessment.vendor, assessment.case, answers, assessment.review_due)
    return check_answers(questionnaire, answers, assessment.case.tier, party, today)


@dataclass(frozen=True)
class CertificationCheck:
    certification: VendorCertification
    check: ClaimCheck


def certification_checks(
    vendor, until: dt.date | None = None, today=None
) -> list[CertificationCheck]:
    """The vendor's registered ISMAP / ISMAP-LIU certifications, checked against the lists."""
    certs = list(
        VendorCertification.select()
        .where(
            VendorCertification.vendor == vendor.id,
            VendorCertification.kind.in_(sorted(lists.LIST_NAMES)),
            VendorCertification.number != "",
        )
        .order_by(VendorCertification.id)
    )
    claims = [
        Claim(
            lists.normalise_number(cert.number),
            cert.kind,
            vendor.name,
            vendor.corporate_number or "",
            cert.scope,
            until,
        )
        for cert in certs
    ]
    checks = check_claims(claims, today or today_jst())
    return [CertificationCheck(cert, check) for cert, check in zip(certs, checks, strict=True)]
