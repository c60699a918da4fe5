"""The ISMAP checks where staff see them: the list page, the scorecard, the comparison, the
vendor page and the annex; the demo bidders' claims differ; expiry reminders."""

from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_token
from vendorcheck.services import annexes, clause_library, ismap_reminders, review
from vendorcheck.services import comparison as comparison_service
from vendorcheck.store.models import Assessment, Case, MailMessage, Vendor

CLAIMED = {
    "株式会社みらいクラウド": "verified",
    "日本データセンター株式会社": "expires_before_end",
    "株式会社さくら情報サービス": "wrong_list",
    "有限会社やまびこシステム": "other_provider",
}


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def test_demo_cloud_bidders_claims_check_out_differently_and_feed_scoring(demo):
    case = Case.get(Case.kind == "cloud")
    comparison, checked = comparison_service.compare_case_checked(case)
    states = {}
    for bidder in comparison.bidders:
        for item in checked.get(bidder.key, []):
            states[bidder.label] = item.check.state
    assert states == CLAIMED
    for assessment in Assessment.select().where(Assessment.case == case):
        card = review.scorecard(assessment)
        ismap_gaps = [g for g in card.gaps if g.question_id == "cert.ismap_number"]
        if CLAIMED.get(assessment.vendor.name, "verified") == "verified":
            assert not ismap_gaps
        else:
            assert ismap_gaps and "照合の結果" in ismap_gaps[0].reason_ja


def test_scorecard_comparison_and_vendor_page_show_the_checks(demo, client, login_as):
    login_as("officer")
    case = Case.get(Case.kind == "cloud")
    sakura = Vendor.get(Vendor.name == "株式会社さくら情報サービス")
    assessment = Assessment.get(Assessment.case == case, Assessment.vendor == sakura)
    page = client.get(f"/assessments/{assessment.id}/scorecard").get_data(as_text=True)
    assert "ISMAP登録の照合" in page and "L24-0012-1" in page and "別のリストの番号" in page
    compared = client.get(f"/cases/{case.id}/comparison").get_data(as_text=True)
    assert "別の事業者の登録" in compared and "契約期間中に有効期限" in compared
    mirai = Vendor.get(Vendor.name == "株式会社みらいクラウド")
    vendor_page = client.get(f"/vendors/{mirai.id}").get_data(as_text=True)
    assert "ISMAPリストとの照合" in vendor_page and "リストで確認済み" in vendor_page


def test_annex_prints_the_verified_list_number_and_validity(demo, app):
    case = Case.get(Case.kind == "cloud")
    mirai = Vendor.get(Vendor.name == "株式会社みらいクラウド")
    assessment = Assessment.get(Assessment.case == case, Assessment.vendor == mirai)
    annex = annexes.preview(assessment, clauses=clause_library.clause_library(app.config))
    text = "\n".join(p.text for a in annex.articles for p in a.paragraphs)
    assert "ISMAPクラウドサービスリスト、登録番号 C22-0101-1、有効期限 令和" in text
    assert "ISMAPクラウドサービスリストに登録されている" not in text  # no pasted option label


def test_list_page_searches_and_shows_the_last_import(demo, client, login_as):
    login_as("viewer")
    page = client.get("/ismap/?q=ｻｸﾗ").get_data(as_text=True)
    assert "L24-0012-1" in page and "ISMAP-LIUクラウドサービスリスト" in page
    assert "デモ用ISMAPリスト.csv" in page and "追加 6 件" in page
    assert "リストのファイルを取り込む" not in page  # viewers cannot import


def test_upload_trial_then_import_and_a_bad_file_keeps_the_list(demo, client, login_as):
    login_as("ciso")
    token = csrf_token(client, "/ismap/")
    data = "登録番号,サービス名,事業者名\r\nC25-0001-1,新サービス,株式会社新\r\n".encode("cp932")
    trial = client.post(
        "/ismap/import",
        data={"csrf_token": token, "dry_run": "1", "file": (io.BytesIO(data), "new.csv")},
        content_type="multipart/form-data",
    )
    assert trial.status_code == 200 and "試しに読み込んだ結果" in trial.get_data(as_text=True)
    bad = client.post(
        "/ismap/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"\x00\x01garbage"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "取り込めませんでした" in bad.get_data(as_text=True)
    empty = client.post("/ismap/import", data={"csrf_token": token})
    assert empty.status_code == 400


def test_expiring_registrations_of_active_cases_are_reminded_once(demo):
    before = MailMessage.select().count()
    queued, _ = ismap_reminders.queue_ismap_expiry_reminders()
    assert queued >= 1
    new = list(MailMessage.select().order_by(MailMessage.id)[before:])
    assert any("C23-0077-1" in m.subject and "有効期限" in m.body for m in new)
    assert not any("C21-0042-3" in m.subject for m in new)  # another provider's registration
    assert ismap_reminders.queue_ismap_expiry_reminders()[0] == 0
    assert MailMessage.select().count() == before + queued
