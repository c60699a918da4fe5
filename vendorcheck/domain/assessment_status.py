"""The states of an assessment, their Japanese labels and the allowed transitions."""

from __future__ import annotations

import datetime as dt

INVITED, IN_PROGRESS, SUBMITTED, RETURNED, ACCEPTED, REJECTED, EXPIRED = (
    "invited",
    "in_progress",
    "submitted",
    "returned",
    "accepted",
    "rejected",
    "expired",
)

LABELS = {
    INVITED: "招待済み",
    IN_PROGRESS: "回答中",
    SUBMITTED: "提出済み",
    RETURNED: "差し戻し中",
    ACCEPTED: "承認",
    REJECTED: "不採用",
    EXPIRED: "期限切れ",
}
LABELS_EN = {
    INVITED: "Invited",
    IN_PROGRESS: "In progress",
    SUBMITTED: "Submitted",
    RETURNED: "Returned",
    ACCEPTED: "Accepted",
    REJECTED: "Rejected",
    EXPIRED: "Expired",
}

EDITABLE_BY_VENDOR = frozenset({INVITED, IN_PROGRESS, RETURNED})
DECIDABLE = frozenset({SUBMITTED})
STORED = (INVITED, IN_PROGRESS, SUBMITTED, RETURNED, ACCEPTED, REJECTED)


def effective_status(stored: str, deadline: dt.date | None, today: dt.date) -> str:
    """Show an unanswered assessment past its deadline as expired (it can still be answered)."""
    if stored in EDITABLE_BY_VENDOR and deadline is not None and deadline < today:
        return EXPIRED
    return stored
