"""年次再確認: a contract running over a year gets a re-assessment on the same questionnaire,
pre-filled from the last accepted answers; the vendor confirms or changes each answer by the
portal link; staff see the changes, it is scored again, and a falling verdict triggers a
corrective request."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from peewee import JOIN, fn

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.domain.scorecard import (
    VERDICT_CONDITIONAL,
    VERDICT_CONFORMING,
    VERDICT_NONCONFORMING,
)
from vendorcheck.services import answer_reuse, audit, contract_list, inspections
from vendorcheck.services.assessments import (
    latest_submission,
    questionnaire_of,
    submission_answers,
)
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound
from vendorcheck.services.invitations import (
    TOKEN_BYTES,
    LinkSettings,
    hash_token,
    portal_url,
)
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation
from vendorcheck.services.review import scorecard
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    AccessToken,
    Assessment,
    Contract,
    Reconfirmation,
    RegisterReview,
    ReviewScore,
    Submission,
    utcnow,
)
from vendorcheck.store.prepared import MAX_LISTED, PreparedSelect, given

VERDICT_RANK = {VERDICT_CONFORMING: 2, VERDICT_CONDITIONAL: 1, VERDICT_NONCONFORMING: 0}
ANSWER_DAYS = 30
CORRECTIVE_DAYS = 30


def verdict_fell(before: str, after: str) -> bool:
    return VERDICT_RANK.get(after, 0) < VERDICT_RANK.get(before, 0)


def latest_of(contract: Contract) -> Reconfirmation | None:
    query = Reconfirmation.select().where(Reconfirmation.contract == contract)
    return query.order_by(Reconfirmation.id.desc()).first()


def is_due(contract: Contract, today: dt.date) -> bool:
    """A contract of over a year, past an anniversary, not yet re-confirmed since that day."""
    latest = latest_of(contract)
    return contract.status == rules.ACTIVE and rules.reconfirmation_due(
        contract.starts_on, contract.ends_on, latest.asked_on if latest else None, today
    )


def _running(scope: int | None):
    """The running contracts' dates and the day each was last asked to re-confirm (or None)."""
    last = (
        Reconfirmation.select(
            Reconfirmation.contract.alias("asked_of"),
            fn.MAX(Reconfirmation.asked_on).alias("last_asked"),
        )
        .group_by(Reconfirmation.contract)
        .alias("last")
    )
    query = (
        Contract.select(Contract.id, Contract.starts_on, Contract.ends_on, last.c.last_asked)
        .join(last, JOIN.LEFT_OUTER, on=(Contract.id == last.c.asked_of))
        .where(Contract.status == rules.ACTIVE)
    )
    return contract_list.visible_to(query, scope).order_by(Contract.starts_on, Contract.id).tuples()


# Built once per database and department (and number of ids): the dashboard asks at every view.
_RUNNING = PreparedSelect(_running)


def _shown(ids):
    """What the dashboard shows of a contract due."""
    return Contract.select(Contract.id, Contract.number, Contract.title).where(Contract.id.in_(ids))


_SHOWN = PreparedSelect(lambda _key, *ids: _shown(given(ids)))


def due_contracts(
    today: dt.date, *, limit: int = 20, reader: Reader | None = None
) -> list[Contract]:
    """The running contracts (of the reader's departments) whose re-confirmation is due, in
    two queries: the dates of every running contract, then the first `limit` due (their id,
    number and title)."""
    due = [
        contract_id
        for contract_id, starts_on, ends_on, asked in _RUNNING.rows(contract_list.scope_of(reader))
        if rules.reconfirmation_due(_as_date(starts_on), _as_date(ends_on), _as_date(asked), today)
    ][:limit]
    if not due:
        return []
    shown = _SHOWN.rows(None, *due) if len(due) <= MAX_LISTED else _shown(due)
    found = {c.id: c for c in shown}
    return [found[contract_id] for contract_id in due]


def _as_date(value: object) -> dt.date | None:
    """SQLite hands back MAX() of a date column as text."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _base(contract: Contract) -> Assessment:
    """The last accepted assessment of this contract: the newest accepted re-confirmation, or
    the assessment the contract was made from."""
    for row in (
        Reconfirmation.select()
        .where(Reconfirmation.contract == contract)
        .order_by(Reconfirmation.id.desc())
    ):
        if row.assessment.status == status.ACCEPTED:
            return row.assessment
    return contract.assessment


def _open(contract: Contract, today: dt.date, review: RegisterReview | None) -> None:
    """A re-confirmation may start on the anniversary, or when a review of the contract's
    register entry asks for one while the contract runs and none is waiting for its answers."""
    if review is None:
        if not is_due(contract, today):
            raise Conflict("この契約は、契約開始から1年を過ぎた年次再確認の時期ではありません。")
        return
    if contract.status != rules.ACTIVE:
        raise Conflict("履行中の契約だけ再確認を依頼できます。")
    waiting = Reconfirmation.select().where(
        Reconfirmation.contract == contract, Reconfirmation.evaluated_at.is_null()
    )
    if waiting.exists():
        raise Conflict("この契約には、回答または評価を待っている再確認があります。")


def start(
    actor: Actor,
    contract: Contract,
    links: LinkSettings,
    *,
    today: dt.date | None = None,
    review: RegisterReview | None = None,
) -> tuple[Reconfirmation, str]:
    """Open the re-assessment with the last accepted answers filled in (marked 前回の回答 until
    the vendor confirms or changes each one); mail the vendor its link. `review` is the
    register entry's review that asks for it (no anniversary needed then)."""
    today = today or today_jst()
    _open(contract, today, review)
    base = _base(contract)
    submission = latest_submission(base)
    if submission is None:
        raise Conflict("再確認の元になる承認済みの回答がありません。")
    base_verdict = scorecard(base, submission_answers(submission)).verdict
    deadline = today + dt.timedelta(days=ANSWER_DAYS)
    with database.atomic():
        assessment = Assessment.create(
            case=base.case,
            vendor=base.vendor,
            snapshot=base.snapshot,
            language=base.language,
            deadline=deadline,
            invited_by=actor.id if actor.kind == "staff" else None,
        )
        answer_reuse.prefill_from(
            assessment,
            base,
            submission,
            actor,
            action="assessment.reconfirmation_prefill",
            describe=lambda carried: (
                f"年次再確認のため、承認済みの回答（第{submission.version}版）から "
                f"{len(carried.copied)} 件を写しました（事業者が確認するまで「前回の回答」）"
            ),
            facts={"source_assessment": base.id, "source_version": submission.version},
        )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        AccessToken.create(
            assessment=assessment,
            token_hash=hash_token(token),
            expires_at=utcnow() + dt.timedelta(days=links.link_days),
        )
        url = portal_url(links.base_url, token)
        row = Reconfirmation.create(
            contract=contract,
            base_assessment=base,
            assessment=assessment,
            asked_on=today,
            base_version=submission.version,
            base_verdict=base_verdict,
            register_review=review,
        )
        why = (
            f"台帳「{review.entry.name}」の定期点検（{wareki(review.reviewed_on)}）を受けて、"
            if review is not None
            else ""
        )
        queue_mail(
            contract.contact_email,
            f"【{get_organisation().name}】年次の情報セキュリティ再確認のお願い（{contract.title}）",
            f"{contract.vendor.name}\n{contract.responsible_person} 様\n\n{why}契約 {contract.number}"
            f"「{contract.title}」の再確認をお願いします。前回承認された回答を入力済みです。"
            f"各回答を確認し（変わりがなければそのまま確認、変わったところは修正）、"
            f"{wareki(deadline)} までに提出してください。\n{url}\n",
        )
        audit.record(
            actor,
            "reconfirmation.start",
            "contract",
            contract.id,
            f"契約 {contract.number} の{'再確認' if review else '年次再確認'}を依頼"
            f"（{why}前回の判定 {base_verdict}）",
            after={
                "assessment": assessment.id,
                "base_assessment": base.id,
                "deadline": deadline,
                "register_review": review.id if review is not None else None,
            },
        )
    return row, url


def changes(row: Reconfirmation) -> list[tuple[str, str, str, str]]:
    """(question id, text, before, after) for every answer the vendor changed."""
    latest = latest_submission(row.assessment)
    if latest is None:
        return []
    questionnaire = questionnaire_of(row.assessment)
    before = submission_answers(base_submission(row))
    after = submission_answers(latest)
    changed = []
    for question in questionnaire.questions:
        if question.answer_type.holds_evidence:
            continue
        old, new = before.get(question.id), after.get(question.id)
        if old != new:
            changed.append(
                (question.id, question.text.get("ja"), question.display(old), question.display(new))
            )
    return changed


def base_submission(row: Reconfirmation) -> Submission:
    """The accepted answers the re-assessment started from."""
    return Submission.get(
        Submission.assessment == row.base_assessment_id, Submission.version == row.base_version
    )


def _carry_review_scores(row: Reconfirmation, changed: set[str]) -> None:
    """An unchanged answer keeps the reviewer's score it had; a changed one is judged afresh."""
    own = {
        r.question_id for r in ReviewScore.select().where(ReviewScore.assessment == row.assessment)
    }
    latest: dict[str, ReviewScore] = {}
    query = ReviewScore.select().where(ReviewScore.assessment == row.base_assessment)
    for score in query.order_by(ReviewScore.id):
        latest[score.question_id] = score
    for question_id, score in latest.items():
        if question_id in changed or question_id in own:
            continue
        ReviewScore.create(
            assessment=row.assessment,
            question_id=question_id,
            score=score.score,
            reason=f"前回の審査から引継ぎ（回答に変更なし）: {score.reason}",
            staff=score.staff_id,
        )


def _named(changed: list[tuple[str, str, str, str]]) -> str:
    """The changed questions by their text (shortened), never by their ids."""
    return "、".join(
        f"「{text[:40]}{'…' if len(text) > 40 else ''}」" for _qid, text, *_ in changed
    )


def evaluate(actor: Actor, row: Reconfirmation, *, today: dt.date | None = None) -> Reconfirmation:
    """Score the re-submitted answers; a verdict lower than before opens a corrective request."""
    today = today or today_jst()
    row = Reconfirmation.get_by_id(row.id)
    if row.evaluated_at is not None:
        raise Conflict("この年次再確認は評価済みです。")
    latest = latest_submission(row.assessment)
    if latest is None:
        raise Conflict("事業者がまだ再確認の回答を提出していません。")
    changed = changes(row)
    with database.atomic():
        _carry_review_scores(row, {qid for qid, *_ in changed})
        verdict = scorecard(row.assessment, submission_answers(latest)).verdict
        corrective = None
        if verdict_fell(row.base_verdict, verdict):
            corrective = inspections.issue_corrective(
                actor,
                row.contract,
                f"年次再確認で判定が「{row.base_verdict}」から「{verdict}」に下がりました。"
                f"変更された回答（{_named(changed) or 'なし'}）について、"
                "特記事項を満たすための是正計画を提出してください。",
                today + dt.timedelta(days=CORRECTIVE_DAYS),
                today=today,
            )
        Reconfirmation.update(
            verdict=verdict,
            changed=json.dumps([qid for qid, *_ in changed]),
            corrective=corrective,
            evaluated_at=utcnow(),
        ).where(Reconfirmation.id == row.id).execute()
        audit.record(
            actor,
            "reconfirmation.evaluate",
            "contract",
            row.contract_id,
            f"契約 {row.contract.number} の年次再確認: 判定 {row.base_verdict} → {verdict}"
            f"（変更 {len(changed)} 件）" + ("、是正要求を発行" if corrective else ""),
            after={"verdict": verdict, "changed": [qid for qid, *_ in changed]},
        )
    return Reconfirmation.get_by_id(row.id)


def reconfirmations_of(contract: Contract) -> list[Reconfirmation]:
    query = Reconfirmation.select().where(Reconfirmation.contract == contract)
    return list(query.order_by(Reconfirmation.id.desc()))


def get_reconfirmation(contract: Contract, row_id: int) -> Reconfirmation:
    row = Reconfirmation.get_or_none(
        Reconfirmation.id == row_id, Reconfirmation.contract == contract
    )
    if row is None:
        raise NotFound("指定された年次再確認はありません。")
    return row
