"""The contract period in Chromium: the vendor files a periodic report and an incident report by
its contract link; staff return the report, the vendor resubmits, staff accept it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import PASSWORD
from tests.monitoring_helpers import make_contract, token_of
from vendorcheck.store.models import Incident, PeriodicReport

pytestmark = pytest.mark.browser
FIRST_REPORT = re.compile(r"^報告を作成\s*（第1回）$")


def _file_report(page, comment: str) -> None:
    for radio in page.locator("input[type=radio][value=compliant]").all():
        radio.check()
    page.get_by_label("期間中に発生した事故・事故のおそれ（なければ「なし」）").fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="提出する").click()


def test_vendor_reports_by_link_and_staff_return_then_accept(
    app, db, live_server, browser, make_staff
):
    start = dt.date.today() - dt.timedelta(days=100)
    contract, url = make_contract(app, starts_on=start, ends_on=start + dt.timedelta(days=364))
    link = f"{live_server}/c/{token_of(url)}/"
    officer = make_staff("officer", login_id="keiyaku")

    vendor = browser.new_context(locale="ja-JP").new_page()
    vendor.goto(link)
    assert vendor.locator("h1").inner_text() == "契約履行中の報告", vendor.content()
    vendor.get_by_role("link", name=FIRST_REPORT).click()
    with vendor.expect_navigation():
        vendor.get_by_role("button", name="提出する").click()  # nothing chosen yet
    assert vendor.locator(".error-summary").is_visible()
    _file_report(vendor, "なし")
    assert "提出しました" in vendor.locator(".flash--success").inner_text()

    staff = browser.new_context(locale="ja-JP").new_page()
    staff.goto(f"{live_server}/login")
    staff.get_by_label("ログイン ID").fill(officer.login_id)
    staff.get_by_label("パスワード").fill(PASSWORD)
    staff.get_by_role("button", name="ログイン").click()
    staff.wait_for_url(re.compile(r"/$"))
    staff.get_by_role("link", name=re.compile(r"第1回$")).first.click()
    staff.get_by_label("差し戻しの理由（事業者へのメッセージ）").fill(
        "事故の有無を具体的に記載してください。"
    )
    staff.get_by_role("button", name="差し戻す").click()
    staff.wait_for_url(re.compile(r"/contracts/\d+#reports$"))
    report = PeriodicReport.get(PeriodicReport.contract == contract, PeriodicReport.sequence == 1)
    assert report.status == "returned"

    vendor.goto(link)
    assert "事故の有無を具体的に記載してください。" in vendor.content()
    vendor.get_by_role("link", name=FIRST_REPORT).click()
    _file_report(vendor, "期間中に事故及び事故のおそれはありませんでした。")

    staff.goto(f"{live_server}/contracts/{contract.id}/reports/{report.id}")
    assert staff.get_by_role("heading", name=re.compile("第2版")).is_visible()
    staff.get_by_role("button", name="受理する").click()
    staff.wait_for_url(re.compile(r"#reports$"))
    assert PeriodicReport.get_by_id(report.id).status == "accepted"

    vendor.goto(link)
    vendor.get_by_role("link", name="事故を報告する").click()
    found = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9) - dt.timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    vendor.get_by_label("事故を知った（発見した）日時（日本時間）").fill(found)
    vendor.get_by_label("事故の分類").select_option("malware")
    vendor.get_by_label("事故の概要").fill(
        "作業用端末でマルウェアを検知し、ネットワークから切り離した。"
    )
    vendor.get_by_label("関係する個人情報の件数（なければ0）").fill("0")
    vendor.get_by_role("button", name="第一報を送る").click()
    vendor.wait_for_url(re.compile(r"/incidents/\d+$"))
    assert "✓ 期限内" in vendor.content()
    incident = Incident.get(Incident.contract == contract)
    assert incident.severe and not incident.late

    staff.goto(f"{live_server}/contracts/{contract.id}")
    staff.get_by_role("link", name=f"事故 No.{incident.id}").click()
    staff.wait_for_url(re.compile(r"/incidents/\d+$"))
    assert staff.get_by_text("作業用端末でマルウェアを検知").is_visible()
