"""What waits for the CISO: submitted answers to decide and remediations to approve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import in_japan, today_jst
from vendorcheck.services.assessment_board import waiting_for_review
from vendorcheck.services.scoring_inputs import scorecards
from vendorcheck.store.models import Assessment, Case, QuestionnaireSnapshot, Remediation, Vendor
from vendorcheck.store.prepared import MAX_LISTED, PreparedSelect, given

QUEUE_LIMIT = 20

# Built once per database (and limit, or number of ids): their text cost more than running them.
_PROPOSED = PreparedSelect(
    lambda limit: (
        Remediation.select(
            Remediation.id, Remediation.assessment, Remediation.question_id, Remediation.created_at
        )
        .join(Assessment)
        .where(
            Remediation.accepted == False,  # noqa: E712
            Remediation.done_at.is_null(),
            Assessment.status.not_in([status.REJECTED]),
        )
        .order_by(Remediation.created_at, Remediation.id)
        .limit(limit)
        .tuples()
    )
)


# What scoring and the queue's rows read of an assessment, its case and vendor, and its
# snapshot without the content (the questionnaire is kept by hash once rebuilt).
def _scored(ids):
    return (
        Assessment.select(
            Assessment.id,
            Assessment.case,
            Assessment.vendor,
            Assessment.snapshot,
            Assessment.status,
            Assessment.draft_answers,
            Assessment.submitted_version,
            Assessment.review_due,
            Case.id,
            Case.title,
            Case.tier,
            Case.contract_end,
            Vendor.id,
            Vendor.name,
            Vendor.corporate_number,
            QuestionnaireSnapshot.id,
            QuestionnaireSnapshot.questionnaire_id,
            QuestionnaireSnapshot.version,
            QuestionnaireSnapshot.content_hash,
        )
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .switch(Assessment)
        .join(QuestionnaireSnapshot)
        .where(Assessment.id.in_(ids))
    )


_SCORED = PreparedSelect(lambda _key, *ids: _scored(given(ids)))


@dataclass(frozen=True)
class QueueItem:
    kind: str  # "decision" (a submitted answer) or "remediation" (a condition to approve)
    assessment: Assessment
    waiting_since: dt.date  # in Japan
    age_days: int
    verdict: str
    complete: bool  # False while questions wait for a reviewer's score (未確定)
    question_id: str = ""


def ciso_queue(
    *,
    today: dt.date | None = None,
    limit: int = QUEUE_LIMIT,
    waiting: list[Assessment] | None = None,
) -> list[QueueItem]:
    """The oldest first: answers waiting for a decision, then remediations waiting for approval;
    a constant number of queries (the scorecards are scored together). `waiting` is what
    waiting_for_review(limit=limit) gave, when the caller has read it already."""
    today = today or today_jst()
    waiting = waiting_for_review(limit=limit) if waiting is None else waiting
    proposed = _PROPOSED.rows(limit)
    ids = sorted({a.id for a in waiting} | {assessment_id for _, assessment_id, _, _ in proposed})
    if not ids:
        scored = []
    elif len(ids) <= MAX_LISTED:
        scored = _SCORED.rows(None, *ids)
    else:  # a longer queue than the page's: not a text kept for each length
        scored = _scored(ids)
    full = {a.id: a for a in scored}
    cards = scorecards(list(full.values()))
    items = []
    for assessment in waiting:
        submitted = assessment.submission.submitted_at if assessment.submission else None
        since = in_japan(submitted).date() if submitted else today
        card = cards[assessment.id]
        items.append(
            QueueItem(
                "decision", assessment, since, (today - since).days, card.verdict, card.complete
            )
        )
    for _, assessment_id, question_id, created_at in proposed:
        since = in_japan(created_at).date()
        card = cards[assessment_id]
        items.append(
            QueueItem(
                "remediation",
                full[assessment_id],
                since,
                (today - since).days,
                card.verdict,
                card.complete,
                question_id,
            )
        )
    return sorted(items, key=lambda item: (item.waiting_since, item.kind))[:limit]
