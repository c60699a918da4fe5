"""Reviewer judgement and remediation: scores with reasons, conditions for gaps, overdue ones.

The builders here (QUESTIONNAIRE, Build) are also used by test_expiry.py and
web/test_scorecard.py.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

import pytest

from tests.conftest import home_department
from tests.fixtures import review_questionnaire
from vendorcheck.domain.scorecard import VERDICT_CONDITIONAL, VERDICT_NONCONFORMING, Review
from vendorcheck.domain.scoring import score
from vendorcheck.services import answers as answer_service
from vendorcheck.services import comparison, judgement, overdue_remediations
from vendorcheck.services import review as review_service
from vendorcheck.services.annexes import accepted_remediations
from vendorcheck.services.assessments import latest_answers
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.invitations import LinkSettings, invite
from vendorcheck.services.reminders import queue_reminders
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    MailMessage,
    Remediation,
    ReviewScore,
    Vendor,
)

SCRIPT = "<script>alert(1)</script>"
PDF = b"%PDF-1.4\n% scorecard test\n"
QUESTIONNAIRE = review_questionnaire(
    "scorecard_test",
    "採点表テスト用確認書",
    questions=("a.policy", "a.detail", "cert.isms", "cert.isms_expiry", "cert.isms_certificate"),
)
GOOD = {"a.policy": "yes", "a.detail": "担当者3名で管理しています。", "cert.isms": "none"}


def staff_actor(staff) -> Actor:
    return Actor("staff", staff.id, staff.display_name)


@dataclass
class Build:
    """Invite a vendor to a tier-2 case and answer as the vendor portal does."""

    officer: object
    count: int = 0

    def __call__(
        self,
        answers: dict[str, str] | None = None,
        *,
        submit: bool = True,
        attach: bool = False,
        contract_end: dt.date | None = None,
        vendor_email: str = "vendor@example.jp",
        vendor_name: str = "",
    ) -> Assessment:
        self.count += 1
        name = vendor_name or f"株式会社採点{self.count}"
        vendor = Vendor.create(
            name=name, name_normalized=name.casefold(), contact_email=vendor_email
        )
        case = Case.create(
            title=f"庁内LAN保守{self.count}",
            kind="outsourcing",
            classification_level="2",
            tier=2,
            contract_end=contract_end,
            department=home_department(),
        )
        (link,) = invite(
            staff_actor(self.officer),
            case,
            [vendor.id],
            QUESTIONNAIRE,
            deadline=None,
            language="ja",
            settings=LinkSettings(base_url="http://vendorcheck.test"),
        )
        assessment = link.assessment
        values = GOOD if answers is None else answers
        for section in QUESTIONNAIRE.sections:
            form = {f"q__{q.id}": [values[q.id]] for q in section.questions if q.id in values}
            fresh = Assessment.get_by_id(assessment.id)
            saved = answer_service.save_section(fresh, section.id, form, fresh.draft_revision)
            assert not saved.errors, saved.errors
        if attach:
            answer_service.add_evidence(
                Assessment.get_by_id(assessment.id),
                "cert.isms_certificate",
                "登録証.pdf",
                PDF,
                max_bytes=1_000_000,
            )
        if submit:
            fresh = Assessment.get_by_id(assessment.id)
            actor = answer_service.vendor_actor(fresh, "127.0.0.1")
            answer_service.submit(fresh, fresh.draft_revision, actor)
        return Assessment.get_by_id(assessment.id)


def new_officer(make_staff):
    """An officer with an e-mail address, to whom staff notices go."""
    return make_staff("officer", email="officer@city.example.jp", display_name="高橋 真理")


@pytest.fixture
def officer(db, make_staff):
    return new_officer(make_staff)


@pytest.fixture
def build(officer) -> Build:
    return Build(officer)


def submitted_answers(assessment: Assessment) -> dict[str, object]:
    answers, version = latest_answers(assessment)
    assert version is not None
    return answers


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


# --- reviewer scores ---------------------------------------------------------------------------


def test_reviewer_score_sets_the_final_score_and_total_exactly_as_domain_scoring(build, officer):
    assessment = build()
    before = review_service.scorecard(assessment)
    assert before.question("a.detail").status == "pending_review" and not before.complete
    judgement.set_review_score(staff_actor(officer), assessment, "a.detail", 0.5, "体制が薄い")
    card = review_service.scorecard(assessment)
    expected = score(
        QUESTIONNAIRE, submitted_answers(assessment), 2, {"a.detail": Review(0.5, "体制が薄い")}
    )
    assert card == expected
    result = card.question("a.detail")
    assert (result.automatic, result.reviewed, result.final) == (None, 0.5, 0.5)
    # policy 1.0 × 3, detail 0.5 × 2, isms 0 × 1: (3 + 1 + 0) / 6 = 66.7
    assert card.total == 66.7 and card.complete


def test_reviewer_may_override_an_automatic_score_and_the_newest_row_counts(build, officer):
    assessment = build()
    actor = staff_actor(officer)
    judgement.set_review_score(actor, assessment, "a.policy", 0.25, "方針が形骸化")
    judgement.set_review_score(actor, assessment, "a.policy", "0.75", "改訂予定を確認")
    result = review_service.scorecard(assessment).question("a.policy")
    assert (result.automatic, result.reviewed, result.final) == (1.0, 0.75, 0.75)
    assert ReviewScore.select().count() == 2  # history kept
    assert judgement.current_reviews(assessment)["a.policy"].reason == "改訂予定を確認"


def test_clearing_returns_to_the_automatic_score_and_keeps_history(build, officer):
    assessment = build()
    actor = staff_actor(officer)
    judgement.set_review_score(actor, assessment, "a.policy", 0, "根拠なし")
    judgement.clear_review_score(actor, assessment, "a.policy", "誤りのため")
    result = review_service.scorecard(assessment).question("a.policy")
    assert (result.reviewed, result.final) == (None, 1.0)
    rows = list(ReviewScore.select().order_by(ReviewScore.id))
    assert [r.score for r in rows] == [0.0, -1.0] and rows[1].reason.startswith("取消:")
    assert "a.policy" not in judgement.current_reviews(assessment)
    (event,) = events("assessment.review_score_clear")
    assert json.loads(event.before)["reviewed"] == 0.0
    # The bid comparison reads the same rows: a withdrawn score must not break it.
    (bidder,) = comparison.compare_case(assessment.case).bidders
    assert bidder.scorecard.question("a.policy").final == 1.0
    with pytest.raises(Conflict):
        judgement.clear_review_score(actor, assessment, "a.policy")


@pytest.mark.parametrize("bad", [1.5, -0.1, "abc", "", None, True, math.nan, math.inf])
def test_a_score_outside_0_to_1_is_refused_in_japanese_and_nothing_written(build, officer, bad):
    assessment = build()
    with pytest.raises(ServiceError) as refused:
        judgement.set_review_score(staff_actor(officer), assessment, "a.detail", bad, "理由")
    assert refused.value.field == "score" and "評点は 0 から 1" in refused.value.message
    assert ReviewScore.select().count() == 0 and not events("assessment.review_score")


def test_a_reason_is_required(build, officer):
    assessment = build()
    for reason in ("", "   \n"):
        with pytest.raises(ServiceError) as refused:
            judgement.set_review_score(staff_actor(officer), assessment, "a.detail", 1, reason)
        assert refused.value.field == "reason" and refused.value.message == (
            "評点の理由を入力してください。"
        )
    assert ReviewScore.select().count() == 0


def test_only_questions_that_apply_to_a_submitted_version_can_be_scored(build, officer):
    actor = staff_actor(officer)
    draft = build(submit=False)
    with pytest.raises(Conflict):
        judgement.set_review_score(actor, draft, "a.detail", 1, "理由")
    assessment = build()  # cert.isms = none: the expiry and certificate questions are hidden
    with pytest.raises(ServiceError, match="対象外"):
        judgement.set_review_score(actor, assessment, "cert.isms_certificate", 1, "理由")
    with pytest.raises(NotFound):
        judgement.set_review_score(actor, assessment, "z.unknown", 1, "理由")
    assert ReviewScore.select().count() == 0


def test_every_review_score_is_audited_with_automatic_and_previous_scores(build, officer):
    assessment = build()
    actor = staff_actor(officer)
    judgement.set_review_score(actor, assessment, "a.policy", 0.5, "一部のみ")
    judgement.set_review_score(actor, assessment, "a.policy", 0.25, f"再評価{SCRIPT}")
    first, second = events("assessment.review_score")
    before = json.loads(first.before)
    assert (before["question"], before["automatic"], before["reviewed"]) == ("a.policy", 1.0, None)
    assert json.loads(first.after)["total"] != before["total"]  # 75.0 → 62.5
    assert json.loads(second.before)["reviewed"] == 0.5
    after = json.loads(second.after)
    assert after["reviewed"] == 0.25 and after["reason"] == f"再評価{SCRIPT}"
    assert after["automatic"] == 1.0 and after["final"] == 0.25
    assert second.actor_id == officer.id and second.object_id == str(assessment.id)


# --- remediations ------------------------------------------------------------------------------

NO_POLICY = {"a.policy": "no", "a.detail": "なし", "cert.isms": "none"}


def test_accepted_remediation_lifts_nonconforming_to_conditional_and_withdrawal_undoes_it(
    build, officer, today
):
    actor = staff_actor(officer)
    assessment = build(NO_POLICY)
    assert review_service.scorecard(assessment).verdict == VERDICT_NONCONFORMING
    due = today + dt.timedelta(days=60)
    row = judgement.add_remediation(actor, assessment, "a.policy", "方針を策定し提出する", due)
    assert judgement.remediation_state(row) == "proposed"
    assert review_service.scorecard(assessment).verdict == VERDICT_NONCONFORMING
    assert accepted_remediations(assessment) == []

    judgement.accept_remediation(actor, assessment, row.id)
    card = review_service.scorecard(assessment)
    assert card.verdict == VERDICT_CONDITIONAL
    assert all(gap.remediated for gap in card.gaps if gap.question_id == "a.policy")
    assert accepted_remediations(assessment) == [("方針を策定し提出する", due)]

    judgement.withdraw_remediation(actor, assessment, row.id)
    assert review_service.scorecard(assessment).verdict == VERDICT_NONCONFORMING
    assert accepted_remediations(assessment) == []
    assert judgement.remediation_state(Remediation.get_by_id(row.id)) == "withdrawn"
    accepted = json.loads(events("remediation.accept")[0].after)
    assert accepted["verdict"] == VERDICT_CONDITIONAL and accepted["state"] == "accepted"
    withdrawn = events("remediation.withdraw")[0]
    assert json.loads(withdrawn.before)["state"] == "accepted"
    assert json.loads(withdrawn.after)["verdict"] == VERDICT_NONCONFORMING
    assert len(events("remediation.add")) == 1


def test_remediation_is_only_for_a_gap_with_an_action_and_a_date_from_today(build, officer, today):
    actor = staff_actor(officer)
    assessment = build(NO_POLICY)
    due = today + dt.timedelta(days=30)
    cases = [
        (("a.detail", "対応する", due), "action", "指摘事項がない"),
        (("a.policy", "  ", due), "action", "是正措置の内容を入力してください。"),
        (("a.policy", "対応する", None), "due_on", "是正の期限を入力してください。"),
        (("a.policy", "対応する", today - dt.timedelta(days=1)), "due_on", "今日以降"),
        (("a.policy", "長" * 2001, due), "action", "2000文字以内"),
    ]
    for args, field, message in cases:
        with pytest.raises(ServiceError) as refused:
            judgement.add_remediation(actor, assessment, *args)
        assert refused.value.field == field and message in refused.value.message
    assert Remediation.select().count() == 0


def test_one_live_remediation_per_question_and_steps_in_order(build, officer, today):
    actor = staff_actor(officer)
    assessment = build(NO_POLICY)
    due = today + dt.timedelta(days=30)
    row = judgement.add_remediation(actor, assessment, "a.policy", "策定する", due)
    with pytest.raises(Conflict, match="登録済み"):
        judgement.add_remediation(actor, assessment, "a.policy", "別の内容", due)
    with pytest.raises(Conflict, match="承認済み"):
        judgement.mark_remediation_done(actor, assessment, row.id)
    judgement.accept_remediation(actor, assessment, row.id)
    with pytest.raises(Conflict):
        judgement.accept_remediation(actor, assessment, row.id)
    done = judgement.mark_remediation_done(actor, assessment, row.id)
    assert judgement.remediation_state(done) == "done" and done.done_at is not None
    assert review_service.scorecard(assessment).verdict == VERDICT_CONDITIONAL  # still accepted
    with pytest.raises(Conflict):
        judgement.withdraw_remediation(actor, assessment, row.id)
    assert len(events("remediation.done")) == 1
    other = build(NO_POLICY)
    with pytest.raises(NotFound):
        judgement.accept_remediation(actor, other, row.id)  # another assessment's remediation


def test_after_withdrawal_a_new_remediation_can_be_recorded(build, officer, today):
    actor = staff_actor(officer)
    assessment = build(NO_POLICY)
    due = today + dt.timedelta(days=30)
    first = judgement.add_remediation(actor, assessment, "a.policy", "一案", due)
    judgement.withdraw_remediation(actor, assessment, first.id)
    second = judgement.add_remediation(actor, assessment, "a.policy", "二案", due)
    judgement.accept_remediation(actor, assessment, second.id)
    assert accepted_remediations(assessment) == [("二案", due)]
    grouped = judgement.remediations_by_question(assessment)["a.policy"]
    assert [judgement.remediation_state(r) for r in grouped] == ["withdrawn", "accepted"]


def _accepted(build, officer, due: dt.date) -> Remediation:
    actor = staff_actor(officer)
    assessment = build(NO_POLICY)
    row = judgement.add_remediation(
        actor, assessment, "a.policy", "方針を策定する", due, today=due - dt.timedelta(days=10)
    )
    return judgement.accept_remediation(actor, assessment, row.id)


def test_overdue_remediations_are_accepted_not_done_and_past_their_date(build, officer, today):
    due = today + dt.timedelta(days=5)
    row = _accepted(build, officer, due)
    proposed = judgement.add_remediation(
        staff_actor(officer), build(NO_POLICY), "a.policy", "未承認", due
    )
    assert overdue_remediations.overdue_remediations(due) == []  # due today: not yet overdue
    (item,) = overdue_remediations.overdue_remediations(due + dt.timedelta(days=3))
    assert item.remediation.id == row.id and item.days_late == 3
    assert item.remediation.assessment.vendor.name.startswith("株式会社採点")
    assert proposed.id not in {
        i.remediation.id for i in overdue_remediations.overdue_remediations(due)
    }
    judgement.mark_remediation_done(staff_actor(officer), row.assessment, row.id)
    assert overdue_remediations.overdue_remediations(due + dt.timedelta(days=3)) == []


def test_overdue_remediation_is_reminded_to_staff_once_a_day(build, officer, today):
    due = today + dt.timedelta(days=5)
    row = _accepted(build, officer, due)
    day = due + dt.timedelta(days=2)
    first = queue_reminders(day)
    assert first.remediation == 1 and first.queued == 1
    (mail,) = MailMessage.select().where(MailMessage.dedupe_key.startswith("remediation:"))
    assert mail.to_address == "officer@city.example.jp"
    assert mail.dedupe_key == f"remediation:overdue:{row.id}:{day.isoformat()}"
    assert "是正措置の期限を過ぎています" in mail.subject and "2日過ぎて" in mail.body
    assert queue_reminders(day).remediation == 0, "a second run the same day queues nothing"
    assert queue_reminders(day + dt.timedelta(days=1)).remediation == 1, "the next day, again"
    assert len(events("mail.remediation_remind")) == 2
