"""What waits for the CISO: submitted answers to decide and remediations to approve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import in_japan, today_jst
from vendorcheck.services.assessment_board import waiting_for_review
from vendorcheck.services.scoring_inputs import scorecards
from vendorcheck.store.models import Assessment, Case, Remediation, Vendor

QUEUE_LIMIT = 20


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
    proposed = list(
        Remediation.select(Remediation.id, Remediation.assessment, Remediation.question_id,
                           Remediation.created_at)
        .join(Assessment)
        .where(
            Remediation.accepted == False,  # noqa: E712
            Remediation.done_at.is_null(),
            Assessment.status.not_in([status.REJECTED]),
        )
        .order_by(Remediation.created_at, Remediation.id)
        .limit(limit)
    )  # fmt: skip
    ids = {a.id for a in waiting} | {row.assessment_id for row in proposed}
    full = {
        a.id: a
        for a in Assessment.select(Assessment, Case, Vendor)
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .where(Assessment.id.in_(sorted(ids or {0})))
    }
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
    for row in proposed:
        since = in_japan(row.created_at).date()
        card = cards[row.assessment_id]
        items.append(
            QueueItem(
                "remediation",
                full[row.assessment_id],
                since,
                (today - since).days,
                card.verdict,
                card.complete,
                row.question_id,
            )
        )
    return sorted(items, key=lambda item: (item.waiting_since, item.kind))[:limit]
