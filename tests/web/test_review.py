"""Staff review of an assessment: scorecard, answers, comments, return, decision, versions."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token, home_department
from tests.fixtures import review_questionnaire
from vendorcheck.domain import assessment_status as status
from vendorcheck.services import answers as answer_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.invitations import LinkSettings, invite
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    MailMessage,
    ReviewComment,
    Submission,
    Vendor,
)

SCRIPT = "<script>alert(1)</script>"
PDF = b"%PDF-1.4\n% review test\n"
QUESTIONNAIRE = review_questionnaire(
    "review_test",
    "審査テスト用確認書",
    version=2,
    questions=("a.policy", "a.why_none", "a.detail", "a.rules"),
    changes={
        "a.policy": {"options": ["yes", "no"]},
        "a.detail": {"scoring": "answered", "weight": None},
    },
)


def _staff_actor(staff) -> Actor:
    return Actor("staff", staff.id, staff.display_name)


def _vendor(name: str, email: str) -> Vendor:
    return Vendor.create(name=name, name_normalized=name.casefold(), contact_email=email)


def _invite(staff, *vendors: Vendor) -> list[Assessment]:
    case = Case.create(
        title=f"庁内LAN保守 {SCRIPT}",
        kind="outsourcing",
        classification_level="2",
        tier=2,
        department=home_department(),
    )
    links = invite(
        _staff_actor(staff),
        case,
        [vendor.id for vendor in vendors],
        QUESTIONNAIRE,
        deadline=None,
        language="ja",
        settings=LinkSettings(base_url="http://vendorcheck.test"),
    )
    return [link.assessment for link in links]


def _answer(assessment: Assessment, **values: str) -> Assessment:
    """Save answers as the vendor portal does (q__<id> fields of one section)."""
    fresh = Assessment.get_by_id(assessment.id)
    form = {f"q__{qid.replace('__', '.')}": [value] for qid, value in values.items()}
    result = answer_service.save_section(fresh, "a", form, fresh.draft_revision)
    assert not result.errors, result.errors
    return Assessment.get_by_id(assessment.id)


def _attach(assessment: Assessment, filename: str = "規程.pdf"):
    fresh = Assessment.get_by_id(assessment.id)
    return answer_service.add_evidence(fresh, "a.rules", filename, PDF, max_bytes=1_000_000)


def _submit(assessment: Assessment) -> Submission:
    fresh = Assessment.get_by_id(assessment.id)
    actor = answer_service.vendor_actor(fresh, "127.0.0.1")
    return answer_service.submit(fresh, fresh.draft_revision, actor)


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


@pytest.fixture
def submitted(officer):
    """One vendor's assessment, answered with HTML in its text and a file, submitted once."""
    vendor = _vendor(f"株式会社{SCRIPT}", "vendor@example.jp")
    (assessment,) = _invite(officer, vendor)
    _answer(assessment, a__policy="yes", a__detail=f"一行目 {SCRIPT}\n二行目")
    evidence = _attach(assessment)
    _submit(assessment)
    return Assessment.get_by_id(assessment.id), evidence


def _page(client, assessment, query: str = ""):
    return client.get(f"/assessments/{assessment.id}{query}")


def _post(client, assessment, action: str, **data):
    token = csrf_token(client, f"/assessments/{assessment.id}")
    return client.post(f"/assessments/{assessment.id}/{action}", data={"csrf_token": token, **data})


def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


# --- the page ------------------------------------------------------------------------------


def test_page_shows_the_scorecard_and_the_submitted_answers(app, client, submitted):
    assessment, evidence = submitted
    response = _page(client, assessment)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "回答の審査" in html and "提出済み" in html
    assert "審査テスト用確認書（第2版）" in html and "区分2" in html
    assert "判定: <strong>✓ 適合</strong>" in html
    assert "100.0 点" in html and "70 点（区分2）" in html
    assert "✓ 満たす" in html and "OUT-02" in html
    assert "方針あり" in html and "一行目" in html and "<br>二行目" in html
    assert "第1版（表示中）" in html
    # The hidden (not applicable) question is not listed among the answers.
    assert "方針がない理由" not in html and 'id="answer-a-why_none"' not in html
    link = f"/assessments/{assessment.id}/evidence/{evidence.id}"
    assert f'href="{link}"' in html and "規程.pdf" in html
    assert_escaped(html)
    if "cases.detail" in app.view_functions:
        assert f'href="/cases/{assessment.case_id}' in html


def test_gaps_are_listed_by_severity_and_link_to_the_answer(client, officer):
    (assessment,) = _invite(officer, _vendor("株式会社ギャップ", ""))
    _answer(assessment, a__policy="no", a__why_none="検討中", a__detail="説明")
    _submit(assessment)
    html = _page(client, assessment).get_data(as_text=True)
    assert "判定: <strong>✗ 不適合</strong>" in html
    assert "重大度「必須」（1 件）" in html and "重大度「高」（1 件）" in html
    # named, not numbered: the link reads the question (issue 16), the id stays in data-question
    assert 'href="#answer-a-policy" class="question-ref" data-question="a.policy"' in html
    assert 'id="answer-a-policy"' in html and 'id="answer-a-why_none"' in html
    assert "✗ 満たさない" in html or "△ 一部満たす" in html


def test_draft_is_shown_and_marked_when_nothing_was_submitted(client, officer):
    (assessment,) = _invite(officer, _vendor("株式会社下書き", ""))
    _answer(assessment, a__policy="yes", a__detail=SCRIPT)
    response = _page(client, assessment)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "下書き（未提出）" in html and "回答中" in html
    assert_escaped(html)
    assert "承認・不採用を判断する" not in html  # nothing to decide on yet


def test_unknown_assessment_and_bad_version_answer_in_japanese(client, submitted):
    assessment, evidence = submitted
    missing = client.get("/assessments/99999")
    assert missing.status_code == 404 and "見つかりません" in missing.get_data(as_text=True)
    assert client.get("/assessments/99999/compare").status_code == 404
    assert client.get(f"/assessments/99999/evidence/{evidence.id}").status_code == 404
    assert _page(client, assessment, "?version=7").status_code == 404
    bad = _page(client, assessment, "?version=abc")
    assert bad.status_code == 400 and "数字で指定" in bad.get_data(as_text=True)


# --- comments ------------------------------------------------------------------------------


def test_comment_is_stored_audited_and_shown_escaped(client, officer, submitted):
    assessment, _ = submitted
    response = _post(
        client, assessment, "comments", question_id="a.detail", body=f"根拠は？{SCRIPT}"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#answer-a-detail")
    comment = ReviewComment.get(ReviewComment.assessment == assessment)
    assert comment.question_id == "a.detail" and comment.for_version == 1
    assert comment.staff_id == officer.id
    assert AuditEvent.select().where(AuditEvent.action == "assessment.comment").count() == 1
    html = _page(client, assessment).get_data(as_text=True)
    assert "根拠は？" in html and 'id="answer-a-detail-comments"' in html
    assert_escaped(html)


def test_empty_comment_is_refused_beside_the_field_and_unknown_question_is_404(client, submitted):
    assessment, _ = submitted
    empty = _post(client, assessment, "comments", question_id="a.detail", body="  ")
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400
    assert 'id="comment-a-detail-error"' in html and "コメントを入力してください。" in html
    unknown = _post(client, assessment, "comments", question_id="z.nothing", body="x")
    assert unknown.status_code == 404
    assert ReviewComment.select().count() == 0


# --- return, resubmission and comparison ---------------------------------------------------


def test_return_reopens_for_the_vendor_with_comments_audit_and_mail(client, submitted):
    assessment, _ = submitted
    page = _page(client, assessment).get_data(as_text=True)
    assert 'name="comment__a.policy"' in page and 'name="comment__a.detail"' in page
    assert 'name="comment__a.why_none"' not in page  # only answered questions
    response = _post(
        client,
        assessment,
        "return",
        message=f"具体的に記載してください。{SCRIPT}",
        **{"comment__a.detail": "担当者の人数を書いてください。", "comment__a.policy": ""},
    )
    assert response.status_code == 302
    returned = Assessment.get_by_id(assessment.id)
    assert returned.status == status.RETURNED
    stored = {c.question_id: c.body for c in ReviewComment.select()}
    assert stored == {
        "a.detail": "担当者の人数を書いてください。",
        "": f"具体的に記載してください。{SCRIPT}",
    }
    event = AuditEvent.get(AuditEvent.action == "assessment.return")
    assert "担当者の人数" in event.after
    mail = MailMessage.get(
        MailMessage.to_address == "vendor@example.jp", MailMessage.subject.contains("差し戻し")
    )
    assert "質問へのコメント 1 件" in mail.body
    html = _page(client, assessment).get_data(as_text=True)
    assert "差し戻し中" in html and "担当者の人数を書いてください。" in html
    assert "事業者に差し戻す" not in html  # nothing to return until the vendor resubmits
    assert_escaped(html)


def test_return_without_any_comment_is_refused_and_input_kept(client, submitted):
    assessment, _ = submitted
    too_long = "長" * 4001
    response = _post(client, assessment, "return", message="", **{"comment__a.detail": too_long})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="return-a-detail-error"' in html
    assert too_long in html
    response = _post(client, assessment, "return", message="  ")
    assert response.status_code == 400
    assert "差し戻しの理由か、質問へのコメントを1つ以上入力してください。" in response.get_data(
        as_text=True
    )
    assert Assessment.get_by_id(assessment.id).status == status.SUBMITTED
    assert ReviewComment.select().count() == 0


def test_return_of_an_unsubmitted_assessment_is_a_conflict(client, officer):
    (assessment,) = _invite(officer, _vendor("株式会社未提出", "x@example.jp"))
    _answer(assessment, a__policy="yes")
    response = _post(client, assessment, "return", message="修正してください。")
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert "差し戻しできるのは提出済みの回答だけです。" in follow.get_data(as_text=True)
    assert ReviewComment.select().count() == 0
    assert Assessment.get_by_id(assessment.id).status == status.IN_PROGRESS


def test_resubmission_makes_version_two_and_compare_shows_the_change(client, submitted):
    assessment, _ = submitted
    _post(client, assessment, "return", message="詳しく書いてください。")
    _answer(assessment, a__policy="yes", a__detail=f"担当者は3名です。{SCRIPT}")
    assert _submit(assessment).version == 2
    html = _page(client, assessment).get_data(as_text=True)
    assert "第2版（表示中）" in html and "担当者は3名です。" in html
    older = _page(client, assessment, "?version=1").get_data(as_text=True)
    assert "第1版（表示中）" in older and "最新の版ではありません" in older
    shown = older.split('id="answers-title"', 1)[1]
    assert "担当者は3名です。" not in shown and "二行目" in shown

    response = client.get(f"/assessments/{assessment.id}/compare?from=1&to=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "第1版から第2版への変更（1 件）" in html
    assert (
        "管理体制を説明してください。" in html and "担当者は3名です。" in html and "二行目" in html
    )
    assert "a.policy" not in html.split("<tbody>", 1)[1]  # unchanged answers are not listed
    assert_escaped(html)
    default = client.get(f"/assessments/{assessment.id}/compare")
    assert default.status_code == 200 and "第1版から第2版への変更" in default.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("?from=1&to=9", 404, "提出されていません"),
        ("?from=a&to=2", 400, "数字で指定"),
        ("?from=1", 400, "2つの版"),
        ("?from=2&to=2", 400, "異なる2つの版"),
    ],
)
def test_compare_refuses_bad_or_missing_versions(client, submitted, query, code, message):
    assessment, _ = submitted
    _post(client, assessment, "return", message="修正してください。")
    _answer(assessment, a__policy="yes", a__detail="変更")
    _submit(assessment)
    response = client.get(f"/assessments/{assessment.id}/compare{query}")
    assert response.status_code == code and message in response.get_data(as_text=True)


def test_compare_with_a_single_version_explains_why(client, submitted):
    assessment, _ = submitted
    response = client.get(f"/assessments/{assessment.id}/compare?from=1&to=2")
    assert response.status_code == 404
    assert "2回以上提出された回答" in response.get_data(as_text=True)


# --- decisions -----------------------------------------------------------------------------


def test_accept_records_the_decision_with_its_verdict(client, officer, submitted):
    assessment, _ = submitted
    response = _post(client, assessment, "decide", decision="accepted", reason="")
    assert response.status_code == 302
    decided = Assessment.get_by_id(assessment.id)
    assert decided.status == status.ACCEPTED and decided.decided_by_id == officer.id
    event = AuditEvent.get(AuditEvent.action == "assessment.accept")
    assert '"verdict": "適合"' in event.after
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "「承認」としました" in html and "承認・不採用を判断する" not in html


def test_reject_needs_a_reason(client, submitted):
    assessment, _ = submitted
    refused = _post(client, assessment, "decide", decision="rejected", reason=" ")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "不採用の理由を入力してください。" in html
    assert 'value="rejected" checked' in html  # the choice is kept
    assert Assessment.get_by_id(assessment.id).status == status.SUBMITTED
    no_choice = _post(client, assessment, "decide", reason="x")
    assert no_choice.status_code == 400 and "判断を選んでください。" in no_choice.get_data(
        as_text=True
    )
    rejected = _post(
        client, assessment, "decide", decision="rejected", reason=f"体制不十分{SCRIPT}"
    )
    assert rejected.status_code == 302
    decided = Assessment.get_by_id(assessment.id)
    assert decided.status == status.REJECTED and decided.decision_reason.startswith("体制不十分")
    html = _page(client, assessment).get_data(as_text=True)
    assert "不採用" in html and "体制不十分" in html
    assert_escaped(html)


def test_a_second_decision_is_a_conflict_and_writes_nothing(client, submitted):
    assessment, _ = submitted
    _post(client, assessment, "decide", decision="accepted", reason="")
    events = AuditEvent.select().count()
    again = _post(client, assessment, "decide", decision="rejected", reason="やはり不可")
    assert again.status_code == 302
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "承認・不採用にできるのは提出済みの回答だけです。" in html
    decided = Assessment.get_by_id(assessment.id)
    assert decided.status == status.ACCEPTED and decided.decision_reason == ""
    assert AuditEvent.select().count() == events


def test_a_viewer_sees_the_page_but_cannot_post(app, client, make_staff, submitted):
    from tests.conftest import login

    assessment, _ = submitted
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    viewer = make_staff("viewer")
    login(client, viewer.login_id)
    html = _page(client, assessment).get_data(as_text=True)
    assert "コメントを追加する" not in html and "判断を登録する" not in html
    events = AuditEvent.select().count()
    for action, data in (
        ("decide", {"decision": "accepted", "reason": ""}),
        ("return", {"message": "修正してください。"}),
        ("comments", {"question_id": "a.detail", "body": "見ました"}),
    ):
        assert _post(client, assessment, action, **data).status_code == 403, action
    assert Assessment.get_by_id(assessment.id).status == status.SUBMITTED
    assert ReviewComment.select().count() == 0 and AuditEvent.select().count() == events


# --- evidence ------------------------------------------------------------------------------


def test_evidence_downloads_only_as_an_attachment_of_its_own_assessment(client, officer):
    first, second = _invite(
        officer, _vendor("株式会社一", "one@example.jp"), _vendor("株式会社二", "two@example.jp")
    )
    mine = _attach(first, "情報セキュリティ規程.pdf")
    theirs = _attach(second, "rules.pdf")
    response = client.get(f"/assessments/{first.id}/evidence/{mine.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="evidence-{mine.id}.pdf"' in disposition
    assert "filename*=UTF-8''%E6%83%85%E5%A0%B1" in disposition and disposition.endswith(".pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    ascii_name = client.get(f"/assessments/{second.id}/evidence/{theirs.id}")
    assert 'filename="rules.pdf"' in ascii_name.headers["Content-Disposition"]
    other = client.get(f"/assessments/{first.id}/evidence/{theirs.id}")
    assert other.status_code == 404 and other.data != PDF
