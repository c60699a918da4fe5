"""Reviewer judgement: scores with reasons and remediation conditions for gaps.

Both keep their history. A review score is a new ReviewScore row (the newest counts; a row with
review.WITHDRAWN_SCORE withdraws it). A remediation row moves proposed → accepted → done, or is
withdrawn; without a status column, "withdrawn" is stored as done_at set with accepted false
(a done remediation is always accepted), so every reader that counts accepted rows ignores it.
"""

from __future__ import annotations

import datetime as dt
import math

from peewee import JOIN

from vendorcheck.domain.jp import shorten, today_jst, wareki
from vendorcheck.domain.questionnaire import Question
from vendorcheck.domain.scorecard import Scorecard
from vendorcheck.services import audit
from vendorcheck.services import review as review_service
from vendorcheck.services.assessments import latest_answers, questionnaire_of
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, too_long
from vendorcheck.store.db import database, is_sqlite
from vendorcheck.store.models import (
    Assessment,
    Remediation,
    ReviewScore,
    Staff,
    utcnow,
)

MAX_REASON = review_service.MAX_COMMENT
MAX_ACTION = 2000
WITHDRAWN_PREFIX = "取消: "
REMEDIATION_LABELS = {
    "proposed": "承認待ち",
    "accepted": "承認済み",
    "done": "完了",
    "withdrawn": "取り下げ",
}
LIVE = ("proposed", "accepted", "done")  # a question has at most one live remediation
NOTHING_SUBMITTED = "まだ提出された回答がないため、評点や是正措置を登録できません。"
CHANGED = "この是正措置は別の操作で更新されています。ページを再読み込みしてください。"


def remediation_state(row: Remediation) -> str:
    """proposed, accepted, done or withdrawn (see the module docstring for the encoding)."""
    if row.done_at is not None:
        return "done" if row.accepted else "withdrawn"
    return "accepted" if row.accepted else "proposed"


def _submitted(assessment: Assessment) -> tuple[dict[str, object], Scorecard]:
    answers, version = latest_answers(assessment)
    if version is None:
        raise Conflict(NOTHING_SUBMITTED)
    return answers, review_service.scorecard(assessment, answers)


def _question(assessment: Assessment, question_id: str) -> Question:
    try:
        return questionnaire_of(assessment).question(question_id)
    except KeyError:
        raise NotFound("指定された質問はこの確認書にありません。") from None


def named_question(assessment: Assessment, question_id: str) -> str:
    """A question as people read it in the audit log and mails: 「its text, shortened」."""
    return f"「{shorten(_question(assessment, question_id).text.get('ja'), 30)}」"


def _text(raw: object, label: str, limit: int, field: str) -> str:
    text = str(raw or "").strip()
    if not text:
        raise ServiceError(f"{label}を入力してください。", field=field)
    if len(text) > limit:
        raise ServiceError(too_long(label, limit), field=field)
    return text


def check_score(raw: object) -> float:
    """A reviewer's score as a number from 0 to 1; ServiceError (field "score") otherwise."""
    try:
        value = float(raw) if not isinstance(raw, bool) else math.nan  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if math.isnan(value):
        raise ServiceError("評点は 0 から 1 までの数値で選んでください。", field="score")
    if not 0 <= value <= 1:
        raise ServiceError("評点は 0 から 1 までの範囲で選んでください。", field="score")
    return value


def _card_summary(card: Scorecard) -> dict[str, object]:
    return {"total": card.total, "verdict": card.verdict}


# --- reviewer scores ---------------------------------------------------------------------------


def current_reviews(assessment: Assessment) -> dict[str, ReviewScore]:
    """The ReviewScore row that counts for each question (withdrawn ones left out), with staff."""
    rows: dict[str, ReviewScore] = {}
    query = (
        ReviewScore.select(ReviewScore, Staff)
        .join(Staff, on=(ReviewScore.staff == Staff.id), join_type=JOIN.LEFT_OUTER)
        .where(ReviewScore.assessment == assessment)
        .order_by(ReviewScore.id)
    )
    for row in query:
        if row.score < 0:
            rows.pop(row.question_id, None)
        else:
            rows[row.question_id] = row
    return rows


def _append_review(
    actor: Actor, assessment: Assessment, question_id: str, score: float, reason: str, what: str
) -> ReviewScore:
    """Add a ReviewScore row and its audit event with the scores and total before and after."""
    answers, before = _submitted(assessment)
    result = before.question(question_id)
    withdrawn = score == review_service.WITHDRAWN_SCORE
    if not result.applies:
        raise ServiceError(
            "この質問は提出された回答では対象外のため、評点を付けられません。", field="score"
        )
    if withdrawn and result.reviewed is None:
        raise Conflict("この質問には取り消す審査担当者の評点がありません。")
    with database.atomic():
        row = ReviewScore.create(
            assessment=assessment,
            question_id=question_id,
            score=score,
            reason=reason,
            staff=actor.id if actor.kind == "staff" else None,
        )
        after = review_service.scorecard(assessment, answers)
        scores = {"question": question_id, "automatic": result.automatic}
        audit.record(
            actor,
            "assessment.review_score_clear" if withdrawn else "assessment.review_score",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} の質問{named_question(assessment, question_id)}{what}"
            f"（自動 {_figure(result.automatic)}、総合点 {before.total} → {after.total}）",
            before={**scores, "reviewed": result.reviewed, "final": result.final}
            | _card_summary(before),
            after={
                **scores,
                "reviewed": None if withdrawn else score,
                "reason": reason,
                "final": after.question(question_id).final,
            }
            | _card_summary(after),
        )
    return row


def set_review_score(
    actor: Actor, assessment: Assessment, question_id: str, score: object, reason: str
) -> ReviewScore:
    """Score a question of the latest submitted version (0..1) with a reason; the newest counts."""
    value = check_score(score)
    reason = _text(reason, "評点の理由", MAX_REASON, "reason")
    question = _question(assessment, question_id)
    return _append_review(
        actor, assessment, question.id, value, reason, f"に評点 {value:g} を付けた"
    )


def clear_review_score(
    actor: Actor, assessment: Assessment, question_id: str, reason: str = ""
) -> ReviewScore:
    """Withdraw the reviewer's score of a question (a new row), so the automatic score counts."""
    reason = str(reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ServiceError(too_long("取消の理由", MAX_REASON), field="reason")
    question = _question(assessment, question_id)
    reason = WITHDRAWN_PREFIX + (reason or "審査担当者の評点を取り消しました。")
    withdrawn = review_service.WITHDRAWN_SCORE
    return _append_review(actor, assessment, question.id, withdrawn, reason, "の評点を取り消した")


def _figure(value: float | None) -> str:
    return "なし" if value is None else f"{value:g}"


# --- remediations ------------------------------------------------------------------------------


def remediations_by_question(assessment: Assessment) -> dict[str, list[Remediation]]:
    """Every remediation row of the assessment per question, oldest first, with its staff."""
    grouped: dict[str, list[Remediation]] = {}
    query = (
        Remediation.select(Remediation, Staff)
        .join(Staff, on=(Remediation.staff == Staff.id), join_type=JOIN.LEFT_OUTER)
        .where(Remediation.assessment == assessment)
        .order_by(Remediation.id)
    )
    for row in query:
        grouped.setdefault(row.question_id, []).append(row)
    return grouped


def _snapshot(row: Remediation) -> dict[str, object]:
    return {
        "id": row.id,
        "question": row.question_id,
        "action": row.action,
        "due_on": row.due_on,
        "state": remediation_state(row),
    }


def _lock(assessment: Assessment) -> None:
    """Serialise remediation changes of one assessment (SQLite's IMMEDIATE already does)."""
    if not is_sqlite():
        list(Assessment.select(Assessment.id).where(Assessment.id == assessment.id).for_update())


def add_remediation(
    actor: Actor,
    assessment: Assessment,
    question_id: str,
    action: str,
    due_on: dt.date | None,
    *,
    today: dt.date | None = None,
) -> Remediation:
    """Record what the vendor must do for a gap, and by when; it lifts nothing until accepted."""
    action = _text(action, "是正措置の内容", MAX_ACTION, "action")
    if not isinstance(due_on, dt.date):
        raise ServiceError("是正の期限を入力してください。", field="due_on")
    if due_on < (today or today_jst()):
        raise ServiceError("是正の期限は今日以降の日付を入力してください。", field="due_on")
    question = _question(assessment, question_id)
    _, card = _submitted(assessment)
    if not any(gap.question_id == question.id for gap in card.gaps):
        raise ServiceError(
            "この質問には指摘事項がないため、是正措置を登録できません。", field="action"
        )
    with database.atomic():
        _lock(assessment)
        live = [
            row
            for row in Remediation.select().where(
                Remediation.assessment == assessment, Remediation.question_id == question.id
            )
            if remediation_state(row) in LIVE
        ]
        if live:
            raise Conflict(
                "この質問には是正措置が登録済みです。内容を変えるときは、"
                "いまの是正措置を取り下げてから登録してください。"
            )
        row = Remediation.create(
            assessment=assessment,
            question_id=question.id,
            action=action,
            due_on=due_on,
            accepted=False,
            staff=actor.id if actor.kind == "staff" else None,
        )
        audit.record(
            actor,
            "remediation.add",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} の質問{named_question(assessment, question.id)}に是正措置を登録（期限 {wareki(due_on)}）",
            after=_snapshot(row),
        )
    return row


# step: (states it may start from, the message when it may not, the word for the summary)
_STEPS = {
    "accept": (("proposed",), "承認できるのは承認待ちの是正措置だけです。", "承認"),
    "withdraw": (
        ("proposed", "accepted"),
        "取り下げできるのは承認待ち又は承認済みの是正措置だけです。",
        "取り下げ",
    ),
    "done": (("accepted",), "完了にできるのは承認済みの是正措置だけです。", "完了に"),
}


def _changes(step: str) -> dict[str, object]:
    if step == "accept":
        return {"accepted": True}
    return {"accepted": False, "done_at": utcnow()} if step == "withdraw" else {"done_at": utcnow()}


def _step(actor: Actor, assessment: Assessment, remediation_id: int, step: str) -> Remediation:
    allowed, refused, summary = _STEPS[step]
    with database.atomic():
        row = Remediation.get_or_none(
            Remediation.id == remediation_id, Remediation.assessment == assessment
        )
        if row is None:
            raise NotFound("指定された是正措置が見つかりません。")
        if remediation_state(row) not in allowed:
            raise Conflict(refused)
        before_card, before = review_service.scorecard(assessment), _snapshot(row)
        updated = (
            Remediation.update(**_changes(step))
            .where(
                Remediation.id == row.id,
                Remediation.accepted == row.accepted,
                Remediation.done_at.is_null(),
            )
            .execute()
        )
        if not updated:
            raise Conflict(CHANGED)
        row = Remediation.get_by_id(row.id)
        after_card = review_service.scorecard(assessment)
        audit.record(
            actor,
            f"remediation.{step}",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} の質問{named_question(assessment, row.question_id)}の是正措置を{summary}"
            f"（判定 {before_card.verdict} → {after_card.verdict}）",
            before={**before, "verdict": before_card.verdict},
            after={**_snapshot(row), "verdict": after_card.verdict},
        )
    return row


def accept_remediation(actor: Actor, assessment: Assessment, remediation_id: int) -> Remediation:
    """Accept a proposed remediation: its gap counts as remediated (不適合 → 条件付適合)."""
    return _step(actor, assessment, remediation_id, "accept")


def withdraw_remediation(actor: Actor, assessment: Assessment, remediation_id: int) -> Remediation:
    """Withdraw a proposed or accepted remediation: its gap is open again."""
    return _step(actor, assessment, remediation_id, "withdraw")


def mark_remediation_done(actor: Actor, assessment: Assessment, remediation_id: int) -> Remediation:
    """Record that the vendor has carried out an accepted remediation."""
    return _step(actor, assessment, remediation_id, "done")
