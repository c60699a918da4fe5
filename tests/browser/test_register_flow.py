"""The department's journey in Chromium: apply for an SNS account and answer the self-check
(autosave running), be returned, change the application and resubmit, the approver sees what
changed and approves, start use, see it on the public list, change the 責任者 and read the
people on a past date, generate the 運用手順書, export the register to Word, CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest

from tests.browser.portal_driver import fill_visible_questions
from tests.conftest import PASSWORD
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import self_checks
from vendorcheck.store.models import (
    ApplicationVersion,
    OperatingProcedure,
    RegisterEntry,
    RegisterPerson,
    UseApplication,
)

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


def _download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def test_apply_with_self_check_return_approve_and_change_responsible(
    app, live_server, browser, make_staff
):
    today = today_jst()
    started, changed = today - dt.timedelta(days=400), today - dt.timedelta(days=30)
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
    page.get_by_label("アカウント名", exact=True).fill("架空市防災情報")
    page.get_by_label("アカウント ID（@ で始まるもの等）").fill("@kakuu-bousai")
    page.get_by_label("対応時間").fill("平日 8時30分〜17時15分")
    page.get_by_label("利用開始日").fill(started.isoformat())
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
    assert "平日 8時30分〜17時15分" in approver.locator("#submitted-fields + dl").inner_text()
    approver.locator("#decision-return").check()
    approver.get_by_label("理由・差戻しのコメント（必須）").fill(
        "対応時間外の連絡先を追記してください。"
    )
    approver.get_by_role("button", name="判断を記録する").click()
    approver.wait_for_load_state()
    assert "差戻し" in approver.content()

    page.reload()
    assert "対応時間外の連絡先を追記してください。" in page.content()
    page.get_by_role("link", name="台帳の項目を見る").click()
    page.get_by_role("link", name="項目を編集する").click()
    page.get_by_label("対応時間").fill("平日 8時30分〜17時15分、時間外は危機管理課当番")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/applications/{application_id}")
    page.get_by_role("button", name="承認者に提出する").click()
    page.wait_for_load_state()

    approver.reload()
    changes = approver.locator("#changes-title + div table").inner_text()
    assert "対応時間" in changes and "時間外は危機管理課当番" in changes
    assert "第1版からの変更（第2版）" in approver.content()
    approver.locator("#decision-approve").check()
    approver.get_by_label("理由・差戻しのコメント（必須）").fill("問題ないため承認する。")
    approver.get_by_role("button", name="判断を記録する").click()
    approver.wait_for_url(re.compile(r"/registers/\d+$"))
    entry_url = approver.url

    page.goto(entry_url)
    page.get_by_role("button", name="利用を開始する（利用中にする）").click()
    page.wait_for_load_state()
    assert "利用中" in page.locator("dl.summary").first.inner_text()

    public_context = browser.new_context(locale="ja-JP")  # a resident, not logged in
    public = public_context.new_page()
    public.goto(f"{live_server}/official-accounts")
    listed = public.locator("main").inner_text()
    assert "架空市防災情報" in listed and "事務部局" in listed and "高橋" not in listed
    public_context.close()

    page.get_by_text("責任者・担当者を変更する").click()
    page.get_by_label("役割").select_option("responsible")
    page.locator("#change-staff_id").select_option(label="山本 健（事務部局）")
    page.get_by_label("変更日").fill(changed.isoformat())
    page.get_by_label("変更の理由（必須）").fill("人事異動")
    page.get_by_role("button", name="変更を記録する").click()
    page.wait_for_load_state()
    assert "人事異動" in page.content()
    assert "山本 健" in page.locator("#holders").inner_text()
    page.get_by_label("この日の担当を見る").fill((changed - dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="表示する").click()
    page.wait_for_load_state()
    past = page.locator("#holders").inner_text()
    assert "高橋 真理" in past and "山本 健" not in past

    page.goto(entry_url)
    page.get_by_role("button", name="現在の登録内容で運用手順書を作成する").click()
    page.wait_for_load_state()
    procedure = _download(page, lambda: page.get_by_role("link", name=re.compile("第1版")).click())
    procedure_text = "\n".join(p.text for p in docx.Document(io.BytesIO(procedure)).paragraphs)
    assert "架空市防災情報" in procedure_text

    page.goto(f"{live_server}/registers/files")
    word = _download(page, lambda: page.get_by_role("link", name="Word（A4 横）で書き出す").click())
    word_cells = [c.text for t in docx.Document(io.BytesIO(word)).tables for c in t._cells]
    assert "架空市防災情報" in word_cells and "山本 健（事務部局）" in word_cells
    csv_bytes = _download(
        page, lambda: page.get_by_role("link", name="CSV（UTF-8、BOM 付き）で書き出す").click()
    )
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("責任者")] == "山本 健（事務部局）"
    workbook = _download(
        page, lambda: page.get_by_role("button", name="Excel（.xlsx）で書き出す").click()
    )
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("名称（サービス名・アカウント名）") + 1).value == (
        "架空市防災情報"
    )

    with app.extensions["vendorcheck_db"].connection_context():
        entry = RegisterEntry.get()
        assert entry.status == "active"
        names = [p.name for p in RegisterPerson.select().order_by(RegisterPerson.id)]
        assert names == ["高橋 真理", "山本 健"]
        assert UseApplication.get_by_id(application_id).submitted_version == 2
        assert ApplicationVersion.select().count() == 2
        assert OperatingProcedure.select().count() == 1
    del successor
    officer_context.close()
    ciso_context.close()
