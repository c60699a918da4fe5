"""The scorecard page: scores, verdict, requirements, gaps, reviewer scores, remediation,
evidence and certificate checks; and the dashboard's overdue and expiring lists."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import csrf_token, login
from tests.services.test_judgement import (
    NO_POLICY,
    QUESTIONNAIRE,
    SCRIPT,
    Build,
    staff_actor,
)
from vendorcheck.domain.scorecard import Review
from vendorcheck.domain.scoring import score
from vendorcheck.services import judgement
from vendorcheck.services import review as review_service
from vendorcheck.services.assessments import latest_answers
from vendorcheck.store.models import AuditEvent, Remediation, ReviewScore, VendorCertification


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


@pytest.fixture
def build(officer) -> Build:
    return Build(officer)


def page(client, assessment):
    return client.get(f"/assessments/{assessment.id}/scorecard")


def post(client, assessment, path: str, **data):
    token = csrf_token(client, f"/assessments/{assessment.id}/scorecard")
    return client.post(
        f"/assessments/{assessment.id}/scorecard/{path}", data={"csrf_token": token, **data}
    )


def certified(expires_on: dt.date) -> dict[str, str]:
    return {
        "a.policy": "yes",
        "a.detail": f"担当者3名{SCRIPT}",
        "cert.isms": "certified",
        "cert.isms_expiry": expires_on.isoformat(),
    }


def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


# --- the page ----------------------------------------------------------------------------------


def test_scorecard_shows_scores_verdict_requirements_evidence_and_certificates(
    client, build, today
):
    assessment = build(certified(today + dt.timedelta(days=200)), attach=True)
    assessment.case.contract_end = today + dt.timedelta(days=365)
    assessment.case.save()
    response = page(client, assessment)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>採点表: 株式会社採点1</h1>" in html
    assert "判定: <strong>" in html and "（未確定）" in html  # a.detail awaits review
    assert "70 点（区分2）" in html and "合格点（70 点）との比較" in html
    assert "✓ 合格点以上" in html
    assert "OUT-01" in html and "✓ 満たす" in html and "方針あり" in html
    assert 'data-question="a.detail"' in html and "審査待ち" in html
    assert "✓ 提出あり" in html and "登録証.pdf" in html
    assert "✗ 契約期間中に失効" in html and "契約期間の終了日" in html
    assert_escaped(html)
    review_page = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert f'href="/assessments/{assessment.id}/scorecard"' in review_page


def test_a_draft_is_scored_but_offers_no_forms(client, build):
    assessment = build(submit=False)
    html = page(client, assessment).get_data(as_text=True)
    assert "下書き（未提出）" in html and "評点を登録する" not in html
    assert client.get("/assessments/99999/scorecard").status_code == 404


# --- reviewer scores ---------------------------------------------------------------------------


def test_reviewer_score_changes_final_and_total_and_both_scores_are_shown(client, build, officer):
    assessment = build()
    response = post(
        client, assessment, "review", question_id="a.policy", score="0.25", reason="形骸化"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#q-a-policy")
    answers, _ = latest_answers(assessment)
    expected = score(QUESTIONNAIRE, answers, 2, {"a.policy": Review(0.25, "形骸化")})
    html = page(client, assessment).get_data(as_text=True)
    block = html.split('id="q-a-policy"', 1)[1].split("</article>", 1)[0]
    assert "<dt>自動の評点</dt><dd>1</dd>" in block
    assert "0.25（理由: 形骸化）" in block and officer.display_name in block
    assert "<dt>最終の評点</dt><dd><strong>0.25</strong></dd>" in block
    assert f"{expected.total} 点" in html
    assert review_service.scorecard(assessment).total == expected.total
    (event,) = AuditEvent.select().where(AuditEvent.action == "assessment.review_score")
    assert json.loads(event.before)["automatic"] == 1.0
    assert json.loads(event.after)["reviewed"] == 0.25


def test_clearing_a_reviewer_score_from_the_page(client, build):
    assessment = build()
    post(client, assessment, "review", question_id="a.detail", score="1", reason="十分")
    response = post(client, assessment, "review/clear", question_id="a.detail")
    assert response.status_code == 302
    assert review_service.scorecard(assessment).question("a.detail").reviewed is None
    again = post(client, assessment, "review/clear", question_id="a.detail")
    assert again.status_code == 409 and "取り消す審査担当者の評点がありません" in again.get_data(
        as_text=True
    )


@pytest.mark.parametrize("bad", ["1.5", "abc", "", "-1"])
def test_a_bad_score_is_refused_with_400_in_japanese_and_input_kept(client, build, bad):
    assessment = build()
    response = post(
        client, assessment, "review", question_id="a.detail", score=bad, reason="残す理由"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "評点は 0、0.25、0.5、0.75、1 の中から選んでください。" in html
    assert 'id="review-a-detail-score-error"' in html and ">残す理由</textarea>" in html
    assert 'class="scorecard-form no-print scorecard-form--open" id="review-a-detail"' in html
    assert ReviewScore.select().count() == 0


def test_a_missing_reason_is_refused_and_the_chosen_score_kept(client, build):
    assessment = build()
    response = post(client, assessment, "review", question_id="a.detail", score="0.5", reason=" ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "評点の理由を入力してください。" in html
    assert '<option value="0.5" selected>' in html
    assert ReviewScore.select().count() == 0


def test_hostile_text_in_reasons_and_actions_is_escaped(client, build, today):
    assessment = build(NO_POLICY)
    post(client, assessment, "review", question_id="a.detail", score="0", reason=SCRIPT)
    post(
        client,
        assessment,
        "remediations",
        question_id="a.policy",
        action=f"策定{SCRIPT}",
        due_on=(today + dt.timedelta(days=30)).isoformat(),
    )
    html = page(client, assessment).get_data(as_text=True)
    assert "理由: &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "策定&lt;script&gt;" in html
    assert_escaped(html)


# --- remediation -------------------------------------------------------------------------------


def test_remediation_on_the_page_lifts_and_restores_the_verdict(client, build, today):
    assessment = build(NO_POLICY)
    assert "✗ 不適合" in page(client, assessment).get_data(as_text=True)
    due = today + dt.timedelta(days=45)
    response = post(
        client,
        assessment,
        "remediations",
        question_id="a.policy",
        action="方針を策定する",
        due_on=due.isoformat(),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#remediation-a-policy")
    row = Remediation.get()
    html = page(client, assessment).get_data(as_text=True)
    assert "承認待ち" in html and "承認する" in html and "✗ 不適合" in html
    assert post(client, assessment, f"remediations/{row.id}/accept").status_code == 302
    html = page(client, assessment).get_data(as_text=True)
    assert "△ 条件付適合" in html and "是正措置を承認した項目があります" in html
    assert "完了を記録する" in html
    assert post(client, assessment, f"remediations/{row.id}/withdraw").status_code == 302
    html = page(client, assessment).get_data(as_text=True)
    assert "✗ 不適合" in html and "取り下げ" in html
    assert "是正措置を登録する" in html  # a new one may be recorded
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert [a for a in actions if a.startswith("remediation.")] == [
        "remediation.add",
        "remediation.accept",
        "remediation.withdraw",
    ]
    refused = post(client, assessment, f"remediations/{row.id}/accept")
    assert refused.status_code == 409 and "承認待ちの是正措置だけ" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("", "是正の期限を入力してください。"),
        ("2025/13/40", "2025-04-01 の形で入力してください。"),
        ("2000-01-01", "今日以降の日付を入力してください。"),
    ],
)
def test_a_bad_remediation_date_is_refused_and_the_action_kept(client, build, due, message):
    assessment = build(NO_POLICY)
    response = post(
        client, assessment, "remediations", question_id="a.policy", action="保持", due_on=due
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert ">保持</textarea>" in html and 'id="add-remediation-a-policy-due-error"' in html
    assert Remediation.select().count() == 0


def test_viewer_cannot_post_and_nothing_is_written(client, build, make_staff, today):
    assessment = build(NO_POLICY)
    row = judgement.add_remediation(
        staff_actor(build.officer), assessment, "a.policy", "策定", today + dt.timedelta(days=9)
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    viewer = make_staff("viewer")
    assert login(client, viewer.login_id).status_code == 302
    html = page(client, assessment).get_data(as_text=True)
    assert "評点を登録する" not in html and "承認する" not in html
    before = AuditEvent.select().count()
    token = csrf_token(client, f"/assessments/{assessment.id}/scorecard")
    base = f"/assessments/{assessment.id}/scorecard"
    for path, data in [
        ("review", {"question_id": "a.detail", "score": "1", "reason": "x"}),
        ("review/clear", {"question_id": "a.detail"}),
        ("remediations", {"question_id": "a.policy", "action": "x", "due_on": "2099-01-01"}),
        (f"remediations/{row.id}/accept", {}),
    ]:
        response = client.post(f"{base}/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    assert ReviewScore.select().count() == 0 and Remediation.select().count() == 1
    assert judgement.remediation_state(Remediation.get_by_id(row.id)) == "proposed"
    assert AuditEvent.select().count() == before


# --- the dashboard -----------------------------------------------------------------------------


def test_dashboard_lists_overdue_remediations_and_certificates_expiring_in_90_days(
    client, build, today
):
    late = build(NO_POLICY, vendor_name="株式会社遅延")
    actor = staff_actor(build.officer)
    row = judgement.add_remediation(
        actor,
        late,
        "a.policy",
        f"方針を策定{SCRIPT}",
        today - dt.timedelta(days=3),
        today=today - dt.timedelta(days=20),
    )
    judgement.accept_remediation(actor, late, row.id)
    soon = build(certified(today + dt.timedelta(days=40)), vendor_name="株式会社期限")
    VendorCertification.create(
        vendor=soon.vendor_id, kind="pmark", number="P-1", expires_on=today + dt.timedelta(days=10)
    )
    VendorCertification.create(
        vendor=soon.vendor_id, kind="isms", expires_on=today + dt.timedelta(days=200)
    )
    html = client.get("/").get_data(as_text=True)
    overdue = html.split('id="overdue-remediations"', 1)[1].split("</section>", 1)[0]
    assert "株式会社遅延" in overdue and "✗ 3日超過" in overdue
    assert f"/assessments/{late.id}/scorecard#remediation-a-policy" in overdue
    expiring = html.split('id="expiring"', 1)[1].split("</section>", 1)[0]
    assert "プライバシーマーク（P-1）" in expiring and "あと10日" in expiring
    assert "ISMS認証の有効期限を記入してください。" in expiring and "あと40日" in expiring
    assert "あと200日" not in expiring
    assert expiring.index("あと10日") < expiring.index("あと40日")
    assert_escaped(html)


def test_empty_dashboard_says_nothing_is_overdue_or_expiring(client, officer):
    html = client.get("/").get_data(as_text=True)
    assert "期限を過ぎて完了していない是正措置はありません。" in html
    assert "90日以内に有効期限を迎える認証・証明書はありません。" in html
