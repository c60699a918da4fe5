"""Start a draft from answers given before, question by question (domain carry): a vendor
invited again to a questionnaire it answered before starts from its last submitted (or
accepted) answers, and the annual re-confirmation of a contract starts from the last accepted
ones. One pre-fill for both (`prefill_from`); the answer file fills through `fill_draft`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from vendorcheck.store.models import Assessment, Case, Evidence, QuestionnaireSnapshot, Submission

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
    *,
    files: Mapping[str, list[str]] | None = None,
) -> None:
    """Write carried answers (and the ids of evidence copied for them) into an empty draft with
    their marks, and audit it."""
    answers.ensure_editable(assessment)
    if read_draft(assessment).answers:
        raise Conflict(
            "すでに回答が入力されているため、前回の回答は読み込みませんでした（入力済みの回答を上書きしないため）。"
        )
    draft = Draft(dict(carried.copied) | dict(files or {}), {}, {}, carried.marks)
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
                "files_copied": sum(len(ids) for ids in (files or {}).values()),
                "to_check": list(carried.changed),
                "unknown": list(carried.unknown),
            },
        )


def _copy_files(
    source: Assessment, target: Assessment, evidence: Mapping[str, tuple[str, ...]]
) -> dict[str, list[str]]:
    """Copy the source's evidence files the carried answers name to the target assessment."""
    wanted = {int(item) for ids in evidence.values() for item in ids if str(item).isdigit()}
    rows = {
        row.id: row
        for row in Evidence.select().where(
            Evidence.id.in_(list(wanted)) if wanted else Evidence.id.is_null(),
            Evidence.assessment == source,
            Evidence.removed_at.is_null(),
        )
    }
    copied: dict[str, list[str]] = {}
    for question_id, ids in evidence.items():
        for item in ids:
            row = rows.get(int(item)) if str(item).isdigit() else None
            if row is None:
                continue
            new = Evidence.create(
                assessment=target,
                question_id=question_id,
                filename=row.filename,
                content_type=row.content_type,
                file_kind=row.file_kind,
                size=row.size,
                sha256=row.sha256,
                data=bytes(row.data),
            )
            copied.setdefault(question_id, []).append(str(new.id))
    return copied


def prefill_from(
    target: Assessment,
    source: Assessment,
    submission: Submission,
    actor: Actor,
    *,
    action: str,
    describe: Callable[[Carried], str],
    facts: Mapping[str, object],
) -> Carried:
    """Fill the target's empty draft from one submitted version of an earlier assessment in this
    database: unchanged questions copied and marked 前回の回答 (evidence files copied too),
    changed ones 要確認; one transaction with one audit event."""
    carried = carry_answers(
        fingerprints(questionnaire_of(source)),
        submission_answers(submission),
        questionnaire_of(target),
        files_copyable=True,
    )
    with database.atomic():
        files = _copy_files(source, target, carried.evidence)
        fill_draft(target, carried, actor, action, describe(carried), facts, files=files)
    return carried


def start_from_previous(assessment: Assessment, actor: Actor) -> Carried:
    """Copy the offered earlier answers; changed questions are marked 要確認, not copied."""
    offer = reuse_offer(assessment)
    if offer is None:
        raise Conflict("読み込める前回の回答がありません。")
    return prefill_from(
        assessment,
        offer.source,
        offer.submission,
        actor,
        action="assessment.reuse",
        describe=lambda carried: (
            f"前回の回答（案件「{offer.source.case.title}」第{offer.submission.version}版）から "
            f"{len(carried.copied)} 件を写し、{len(carried.changed)} 件を要確認としました"
        ),
        facts={"source_assessment": offer.source.id, "source_version": offer.submission.version},
    )
