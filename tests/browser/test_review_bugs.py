"""Bugs 4–6 of the review loop in Chromium, and the scorecard's visible review actions: the
return mail (the link and the contact's name, through the outbox and a real SMTP server), the
vendor landing on the returned assessment from it, accepting while a reviewer's score is
pending (warning, confirmation, reason, audit log), the first run without an organisation name,
and the scorecard's score and remediation forms opened by buttons with JavaScript off."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.browser.test_journeys import _log_in, _submit
from tests.conftest import home_department
from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.questionnaire import parse_questionnaire
from vendorcheck.services import answers as answer_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.invitations import LinkSettings, invite
from vendorcheck.services.organisation import UNSET_NAME
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    MailMessage,
    Organisation,
    ReviewScore,
    Vendor,
)

pytestmark = pytest.mark.browser

# One choice with a finding and one free-text answer that only a reviewer can score.
QUESTIONNAIRE = parse_questionnaire(
    tomllib.loads(
        """
id = "browser_review_bugs"
version = 1
kinds = ["outsourcing"]
title = { ja = "審査の確認用" }

[thresholds]
"1" = { pass = 50 }
"2" = { pass = 70 }
"3" = { pass = 80 }

[[sections]]
id = "a"
title = { ja = "管理体制" }

[[sections.questions]]
id = "a.policy"
type = "choice"
text = { ja = "情報セキュリティ方針はありますか。" }
requirements = ["OUT-01"]
options = [
  { value = "yes", label = { ja = "方針あり" }, score = 1.0 },
  { value = "no", label = { ja = "方針なし" }, score = 0.0, finding = "high" },
]

[[sections.questions]]
id = "a.detail"
type = "text"
scoring = "reviewer"
text = { ja = "管理体制を説明してください。" }
requirements = ["OUT-02"]
show_if = { question = "a.policy", in = ["no"] }
"""
    ),
    "browser_review_bugs.toml",
)
CONTACT = "佐藤 花子"
VENDOR = "株式会社みなと"


def _vendor() -> Vendor:
    return Vendor.create(
        name=VENDOR,
        name_normalized=VENDOR,
        contact_name=CONTACT,
        contact_email="sato@minato.example.jp",
    )


def _case() -> Case:
    return Case.create(
        title="庁内LAN保守",
        kind="outsourcing",
        classification_level="2",
        tier=2,
        department=home_department(),
    )


def _submitted(app, base_url: str) -> int:
    """An invited vendor's submission whose free-text answer waits for a reviewer's score."""
    app.config["BASE_URL"] = base_url  # links in mails point at the live server
    with app.extensions["vendorcheck_db"].connection_context():
        (link,) = invite(
            Actor.system("test"),
            _case(),
            [_vendor().id],
            QUESTIONNAIRE,
            deadline=None,
            language="ja",
            settings=LinkSettings(base_url=base_url),
        )
        assessment = Assessment.get_by_id(link.assessment.id)
        form = {"q__a.policy": ["no"], "q__a.detail": ["策定中です。"]}
        result = answer_service.save_section(assessment, "a", form, assessment.draft_revision)
        assert not result.errors, result.errors
        assessment = Assessment.get_by_id(assessment.id)
        answer_service.submit(
            assessment, assessment.draft_revision, answer_service.vendor_actor(assessment, "")
        )
        return assessment.id


def _staff_page(browser, make_staff, base: str, role: str = "officer", **options):
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}, **options
    )
    staff = make_staff(role)
    tab = context.new_page()
    _log_in(tab, base, staff.login_id)
    return tab


def _send_mail(app, runner, smtp_server) -> list[dict]:
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    mails = []
    for item in smtp_server.messages:
        message = item["message"]
        body = message.get_body(preferencelist=("plain",)).get_content()
        mails.append({"to": item["to"], "subject": str(message["subject"]), "body": body})
    return mails


# --- bug 4: the return mail ---------------------------------------------------------------------


def test_return_mail_has_a_working_link_and_greets_the_contact_like_the_invitation(
    app, live_server, browser, make_staff, runner, smtp_server
):
    assessment_id = _submitted(app, live_server)
    officer = _staff_page(browser, make_staff, live_server)
    # The link of the invitation stops working (revoked): the return mail must carry a new one.
    with app.extensions["vendorcheck_db"].connection_context():
        case_id = Assessment.get_by_id(assessment_id).case_id
    officer.goto(f"{live_server}/cases/{case_id}")
    _submit(officer, officer.get_by_role("button", name=re.compile("リンクを無効化")))

    officer.goto(f"{live_server}/assessments/{assessment_id}")
    officer.locator("form[action$='/return'] textarea[name=message]").fill(
        "体制図を添えてください。"
    )
    officer.locator("textarea[name='comment__a.detail']").fill("担当者の人数を書いてください。")
    _submit(officer, officer.get_by_role("button", name="差し戻す"))
    assert "差し戻し中" in officer.content()

    mails = _send_mail(app, runner, smtp_server)
    invitation = next(m for m in mails if "ご回答のお願い" in m["subject"])
    returned = next(m for m in mails if "差し戻し" in m["subject"])
    assert returned["to"] == ["sato@minato.example.jp"]
    assert "【テスト市】" in returned["subject"] and UNSET_NAME not in returned["subject"]
    greeting = f"{VENDOR}\n{CONTACT} 様"
    assert returned["body"].startswith(greeting) and invitation["body"].startswith(greeting)
    assert "ご担当者 様" not in returned["body"]
    old_link = re.search(rf"{re.escape(live_server)}/p/[A-Za-z0-9_-]+/", invitation["body"])
    new_link = re.search(rf"{re.escape(live_server)}/p/[A-Za-z0-9_-]+/", returned["body"])
    assert old_link and new_link and old_link.group(0) != new_link.group(0), returned["body"]

    vendor = browser.new_context(locale="ja-JP").new_page()
    vendor.goto(old_link.group(0))
    assert "体制図を添えてください。" not in vendor.content()  # the revoked link is refused
    vendor.goto(new_link.group(0))
    assert "体制図を添えてください。" in vendor.content()
    with vendor.expect_navigation():
        vendor.get_by_role("link", name="修正する").click()
    comments = vendor.locator("#q-a-detail-comments")
    assert "担当者の人数を書いてください。" in comments.inner_text()
    assert vendor.locator("#q-a-detail--answer").input_value() == "策定中です。"
    vendor.context.close()
    officer.context.close()


# --- bug 5: accepting while a reviewer's score is pending ----------------------------------------


def test_accepting_with_a_pending_score_needs_confirmation_and_a_reason_and_is_logged(
    app, live_server, browser, make_staff
):
    assessment_id = _submitted(app, live_server)
    page = _staff_page(browser, make_staff, live_server)
    page.goto(f"{live_server}/assessments/{assessment_id}")
    warning = page.locator("#pending-warning")
    assert "審査待ちの質問が 1 件あり、判定は未確定です。" in warning.inner_text()
    assert "管理体制を説明してください。" in warning.inner_text()

    page.locator("#decision-accepted").check()
    reason = page.locator("form[action$='/decide'] textarea[name=reason]")
    reason.fill("記述式の回答は契約前の面談で確認するため。")
    _submit(page, page.get_by_role("button", name="判断を登録する"))
    assert "採点表で評点をつけてから承認するか" in page.content()
    assert page.locator("#decision-accepted").is_checked()  # what was entered is kept
    assert reason.input_value() == "記述式の回答は契約前の面談で確認するため。"

    reason.fill("")
    page.get_by_label("審査待ちの質問が残ったまま承認する").check()
    _submit(page, page.get_by_role("button", name="判断を登録する"))
    assert "審査待ちのまま承認する理由を入力してください。" in page.content()
    with app.extensions["vendorcheck_db"].connection_context():
        assert Assessment.get_by_id(assessment_id).status == status.SUBMITTED
        assert not AuditEvent.select().where(AuditEvent.action == "assessment.accept").exists()

    assert page.get_by_label("審査待ちの質問が残ったまま承認する").is_checked()  # kept
    reason.fill("記述式の回答は契約前の面談で確認するため。")
    _submit(page, page.get_by_role("button", name="判断を登録する"))
    assert "承認" in page.locator("dl.summary").first.inner_text()
    with app.extensions["vendorcheck_db"].connection_context():
        assert Assessment.get_by_id(assessment_id).status == status.ACCEPTED

    page.context.close()

    auditor = _staff_page(browser, make_staff, live_server, role="ciso")
    auditor.goto(f"{live_server}/audit/")
    auditor.get_by_label("操作", exact=True).select_option("assessment.accept")
    _submit(auditor, auditor.get_by_role("button", name="絞り込む"))
    row = auditor.locator("table.audit-table tbody tr")
    assert row.count() == 1
    assert f"{VENDOR} の回答を承認" in row.inner_text()
    assert "審査待ち 1 件のまま" in row.inner_text()
    row.locator("summary").click()
    assert "記述式の回答は契約前の面談で確認するため。" in row.inner_text()
    auditor.context.close()


# --- bug 6: the first run without an organisation name --------------------------------------------


def test_first_run_refuses_invitations_then_leads_through_setup_to_a_named_mail(
    app, live_server, browser, make_staff, runner, smtp_server
):
    app.config["BASE_URL"] = live_server
    with app.extensions["vendorcheck_db"].connection_context():
        Organisation.update(name=UNSET_NAME).execute()
        case_id = _case().id
        _vendor()
    page = _staff_page(browser, make_staff, live_server, role="admin")

    page.goto(f"{live_server}/cases/{case_id}/invite")
    refusal = page.locator("#organisation-not-set-up")
    assert "団体名がまだ設定されていないため、事業者を招待できません" in refusal.inner_text()
    assert page.locator("input[name=vendor_ids]").count() == 0
    with page.expect_navigation():
        refusal.get_by_role("link", name="組織設定で団体名を設定する").click()
    assert page.url.endswith("/admin/organisation")

    page.goto(f"{live_server}/")
    first_run = page.locator("section.first-run")
    assert "はじめに: 使い始めるための設定" in first_run.inner_text()
    with page.expect_navigation():  # step 1 is the one highlighted as a button
        first_run.locator("a.button").click()
    page.get_by_label("団体名").fill("みなと市")
    _submit(page, page.get_by_role("button", name="保存する"))
    assert "組織設定を保存しました。" in page.content()

    with page.expect_navigation():
        page.locator("nav.breadcrumbs").get_by_role("link", name="ダッシュボード").click()
    assert "1. 団体名を設定する完了" in first_run.inner_text().replace("\n", "")
    with page.expect_navigation():
        first_run.get_by_role("link", name="部局の管理を開く").click()
    page.get_by_label("部局名").fill("情報政策課")
    _submit(page, page.get_by_role("button", name="追加する"))
    assert "部局「情報政策課」を追加しました。" in page.content()

    with page.expect_navigation():
        page.locator("nav.breadcrumbs").get_by_role("link", name="ダッシュボード").click()
    with page.expect_navigation():  # the organisation is named: now staff is the next step
        first_run.locator("a.button").click()
    assert page.url.endswith("/admin/staff/new")
    page.get_by_label("ログイン ID").fill("tanaka")
    page.get_by_label("氏名").fill("田中 一郎")
    page.get_by_label("役割").select_option("officer")
    page.get_by_label("所属部局").select_option(label="情報政策課")
    _submit(page, page.get_by_role("button", name="追加する"))
    page.goto(f"{live_server}/")
    assert page.locator("section.first-run").count() == 0
    assert "みなと市" in page.locator("main").inner_text()

    page.goto(f"{live_server}/cases/{case_id}/invite")
    assert page.locator("#organisation-not-set-up").count() == 0
    page.get_by_label(VENDOR).check()
    page.get_by_label("確認書").select_option(index=0)
    _submit(page, page.get_by_role("button", name="招待する"))
    assert page.locator("code.vendor-link").count() == 1

    (mail,) = _send_mail(app, runner, smtp_server)
    assert mail["subject"].startswith("【みなと市】"), mail["subject"]
    assert UNSET_NAME not in mail["subject"] and UNSET_NAME not in mail["body"]
    with app.extensions["vendorcheck_db"].connection_context():
        assert not MailMessage.select().where(MailMessage.subject.contains(UNSET_NAME)).exists()
    page.context.close()


# --- the scorecard's review actions are visible buttons (and work without JavaScript) ------------


def test_scorecard_actions_are_visible_buttons_that_open_their_forms_without_javascript(
    app, live_server, browser, make_staff
):
    assessment_id = _submitted(app, live_server)
    page = _staff_page(browser, make_staff, live_server, java_script_enabled=False)
    page.goto(f"{live_server}/assessments/{assessment_id}/scorecard")
    assert page.locator("article.scorecard-question details").count() == 0
    assert page.locator("article.scorecard-remediation details").count() == 0

    block = page.locator("#q-a-detail")
    score_button = block.get_by_role("link", name=re.compile("審査担当者の評点を付ける"))
    assert score_button.is_visible()
    assert block.get_by_label("評点", exact=True).is_hidden()  # calm: forms wait to be asked
    score_button.click()
    assert page.url.endswith("#review-a-detail")
    block.get_by_label("評点", exact=True).select_option("0.5")
    block.get_by_label("評点の理由").fill("体制はあるが人数の記載がない。")
    _submit(page, block.get_by_role("button", name=re.compile("評点を登録する")))
    assert block.get_by_label("評点", exact=True).is_hidden()  # saved: the form closes again
    assert "体制はあるが人数の記載がない。" in page.locator("#q-a-detail").inner_text()
    with app.extensions["vendorcheck_db"].connection_context():
        assert ReviewScore.select().where(ReviewScore.question_id == "a.detail").count() == 1

    remediation = page.locator("#remediation-a-policy")
    add = remediation.get_by_role("link", name=re.compile("是正措置（条件）を登録する"))
    assert add.is_visible() and remediation.get_by_label("事業者が行うこと").is_hidden()
    add.click()
    remediation.get_by_label("事業者が行うこと").fill("情報セキュリティ方針を策定して提出する。")
    remediation.get_by_label("期限").fill("2027-03-31")
    _submit(page, remediation.get_by_role("button", name=re.compile("是正措置を登録する")))
    assert "承認待ち" in page.locator("#remediation-a-policy").inner_text()

    # a refused form stays open with what was typed, without the button being pressed again
    page.goto(f"{live_server}/assessments/{assessment_id}/scorecard")
    page.locator("#q-a-policy").get_by_role("link", name=re.compile("評点を付ける")).click()
    page.locator("#q-a-policy").get_by_label("評点の理由").fill("評点を選び忘れた理由")
    _submit(page, page.locator("#q-a-policy").get_by_role("button", name=re.compile("評点を登録")))
    form = page.locator("#review-a-policy")
    assert form.is_visible() and "#review-a-policy" not in page.url
    assert form.get_by_label("評点の理由").input_value() == "評点を選び忘れた理由"
    page.context.close()
