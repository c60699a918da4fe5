"""Contract pages: staff make a contract from an accepted assessment and its annex; the vendor
files reports and incidents by its contract link; staff review, inspect, close."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from tests.answering import TINY_PDF
from tests.conftest import csrf_token
from tests.monitoring_helpers import SYSTEM, make_contract, token_of
from tests.web.test_annexes import make_assessment
from vendorcheck.domain import assessment_status
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import contract_end, contracts, periodic_reports, review
from vendorcheck.store.models import (
    AuditEvent,
    Contract,
    Incident,
    MailMessage,
    PeriodicReport,
    PortalFailure,
    Reconfirmation,
)
from vendorcheck.web.errors import loggable_path


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


def _portal_path(url: str) -> str:
    return "/c/" + token_of(url) + "/"


def _portal_csrf(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_staff_make_a_contract_from_the_annex_page(app, client, officer):
    assessment = make_assessment(app, "outsourcing")
    assessment = review.decide(
        SYSTEM, assessment, assessment_status.ACCEPTED, "試験のため承認", confirm_pending=True
    )
    annex_service.generate(
        SYSTEM,
        assessment,
        clauses=clause_service.clause_library(app.config),
        positions=clause_service.clause_positions(app.config),
    )
    page = client.get(f"/assessments/{assessment.id}/annex").get_data(as_text=True)
    assert f"/assessments/{assessment.id}/contract" in page
    path = f"/assessments/{assessment.id}/contract"
    form = client.get(path)
    assert form.status_code == 200 and "2027-04-01" in form.get_data(as_text=True)
    token = csrf_token(client, path)
    data = {
        "csrf_token": token,
        "annex_version": "1",
        "number": "",
        "title": "データ入力業務委託",
        "starts_on": "２０２７-04-01",
        "ends_on": "2028-03-31",
        "responsible_person": "阿蘇 太郎",
        "contact_email": "report@example.jp",
        "report_frequency": "monthly",
        "report_due_days": "10",
    }
    refused = client.post(path, data=data)
    assert refused.status_code == 400 and "契約番号を入力してください。" in refused.get_data(
        as_text=True
    )
    assert "データ入力業務委託" in refused.get_data(as_text=True)  # nothing typed is lost
    created = client.post(path, data={**data, "number": "R9-001"})
    assert created.status_code == 302
    contract = Contract.get(Contract.number == "R9-001")
    assert len(periodic_reports.reports_of(contract)) == 12
    detail = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "第1回" in detail and "総則" in detail and "履行中" in detail
    listing = client.get("/contracts/").get_data(as_text=True)
    assert "R9-001" in listing and "定期報告（第1回）" in listing


def test_vendor_files_a_report_by_link_and_staff_return_then_accept(app, client, officer):
    start = dt.date.today().replace(day=1) - dt.timedelta(days=120)
    contract, url = make_contract(app, starts_on=start, ends_on=start + dt.timedelta(days=364))
    path = _portal_path(url)
    overview = client.get(path)
    assert overview.status_code == 200
    assert overview.headers["Referrer-Policy"] == "no-referrer"
    report = periodic_reports.reports_of(contract)[0]
    form_path = f"{path}reports/{report.id}"
    token = _portal_csrf(client, form_path)
    first_key = contracts.obligations_of(contract)[0].key
    incomplete = client.post(
        form_path,
        data={
            "csrf_token": token,
            "action": "submit",
            f"comment__{first_key}": "<script>x</script>",
        },
    )
    assert incomplete.status_code == 400
    body = incomplete.get_data(as_text=True)
    assert "遵守状況を選んでください。" in body and "&lt;script&gt;x&lt;/script&gt;" in body
    data = {"csrf_token": token, "action": "submit", "incidents": "なし"}
    for item in contracts.obligations_of(contract):
        data[f"status__{item.key}"] = "compliant"
    data["file"] = (io.BytesIO(TINY_PDF), "教育記録.pdf")
    submitted = client.post(form_path, data=data, content_type="multipart/form-data")
    assert submitted.status_code == 302
    report = PeriodicReport.get_by_id(report.id)
    assert report.status == "submitted" and report.submitted_version == 1
    staff_path = f"/contracts/{contract.id}/reports/{report.id}"
    staff_token = csrf_token(client, staff_path)
    empty_return = client.post(staff_path, data={"csrf_token": staff_token, "decision": "return"})
    assert empty_return.status_code == 400
    returned = client.post(
        staff_path,
        data={"csrf_token": staff_token, "decision": "return", "reason": "証跡の日付を確認"},
    )
    assert returned.status_code == 302
    assert "差し戻し: 証跡の日付を確認" in client.get(path).get_data(as_text=True)
    data.pop("file")
    again = client.post(form_path, data={**data, "csrf_token": _portal_csrf(client, form_path)})
    assert again.status_code == 302
    accepted = client.post(staff_path, data={"csrf_token": staff_token, "decision": "accept"})
    assert accepted.status_code == 302
    assert PeriodicReport.get_by_id(report.id).status == "accepted"
    assert "受理済み" in client.get(path).get_data(as_text=True)
    evidence = contracts.evidence_for(contract, f"report.{report.id}")
    assert [e.filename for e in evidence] == ["教育記録.pdf"]
    assert AuditEvent.get(AuditEvent.action == "contract.evidence_add").actor_kind == "vendor"
    download = client.get(f"/contracts/{contract.id}/evidence/{evidence[0].id}")
    assert download.status_code == 200 and download.data == TINY_PDF


def test_vendor_reports_an_incident_by_link_with_the_time_limit_checked(app, client, officer):
    contract, url = make_contract(app)
    path = _portal_path(url)
    new = f"{path}incidents/new"
    token = _portal_csrf(client, new)
    bad = client.post(new, data={"csrf_token": token, "found_at": "昨日", "summary": "漏えい"})
    assert bad.status_code == 400 and "2026-08-01T09:30" in bad.get_data(as_text=True)
    found = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9) - dt.timedelta(hours=30)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    created = client.post(
        new,
        data={
            "csrf_token": token,
            "found_at": found,
            "classification": "outage",
            "summary": "サービスが2時間停止した。",
            "personal_records": "０",
        },
    )
    assert created.status_code == 302
    incident = Incident.get()
    assert incident.late and incident.recorded_by_kind == "vendor"
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "期限超過（報告遅延）" in page
    staff_page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "報告遅延" in staff_page and "事故の第一報が特記事項の期限" in staff_page


def test_staff_record_a_phoned_incident_and_severe_ones_mail_the_ciso(
    app, client, officer, make_staff
):
    make_staff("ciso", email="ciso@example.jp")
    contract, _ = make_contract(app)
    path = f"/contracts/{contract.id}/incidents/new"
    token = csrf_token(client, path)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "found_at": "2026-05-01T09:00",
            "reported_at": "2026-05-01T10:00",
            "channel": "phone",
            "classification": "leak",
            "summary": "誤送信",
            "personal_records": "3",
        },
    )
    assert response.status_code == 302
    assert MailMessage.get(MailMessage.to_address == "ciso@example.jp")
    assert not Incident.get().late


def test_inspection_and_corrective_request_pages(app, client, officer):
    contract, url = make_contract(app)
    path = f"/contracts/{contract.id}/inspections/new"
    token = csrf_token(client, path)
    missing = client.post(path, data={"csrf_token": token, "inspectors": "高橋"})
    assert missing.status_code == 400 and "高橋" in missing.get_data(as_text=True)
    key = contracts.obligations_of(contract)[0].key
    done = client.post(
        path,
        data={
            "csrf_token": token,
            "inspected_on": "2026-09-01",
            "inspectors": "高橋",
            f"result__{key}": "ng",
            "finding_1": "名簿が古い",
            "severity_1": "high",
        },
    )
    assert done.status_code == 302
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    issued = client.post(
        f"/contracts/{contract.id}/corrective",
        data={"csrf_token": token, "request": "名簿を更新すること", "due_on": due},
    )
    assert issued.status_code == 302
    portal = _portal_path(url)
    vendor_token = _portal_csrf(client, portal)
    page = client.get(portal).get_data(as_text=True)
    request_id = re.search(r'/corrective/(\d+)"', page).group(1)
    answered = client.post(
        f"{portal}corrective/{request_id}",
        data={"csrf_token": vendor_token, "completion": "更新しました"},
    )
    assert answered.status_code == 302
    closed = client.post(
        f"/contracts/{contract.id}/corrective/{request_id}",
        data={"csrf_token": token, "decision": "close", "note": "確認"},
    )
    assert closed.status_code == 302
    assert "確認済み・終了" in client.get(f"/contracts/{contract.id}").get_data(as_text=True)


def test_contract_links_are_scoped_counted_and_masked(app, client, officer):
    contract, url = make_contract(app)
    other, _other_url = make_contract(app, number="R8-契-002", vendor_name="他社株式会社")
    report = periodic_reports.reports_of(other)[0]
    assert client.get(f"{_portal_path(url)}reports/{report.id}").status_code == 404
    assert client.get("/c/not-a-token/").status_code == 404
    assert client.get("/c/" + "x" * 5000 + "/").status_code == 404
    assert client.get(f"/contracts/{contract.id}/reports/{report.id}").status_code == 404
    assert client.get("/contracts/999999").status_code == 404
    assert PortalFailure.select().count() == 2  # the two wrong links, not the wrong report
    assert loggable_path(_portal_path(url) + "reports/1") == "/c/<token>/reports/1"


def test_end_of_contract_through_the_pages(app, client, officer):
    contract, url = make_contract(app)
    detail = f"/contracts/{contract.id}"
    token = csrf_token(client, detail)
    assert client.post(f"{detail}/end", data={"csrf_token": token}).status_code == 302
    items = {item.key: item for item in contract_end.items_of(contract)}
    portal = _portal_path(url)
    vendor_token = _portal_csrf(client, portal)
    no_file = client.post(
        f"{portal}end/{items['certificate'].id}",
        data={
            "csrf_token": vendor_token,
            "note": "消去",
            "method": "上書き",
            "done_on": dt.date.today().isoformat(),
        },
    )
    assert no_file.status_code == 302
    assert "消去証明書のファイルを添付してください。" in client.get(portal).get_data(as_text=True)
    with_file = client.post(
        f"{portal}end/{items['certificate'].id}",
        data={
            "csrf_token": vendor_token,
            "note": "消去",
            "method": "上書き",
            "done_on": dt.date.today().isoformat(),
            "file": (io.BytesIO(TINY_PDF), "消去証明書.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert with_file.status_code == 302
    refused = client.post(f"{detail}/complete", data={"csrf_token": token})
    assert refused.status_code == 302
    assert "確認が済んでいない事項があるため完了にできません" in client.get(detail).get_data(
        as_text=True
    )
    client.post(
        f"{detail}/end/{items['certificate'].id}",
        data={"csrf_token": token, "decision": "confirmed"},
    )
    for key in ("return", "disposal"):
        client.post(
            f"{detail}/end/{items[key].id}",
            data={"csrf_token": token, "decision": "waived", "reason": "返還する媒体なし"},
        )
    client.post(f"{detail}/complete", data={"csrf_token": token})
    assert Contract.get_by_id(contract.id).status == "completed"
    assert AuditEvent.select().where(AuditEvent.action == "contract.complete").count() == 1


def test_annual_reconfirmation_is_asked_and_scored_from_the_contract_page(app, client, officer):
    start = dt.date.today() - dt.timedelta(days=400)
    contract, _ = make_contract(app, starts_on=start, ends_on=start + dt.timedelta(days=1000))
    detail = f"/contracts/{contract.id}"
    page = client.get(detail).get_data(as_text=True)
    assert "年次再確認を依頼する" in page
    assert "年次再確認の時期を迎えた契約" in client.get("/").get_data(as_text=True)
    token = csrf_token(client, detail)
    asked = client.post(f"{detail}/reconfirmation", data={"csrf_token": token})
    assert asked.status_code == 302
    page = client.get(detail).get_data(as_text=True)
    assert "年次再確認を依頼する" not in page and "再採点して前回の判定と比べる" in page
    row = Reconfirmation.get()
    early = client.post(f"{detail}/reconfirmation/{row.id}", data={"csrf_token": token})
    assert early.status_code == 302
    assert "まだ再確認の回答を提出していません" in client.get(detail).get_data(as_text=True)
    assert (
        client.post(f"{detail}/reconfirmation/999", data={"csrf_token": token}).status_code == 404
    )


def test_wrong_hostile_and_oversized_input_gets_japanese_errors_and_keeps_the_input(
    app, client, officer
):
    start = dt.date.today().replace(day=1) - dt.timedelta(days=120)
    contract, url = make_contract(app, starts_on=start, ends_on=start + dt.timedelta(days=364))
    portal = _portal_path(url)
    report = periodic_reports.reports_of(contract)[0]
    form_path = f"{portal}reports/{report.id}"
    token = _portal_csrf(client, form_path)
    data = {"csrf_token": token, "action": "save", "incidents": "長" * 5000}
    data["file"] = (io.BytesIO(b"MZ\x90\x00 not a document"), "tool.exe")
    saved = client.post(form_path, data=data, content_type="multipart/form-data")
    body = saved.get_data(as_text=True)
    assert saved.status_code == 400
    assert (
        "4000文字以内で入力してください。" in body and "「tool.exe」を添付できませんでした" in body
    )
    assert "長" * 4001 in body  # what was typed comes back to be shortened, not lost
    assert contracts.evidence_for(contract) == []
    incident = client.post(
        f"{portal}incidents/new",
        data={
            "csrf_token": token,
            "found_at": "2026-11-30T09:00",
            "classification": "leak",
            "summary": "誤送信",
            "personal_records": "99999999999",
        },
    )
    assert incident.status_code == 400 and "個人情報の件数は0以上の整数" in incident.get_data(
        as_text=True
    )
    future = client.post(
        f"{portal}incidents/new",
        data={
            "csrf_token": token,
            "found_at": "2099-01-01T00:00",
            "classification": "leak",
            "summary": "x",
        },
    )
    assert future.status_code == 400 and "未来の日時" in future.get_data(as_text=True)
    staff_token = csrf_token(client, f"/contracts/{contract.id}")
    corrective = client.post(
        f"/contracts/{contract.id}/corrective",
        data={"csrf_token": staff_token, "request": "x", "due_on": "来週", "finding_id": "abc"},
    )
    assert corrective.status_code == 302
    assert "是正の期限を入力してください。" in client.get(f"/contracts/{contract.id}").get_data(
        as_text=True
    )
    inspection = client.post(
        f"/contracts/{contract.id}/inspections/new",
        data={
            "csrf_token": staff_token,
            "inspected_on": "2026-09-01",
            "inspectors": "高橋",
            "finding_1": "指摘",
            "severity_1": "catastrophic",
        },
    )
    assert inspection.status_code == 400 and "重要度を選んでください" in inspection.get_data(
        as_text=True
    )
    assert client.post(f"{portal}reports/abc", data={"csrf_token": token}).status_code == 404
    assert client.post(f"{portal}end/999", data={"csrf_token": token}).status_code == 404
    assert client.post(form_path, data={"action": "submit"}).status_code == 400  # no CSRF token


def test_an_incomplete_draft_saves_without_errors(app, client, officer):
    start = dt.date.today().replace(day=1) - dt.timedelta(days=120)
    contract, url = make_contract(app, starts_on=start, ends_on=start + dt.timedelta(days=364))
    report = periodic_reports.reports_of(contract)[0]
    form_path = f"{_portal_path(url)}reports/{report.id}"
    token = _portal_csrf(client, form_path)
    key = contracts.obligations_of(contract)[0].key
    saved = client.post(
        form_path, data={"csrf_token": token, "action": "save", f"status__{key}": "partial"}
    )
    assert saved.status_code == 302
    page = client.get(form_path).get_data(as_text=True)
    assert f'name="status__{key}" value="partial" checked' in page
    assert PeriodicReport.get_by_id(report.id).status == "pending"
