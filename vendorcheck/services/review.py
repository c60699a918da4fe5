"""Staff review: comments, return to the vendor, accept or reject, compare versions, scorecards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import english_date, in_japan, shorten, wareki_day
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.scorecard import Remediation as RemediationInput
from vendorcheck.domain.scorecard import Review, Scorecard
from vendorcheck.domain.scoring import score
from vendorcheck.services import audit, ismap_claims
from vendorcheck.services.assessments import (
    latest_answers,
    questionnaire_of,
    submission_answers,
    submissions,
)
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, too_long
from vendorcheck.services.invitations import IssuedLink, LinkSettings, fresh_link, greeting
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Evidence,
    Remediation,
    ReviewComment,
    ReviewScore,
    utcnow,
)
from vendorcheck.store.prepared import PreparedQuery

MAX_COMMENT = 4000


def evidence_of_answers(
    assessment: Assessment, questionnaire: Questionnaire, answers: Mapping[str, object]
) -> dict[str, list[Evidence]]:
    """The files each file answer lists, without their content (files later removed included)."""
    listed: dict[str, list[int]] = {}
    for question in questionnaire.questions:
        value = answers.get(question.id)
        if question.answer_type.holds_evidence and isinstance(value, list | tuple):
            listed[question.id] = [int(item) for item in value if str(item).isdigit()]
    wanted = {evidence_id for ids in listed.values() for evidence_id in ids}
    if not wanted:
        return {}
    rows = Evidence.select(
        Evidence.id,
        Evidence.question_id,
        Evidence.filename,
        Evidence.content_type,
        Evidence.size,
        Evidence.uploaded_at,
        Evidence.removed_at,
    ).where(Evidence.assessment == assessment, Evidence.id.in_(sorted(wanted)))
    by_id = {row.id: row for row in rows}
    return {qid: [by_id[i] for i in ids if i in by_id] for qid, ids in listed.items()}


def evidence_for_staff(assessment: Assessment, evidence_id: int) -> Evidence:
    """Any file uploaded to this assessment, with its content; NotFound for another's."""
    evidence = Evidence.get_or_none(Evidence.id == evidence_id, Evidence.assessment == assessment)
    if evidence is None:
        raise NotFound("そのファイルは見つかりません。")
    return evidence


# A ReviewScore row with this score withdraws the reviewer's score of its question (history kept).
WITHDRAWN_SCORE = -1.0


def apply_review_row(
    reviews: dict[str, Review], question_id: str, score: float, reason: str
) -> None:
    """Fold one ReviewScore row, taken in id order, into the current reviews: the newest counts."""
    if score < 0:
        reviews.pop(question_id, None)
    else:
        reviews[question_id] = Review(score, reason)


def reviews_of(assessment: Assessment) -> dict[str, Review]:
    latest: dict[str, Review] = {}
    for row in (
        ReviewScore.select().where(ReviewScore.assessment == assessment).order_by(ReviewScore.id)
    ):
        apply_review_row(latest, row.question_id, row.score, row.reason)
    return latest


def remediations_of(assessment: Assessment) -> dict[str, RemediationInput]:
    return {
        row.question_id: RemediationInput(row.question_id, row.action, row.due_on, row.accepted)
        for row in Remediation.select()
        .where(Remediation.assessment == assessment)
        .order_by(Remediation.id)
    }


def scorecard(assessment: Assessment, answers: Mapping[str, object] | None = None) -> Scorecard:
    questionnaire = questionnaire_of(assessment)
    if answers is None:
        answers, _ = latest_answers(assessment)
    checked = ismap_claims.assessment_checks(assessment, answers, questionnaire)
    return score(
        questionnaire,
        answers,
        assessment.case.tier,
        reviews_of(assessment),
        remediations_of(assessment),
        ismap_claims.findings_of(checked),
    )


# The vendor's section page reads them on every view: SQL text built once (store/prepared.py).
_COMMENTS = PreparedQuery(
    lambda assessment_id: (
        ReviewComment.select()
        .where(ReviewComment.assessment == assessment_id)
        .order_by(ReviewComment.id)
    )
)


def comments_by_question(
    assessment: Assessment, version: int | None = None
) -> dict[str, list[ReviewComment]]:
    comments = _COMMENTS.rows(assessment.id)  # an assessment's comments are few
    if version is not None:
        comments = [c for c in comments if c.for_version == version]
    grouped: dict[str, list[ReviewComment]] = {}
    for comment in comments:
        grouped.setdefault(comment.question_id, []).append(comment)
    return grouped


def _clean_comment(body: str) -> str:
    body = (body or "").strip()
    if len(body) > MAX_COMMENT:
        raise ServiceError(too_long("コメント", MAX_COMMENT), field="body")
    return body


def add_comment(actor: Actor, assessment: Assessment, question_id: str, body: str) -> ReviewComment:
    body = _clean_comment(body)
    if not body:
        raise ServiceError("コメントを入力してください。", field="body")
    questionnaire = questionnaire_of(assessment)
    if question_id and question_id not in {q.id for q in questionnaire.questions}:
        raise NotFound("コメントする質問が見つかりません。")
    with database.atomic():
        comment = ReviewComment.create(
            assessment=assessment,
            question_id=question_id,
            body=body,
            staff=actor.id,
            for_version=assessment.submitted_version,
        )
        audit.record(
            actor,
            "assessment.comment",
            "assessment",
            assessment.id,
            f"質問「{shorten(questionnaire.question(question_id).text.get('ja'), 30)}」にコメント"
            if question_id
            else "回答全体にコメント",
            after={"question": question_id, "body": body},
        )
    return comment


def return_to_vendor(
    actor: Actor,
    assessment: Assessment,
    message: str,
    comments: Mapping[str, str],
    *,
    links: LinkSettings,
) -> Assessment:
    """Reopen the draft for the vendor with per-question comments (the next submission is a new version).

    The mail carries a new link (queued in the outbox with the return), addressed to the
    contact by name."""
    if assessment.status != status.SUBMITTED:
        raise Conflict("差し戻しできるのは提出済みの回答だけです。")
    message = _clean_comment(message)
    cleaned = {qid: _clean_comment(text) for qid, text in comments.items() if (text or "").strip()}
    if not message and not cleaned:
        raise ServiceError(
            "差し戻しの理由か、質問へのコメントを1つ以上入力してください。", field="message"
        )
    questionnaire = questionnaire_of(assessment)
    known = {q.id for q in questionnaire.questions}
    with database.atomic():
        for question_id, text in cleaned.items():
            if question_id not in known:
                raise NotFound("コメントする質問が見つかりません。")
            ReviewComment.create(
                assessment=assessment,
                question_id=question_id,
                body=text,
                staff=actor.id,
                for_version=assessment.submitted_version,
            )
        if message:
            ReviewComment.create(
                assessment=assessment,
                question_id="",
                body=message,
                staff=actor.id,
                for_version=assessment.submitted_version,
            )
        updated = (
            Assessment.update(status=status.RETURNED)
            .where(Assessment.id == assessment.id, Assessment.status == status.SUBMITTED)
            .execute()
        )
        if not updated:
            raise Conflict("この回答は別の操作で更新されています。ページを再読み込みしてください。")
        link = fresh_link(assessment, links) if assessment.vendor.contact_email else None
        audit.record(
            actor,
            "assessment.return",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} に差し戻し（第{assessment.submitted_version}版、コメント {len(cleaned)} 件）",
            before={"status": status.SUBMITTED},
            after={
                "status": status.RETURNED,
                "message": message,
                "comments": cleaned,
                "link_expires_at": link.expires_at if link else None,
            },
        )
        if link is not None:
            _return_mail(assessment, message, len(cleaned), link)
    return Assessment.get_by_id(assessment.id)


def _return_mail(assessment: Assessment, message: str, count: int, link: IssuedLink) -> None:
    vendor = assessment.vendor
    organisation = get_organisation().name
    link_until = wareki_day(link.expires_at)
    if assessment.language == "en":
        subject = f"[{organisation}] Your answers were returned: {assessment.case.title}"
        body = (
            f"Dear {vendor.contact_name or vendor.name},\n\n"
            f'{organisation} returned your answers for "{assessment.case.title}" with {count} comment(s).\n'
            f"{message}\n\nOpen this link to read the comments, revise and submit again:\n{link.url}\n\n"
            f"The link is valid until {english_date(in_japan(link.expires_at).date())} (Japan time). Do not forward it.\n"
        )
    else:
        subject = f"【{organisation}】確認書の差し戻しのお知らせ（{assessment.case.title}）"
        body = (
            f"{greeting(vendor)}\n\n{organisation}です。案件「{assessment.case.title}」の確認書について、"
            f"修正をお願いする点があります（質問へのコメント {count} 件）。\n\n{message}\n\n"
            f"次のリンクから、コメントを確認のうえ修正して再提出してください。\n{link.url}\n\n"
            f"このリンクは {link_until} まで有効です。リンクを知っている人は誰でも回答できるため、転送しないでください。\n"
        )
    queue_mail(vendor.contact_email, subject, body)


def pending_review(card: Scorecard) -> list[str]:
    """Ids of the questions still waiting for a reviewer's score (the verdict is 未確定)."""
    return [result.question_id for result in card.questions if result.status == "pending_review"]


def decide(
    actor: Actor,
    assessment: Assessment,
    decision: str,
    reason: str,
    *,
    confirm_pending: bool = False,
) -> Assessment:
    """Accept or reject a submitted assessment, with the reason recorded.

    Accepting while questions wait for a reviewer's score needs confirm_pending and a reason;
    both go into the audit event."""
    if decision not in {status.ACCEPTED, status.REJECTED}:
        raise ServiceError("判断を選んでください。", field="decision")
    if assessment.status not in status.DECIDABLE:
        raise Conflict("承認・不採用にできるのは提出済みの回答だけです。")
    reason = _clean_comment(reason)
    if decision == status.REJECTED and not reason:
        raise ServiceError("不採用の理由を入力してください。", field="reason")
    card = scorecard(assessment)
    pending = pending_review(card) if decision == status.ACCEPTED else []
    if pending and not confirm_pending:
        raise ServiceError(
            f"審査待ちの質問が {len(pending)} 件あり、判定は未確定です。採点表で評点をつけてから"
            "承認するか、「審査待ちのまま承認する」を選び、理由を入力してください。",
            field="confirm_pending",
        )
    if pending and not reason:
        raise ServiceError("審査待ちのまま承認する理由を入力してください。", field="reason")
    with database.atomic():
        updated = (
            Assessment.update(
                status=decision, decided_by=actor.id, decided_at=utcnow(), decision_reason=reason
            )
            .where(Assessment.id == assessment.id, Assessment.status == status.SUBMITTED)
            .execute()
        )
        if not updated:
            raise Conflict("この回答は別の操作で更新されています。ページを再読み込みしてください。")
        label = status.LABELS[decision]
        audit.record(
            actor,
            f"assessment.{'accept' if decision == status.ACCEPTED else 'reject'}",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} の回答を{label}（第{assessment.submitted_version}版、判定 {card.verdict}、{card.total} 点"
            + (f"、審査待ち {len(pending)} 件のまま" if pending else "")
            + "）",
            before={"status": status.SUBMITTED},
            after={
                "status": decision,
                "reason": reason,
                "verdict": card.verdict,
                "total": card.total,
                "version": assessment.submitted_version,
                **({"accepted_with_pending_review": pending} if pending else {}),
            },
        )
    return Assessment.get_by_id(assessment.id)


@dataclass(frozen=True)
class Change:
    question_id: str
    text: str
    before: str
    after: str


def compare_versions(assessment: Assessment, older: int, newer: int) -> list[Change]:
    """What changed between two submitted versions, question by question, in questionnaire order."""
    rows = {s.version: s for s in submissions(assessment)}
    if older not in rows or newer not in rows:
        raise NotFound("比較する版が見つかりません。")
    questionnaire: Questionnaire = questionnaire_of(assessment)
    before, after = submission_answers(rows[older]), submission_answers(rows[newer])
    changes = []
    for question in questionnaire.questions:
        old, new = before.get(question.id), after.get(question.id)
        if old != new:
            changes.append(
                Change(
                    question.id,
                    question.text.get("ja"),
                    question.display(old) if old is not None else "（未回答）",
                    question.display(new) if new is not None else "（未回答）",
                )
            )
    return changes
