"""The whole vetting flow in Chromium: staff invite, the vendor answers, staff return and accept."""

from __future__ import annotations

import re

import pytest

from tests.browser.portal_driver import fill_visible_questions, revise_and_resubmit
from tests.conftest import PASSWORD
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.models import Assessment, Submission

pytestmark = pytest.mark.browser


def _answer_every_section(page, url, questionnaire):
    page.goto(url)
    page.get_by_role("link", name="回答を始める").click()
    for _ in range(len(questionnaire.sections) + 2):
        match = re.search(r"/s/([^/#?]+)$", page.url)
        if not match:
            break
        fill_visible_questions(page, questionnaire, match.group(1))
        with page.expect_navigation():
            page.locator("button[name=action][value=next]").click()
    page.goto(url + "confirm")
    page.get_by_role("button", name="提出する").click()
    page.wait_for_url(re.compile(r"/p/[^/]+/$"))


def test_invite_answer_return_resubmit_accept(app, live_server, browser, make_staff):
    app.config["BASE_URL"] = live_server  # links in the invitation point at this server
    officer = make_staff("officer", login_id="chotatsu")
    staff = browser.new_context(locale="ja-JP")
    page = staff.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("ログイン ID").fill(officer.login_id)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(f"{live_server}/vendors/new")
    page.get_by_label("事業者名").fill("株式会社ブラウザー試験")
    page.get_by_label("法人番号（任意）").fill("7000012050002")
    page.get_by_label("担当者のメールアドレス（任意）").fill("vendor@example.jp")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url(re.compile(r"/vendors/\d+$"))

    page.goto(f"{live_server}/cases/new")
    page.get_by_label("案件名", exact=True).fill("庁内チャットサービスの利用")
    page.get_by_label("案件の種類").select_option("cloud")
    page.get_by_label("所管部局").select_option(label="事務部局")
    page.get_by_label("取り扱う情報の分類").select_option(index=1)
    levels = page.locator("#classification_level option").all_inner_texts()
    two = next(i for i, text in enumerate(levels) if text.startswith("機密性2"))
    page.get_by_label("取り扱う情報の分類").select_option(index=two)
    page.get_by_role("button", name="作成する").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    case_url = page.url

    page.get_by_role("link", name="事業者を招待する").click()
    page.get_by_label("株式会社ブラウザー試験").check()
    page.get_by_role("button", name="招待する").click()
    link = page.locator("code.vendor-link").inner_text().strip()
    assert link.startswith(live_server + "/p/")

    vendor = browser.new_context(locale="ja-JP")
    vendor_page = vendor.new_page()
    questionnaire = catalogue(app.config).for_kind("cloud", respondent="vendor")[0]
    _answer_every_section(vendor_page, link, questionnaire)
    assert "第1版として提出しました" in vendor_page.content()

    page.goto(case_url)
    page.get_by_role("link", name=re.compile("回答を見る")).first.click()
    page.wait_for_url(re.compile(r"/assessments/\d+"))
    text_question = next(q for q in questionnaire.questions if q.type == "text" and q.required)
    page.get_by_text("事業者に差し戻す（修正を依頼する）").click()
    page.locator("form[action$='/return'] textarea[name=message]").fill(
        "記載をもう少し具体的にしてください。"
    )
    page.locator(f"textarea[name='comment__{text_question.id}']").fill(
        "該当する規程の名称を書いてください。"
    )
    page.get_by_role("button", name="差し戻す").click()
    page.wait_for_load_state()
    assert "差し戻し中" in page.content()

    vendor_page.goto(link)
    assert "記載をもう少し具体的にしてください。" in vendor_page.content()
    revise_and_resubmit(
        vendor_page,
        link,
        text_question,
        "該当する規程の名称を書いてください。",
        "情報セキュリティ規程 第20条に従います。",
        version=2,
    )

    page.reload()
    page.get_by_role(
        "link", name="承認・不採用を判断する"
    ).click()  # the action bar jumps to the form
    page.locator("#decision-accepted").check()
    page.locator("form[action$='/decide'] textarea[name=reason]").fill(
        "必要な対策が確認できたため承認する。"
    )
    # free-text answers still wait for a reviewer's score: accepting says so explicitly (bug 5)
    assert "審査待ちの質問が" in page.locator("#pending-warning").inner_text()
    page.get_by_label("審査待ちの質問が残ったまま承認する").check()
    page.get_by_role("button", name="判断を登録する").click()
    page.wait_for_load_state()
    assert "承認" in page.locator("dl.summary").first.inner_text()

    with app.extensions["vendorcheck_db"].connection_context():
        assessment = Assessment.select().order_by(Assessment.id.desc()).first()
        assert assessment.status == "accepted" and assessment.decided_by_id == officer.id
        assert Submission.select().where(Submission.assessment == assessment).count() == 2
    staff.close()
    vendor.close()
