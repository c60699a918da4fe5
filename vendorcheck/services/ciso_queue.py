"""What waits for the CISO: submitted answers to decide and remediations to approve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import in_japan, today_jst
from vendorcheck.services import review as review_service
from vendorcheck.services.cases import dashboard
from vendorcheck.services.judgement import remediation_rows
from vendorcheck.store.models import Assessment, Remediation

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


def ciso_queue(*, today: dt.date | None = None, limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """The oldest first: answers waiting for a decision, then remediations waiting for approval."""
    today = today or today_jst()
    items = []
    for assessment in dashboard(today=today, limit=limit).waiting_review:
        submitted = assessment.submission.submitted_at if assessment.submission else None
        since = in_japan(submitted).date() if submitted else today
        card = review_service.scorecard(Assessment.get_by_id(assessment.id))
        items.append(
            QueueItem(
                "decision", assessment, since, (today - since).days, card.verdict, card.complete
            )
        )
    proposed = (
        remediation_rows()
        .where(
            Remediation.accepted == False,  # noqa: E712
            Remediation.done_at.is_null(),
            Assessment.status.not_in([status.REJECTED]),
        )
        .order_by(Remediation.created_at, Remediation.id)
        .limit(limit)
    )
    for row in proposed:
        since = in_japan(row.created_at).date()
        card = review_service.scorecard(row.assessment)
        items.append(
            QueueItem(
                "remediation",
                row.assessment,
                since,
                (today - since).days,
                card.verdict,
                card.complete,
                row.question_id,
            )
        )
    return sorted(items, key=lambda item: (item.waiting_since, item.kind))[:limit]
