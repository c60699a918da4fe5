"""The expiry facts of each assessment: derived from its newest submission when it is submitted
(in the same transaction), read by the dashboard and the reminders with indexed queries.

`recomputed_facts` derives them all again from the stored submissions, so a check (and a test)
can compare what is stored with what the submissions say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from peewee import fn

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.expiry_dates import CERTIFICATE, expiry_dates
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services.assessments import load_json
from vendorcheck.services.questionnaires import questionnaire_from_snapshot
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    ExpiryFact,
    QuestionnaireSnapshot,
    Submission,
    Vendor,
)

FactKey = tuple[int, int, str, str, dt.date, str]  # assessment, version, kind, question, day, label
BATCH = 500


def fact_rows(
    assessment_id: int, version: int, questionnaire: Questionnaire, answers: Mapping[str, object]
) -> list[dict]:
    """The rows to store for one submission (also used by the bulk loader of demo_scale)."""
    return [
        {
            "assessment": assessment_id,
            "submission_version": version,
            "kind": fact.kind,
            "question_id": fact.question_id,
            "expires_on": fact.expires_on,
            "label": fact.label,
        }
        for fact in expiry_dates(questionnaire, answers)
    ]


def record_submission(
    assessment_id: int, version: int, questionnaire: Questionnaire, answers: Mapping[str, object]
) -> int:
    """Replace the assessment's facts by those of its newest submission; call inside the
    submission's transaction. Return the number of facts stored."""
    rows = fact_rows(assessment_id, version, questionnaire, answers)
    with database.atomic():
        ExpiryFact.delete().where(ExpiryFact.assessment == assessment_id).execute()
        if rows:
            ExpiryFact.insert_many(rows).execute()
    return len(rows)


def insert_rows(rows: list[dict]) -> None:
    """Store many facts at once, in batches (bulk loads)."""
    for start in range(0, len(rows), BATCH):
        ExpiryFact.insert_many(rows[start : start + BATCH]).execute()


def _newest_submissions() -> Iterator[tuple[int, int, str, int]]:
    newest = (
        Submission.select(
            Submission.assessment.alias("newest_of"), fn.MAX(Submission.version).alias("newest")
        )
        .group_by(Submission.assessment)
        .alias("newest")
    )
    query = (
        Submission.select(
            Submission.assessment, Submission.version, Submission.answers, Assessment.snapshot
        )
        .join(
            newest,
            on=(
                (Submission.assessment == newest.c.newest_of)
                & (Submission.version == newest.c.newest)
            ),
        )
        .switch(Submission)
        .join(Assessment)
        .order_by(Submission.assessment)
        .tuples()
    )
    return query.iterator()


def recomputed_facts() -> set[FactKey]:
    """Every fact derived again from the newest submission of every assessment."""
    snapshots = {
        snap.id: questionnaire_from_snapshot(snap.content, snap.content_hash)
        for snap in QuestionnaireSnapshot.select()
    }
    found: set[FactKey] = set()
    for assessment_id, version, answers, snapshot_id in _newest_submissions():
        for row in fact_rows(assessment_id, version, snapshots[snapshot_id], load_json(answers)):
            found.add(_key(row))
    return found


def stored_facts() -> set[FactKey]:
    query = ExpiryFact.select(
        ExpiryFact.assessment,
        ExpiryFact.submission_version,
        ExpiryFact.kind,
        ExpiryFact.question_id,
        ExpiryFact.expires_on,
        ExpiryFact.label,
    ).tuples()
    return {
        (a, v, kind, question, _date(day), label)
        for a, v, kind, question, day, label in query.iterator()
    }


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _key(row: Mapping) -> FactKey:
    return (
        row["assessment"],
        row["submission_version"],
        row["kind"],
        row["question_id"],
        row["expires_on"],
        row["label"],
    )


def answered_expiries_between(start: dt.date, until: dt.date):
    """Answered certificate expiry dates from start to until, of assessments not rejected whose
    contract has not ended on start: one indexed query, with the case and the vendor."""
    return (
        ExpiryFact.select(
            ExpiryFact.assessment.alias("assessment_id"),
            ExpiryFact.question_id,
            ExpiryFact.expires_on,
            ExpiryFact.label,
            Case.title.alias("case_title"),
            Vendor.id.alias("vendor_id"),
            Vendor.name.alias("vendor_name"),
            Vendor.contact_email.alias("vendor_email"),
        )
        .join(Assessment)
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .where(
            ExpiryFact.kind == CERTIFICATE,
            ExpiryFact.expires_on.between(start, until),
            Assessment.status != status.REJECTED,
            Case.contract_end.is_null() | (Case.contract_end >= start),
        )
        .order_by(ExpiryFact.expires_on, ExpiryFact.assessment, ExpiryFact.question_id)
    )
