"""The department's journey in Chromium: apply for an SNS account and answer the self-check
(autosave running), be returned, resubmit, be approved, start use, change the 責任者."""

from __future__ import annotations

import re

import pytest

from tests.browser.portal_driver import fill_visible_questions
from tests.conftest import PASSWORD
from vendorcheck.services import self_checks
from vendorcheck.store.models import RegisterEntry, RegisterPerson, UseApplication

pytestmark = pytest.mark.browser


def _login(browser, live_server, staff):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("ログイン ID").fill(staff.login_id)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def _answer_self_check(page, app, application_id: int) -> None:
    with app.extensions["vendorcheck_db"].connection_context():
        questionnaire = self_checks.questionnaire_of(UseApplication.get_by_id(application_id))
    page.get_by_role("link", name=questionnaire.sections[0].title.ja).click()
    for _ in range(len(questionnaire.sections) + 2):
        match = re.search(r"/s/([^/#?]+)$", page.url)
        if not match:
            break
        fill_visible_questions(page, questionnaire, match.group(1))
        with page.expect_navigation():
            page.locator("button[name=action][value=next]").click()


def test_apply_with_self_check_return_approve_and_change_responsible(
    app, live_server, browser, make_staff
):
    officer = make_staff("officer", login_id="koho", display_name="高橋 真理")
    successor = make_staff("officer", login_id="koho2", display_name="山本 健")
    ciso = make_staff("ciso", login_id="ciso", display_name="佐藤 修一")
    officer_context, page = _login(browser, live_server, officer)

    page.goto(f"{live_server}/registers/")
    page.get_by_role("link", name="SNS アカウントの開設を申請する").click()
    page.get_by_label("申請する部局").select_option(label="事務部局")
    page.get_by_label("名称（サービス名・アカウント名）").fill("架空市防災情報")
    page.get_by_label("URL", exact=True).fill("https://line.me/R/ti/p/@kakuu-bousai")
    page.get_by_label("プラットフォーム", exact=True).select_option("line")
    page.get_by_label("アカウント ID（@ で始まるもの等）").fill("@kakuu-bousai")
    page.get_by_label("対応時間").fill("平日 8時30分〜17時15分")
    page.get_by_label("職員から選ぶ").select_option(label="高橋 真理（事務部局）")
    page.get_by_role("button", name="申請を作成する").click()
    page.wait_for_url(re.compile(r"/applications/\d+$"))
    application_id = int(re.search(r"/applications/(\d+)$", page.url).group(1))

    _answer_self_check(page, app, application_id)
    page.goto(f"{live_server}/applications/{application_id}")
    page.get_by_role("button", name="承認者に提出する").click()
    page.wait_for_load_state()
    assert "承認待ち" in page.content()

    ciso_context, approver = _login(browser, live_server, ciso)
    approver.goto(f"{live_server}/applications/{application_id}")
    approver.locator("#decision-return").check()
    approver.get_by_label("理由・差戻しのコメント（必須）").fill(
        "対応時間外の連絡先を追記してください。"
    )
    approver.get_by_role("button", name="判断を記録する").click()
    approver.wait_for_load_state()
    assert "差戻し" in approver.content()

    page.reload()
    assert "対応時間外の連絡先を追記してください。" in page.content()
    page.get_by_role("button", name="承認者に提出する").click()
    page.wait_for_load_state()

    approver.reload()
    approver.locator("#decision-approve").check()
    approver.get_by_label("理由・差戻しのコメント（必須）").fill("問題ないため承認する。")
    approver.get_by_role("button", name="判断を記録する").click()
    approver.wait_for_url(re.compile(r"/registers/\d+$"))
    entry_url = approver.url

    page.goto(entry_url)
    page.get_by_role("button", name="利用を開始する（利用中にする）").click()
    page.wait_for_load_state()
    assert "利用中" in page.locator("dl.summary").first.inner_text()
    page.get_by_text("責任者・担当者を変更する").click()
    page.get_by_label("役割").select_option("responsible")
    page.locator("#change-staff_id").select_option(label="山本 健（事務部局）")
    page.get_by_label("変更日").fill("2099-04-01")
    page.get_by_label("変更の理由（必須）").fill("人事異動")
    page.get_by_role("button", name="変更を記録する").click()
    page.wait_for_load_state()
    assert "人事異動" in page.content()
    page.get_by_label("この日の担当を見る").fill("2099-04-02")
    page.get_by_role("button", name="表示する").click()
    page.wait_for_load_state()
    assert "山本 健" in page.locator("#holders").inner_text()

    with app.extensions["vendorcheck_db"].connection_context():
        entry = RegisterEntry.get()
        assert entry.status == "active"
        names = [p.name for p in RegisterPerson.select().order_by(RegisterPerson.id)]
        assert names == ["高橋 真理", "山本 健"]
        assert UseApplication.get_by_id(application_id).submitted_version == 2
    del successor
    officer_context.close()
    ciso_context.close()
