"""Reuse within the organisation: a vendor invited again to a questionnaire it answered before
starts from its last submitted (or accepted) answers, question by question (domain carry)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.questionnaire.carry import Carried, carry_answers, fingerprints
from vendorcheck.services import answers, audit
from vendorcheck.services.assessments import (
    Draft,
    latest_submission,
    questionnaire_of,
    read_draft,
    submission_answers,
)
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Case, QuestionnaireSnapshot, Submission

ANSWERED = (status.SUBMITTED, status.ACCEPTED)


@dataclass(frozen=True)
class ReuseOffer:
    """The earlier answers a vendor may start from."""

    source: Assessment
    submission: Submission


def reuse_offer(assessment: Assessment) -> ReuseOffer | None:
    """The vendor's latest submitted or accepted answers to the same questionnaire (any
    version), when the draft is still empty; None otherwise."""
    if assessment.status not in status.EDITABLE_BY_VENDOR or assessment.submitted_version:
        return None
    draft = read_draft(assessment)
    if draft.answers or draft.carried:
        return None
    source = (
        Assessment.select(Assessment, Case)
        .join(Case)
        .switch(Assessment)
        .join(QuestionnaireSnapshot)
        .where(
            Assessment.vendor == assessment.vendor_id,
            Assessment.id != assessment.id,
            Assessment.status.in_(ANSWERED),
            QuestionnaireSnapshot.questionnaire_id == assessment.snapshot.questionnaire_id,
        )
        .order_by(Assessment.id.desc())
        .first()
    )
    submission = latest_submission(source) if source is not None else None
    return ReuseOffer(source, submission) if submission is not None else None


def fill_draft(
    assessment: Assessment,
    carried: Carried,
    actor: Actor,
    action: str,
    summary: str,
    facts: Mapping[str, object],
) -> None:
    """Write carried answers into an empty draft with their marks, and audit it."""
    answers.ensure_editable(assessment)
    if read_draft(assessment).answers:
        raise Conflict(
            "すでに回答が入力されているため、前回の回答は読み込みませんでした（入力済みの回答を上書きしないため）。"
        )
    draft = Draft(dict(carried.copied), {}, {}, carried.marks)
    with database.atomic():
        answers.write_draft(assessment, draft, assessment.draft_revision)
        audit.record(
            actor,
            action,
            "assessment",
            assessment.id,
            summary,
            after={
                **facts,
                "copied": len(carried.copied),
                "to_check": list(carried.changed),
                "unknown": list(carried.unknown),
            },
        )


def start_from_previous(assessment: Assessment, actor: Actor) -> Carried:
    """Copy the offered earlier answers; changed questions are marked 要確認, not copied."""
    offer = reuse_offer(assessment)
    if offer is None:
        raise Conflict("読み込める前回の回答がありません。")
    carried = carry_answers(
        fingerprints(questionnaire_of(offer.source)),
        submission_answers(offer.submission),
        questionnaire_of(assessment),
    )
    fill_draft(
        assessment,
        carried,
        actor,
        "assessment.reuse",
        f"前回の回答（案件「{offer.source.case.title}」第{offer.submission.version}版）から "
        f"{len(carried.copied)} 件を写し、{len(carried.changed)} 件を要確認としました",
        {"source_assessment": offer.source.id, "source_version": offer.submission.version},
    )
    return carried
