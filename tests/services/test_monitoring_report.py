"""The yearly report to the 統括情報セキュリティ責任者, `vendorcheck monitoring`, the dashboard
panel and the contract-period reminders."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import docx
import pytest

from tests.monitoring_helpers import LINKS, SYSTEM, make_contract, token_of
from tests.web.test_cases import _count_queries  # one query counter for the suite
from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.services import (
    contract_links,
    contract_list,
    incidents,
    inspections,
    monitoring_board,
    periodic_reports,
)
from vendorcheck.services import monitoring_report as report_service
from vendorcheck.services.contracts import obligations_of
from vendorcheck.services.invitations import LinkGone
from vendorcheck.services.reminders import queue_reminders
from vendorcheck.store.models import AuditEvent, Department, MailMessage

SEVERITY = rules.SeverityRules(frozenset({"leak"}), 1)


def _read(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return paragraphs, tables


def _busy_contract(app):
    """Fiscal 2026: one late report, a late severe incident, an inspection, an open request."""
    contract, _ = make_contract(app)
    contract.department = Department.get(Department.name == "事務部局")
    contract.save()
    first = periodic_reports.reports_of(contract)[0]
    form = {f"status__{item.key}": "compliant" for item in obligations_of(contract)}
    periodic_reports.submit(SYSTEM, first, form, now=dt.datetime(2026, 7, 20, 0, 0))
    found = dt.datetime(2026, 8, 1, 0, 0)
    incidents.report(
        SYSTEM,
        contract,
        incidents.IncidentInput(
            found_at=found,
            classification="leak",
            summary="住民データを含むメールの誤送信",
            personal_records=5,
            reported_at=found + dt.timedelta(hours=30),
            channel="phone",
        ),
        severity=SEVERITY,
        by_staff=True,
        now=found + dt.timedelta(days=2),
    )
    inspections.record_inspection(
        SYSTEM,
        contract,
        inspections.InspectionInput(inspected_on=dt.date(2026, 9, 1), inspectors="高橋"),
    )
    inspections.issue_corrective(
        SYSTEM, contract, "名簿を更新すること", dt.date(2026, 9, 30), today=dt.date(2026, 9, 2)
    )
    return contract


def test_yearly_word_report_reads_back_per_department(app, db):
    contract = _busy_contract(app)
    data, report = report_service.yearly_report_docx(SYSTEM, 2026, today=dt.date(2026, 12, 1))
    assert report.fiscal_year_label == "令和8年度"
    paragraphs, tables = _read(data)
    assert paragraphs[0] == "令和8年度 委託先等の情報セキュリティ対策の実施状況報告"
    assert "統括情報セキュリティ責任者　様" in paragraphs
    assert "令和8年4月1日から令和9年3月31日まで" in paragraphs[4]
    totals = tables[0]
    assert totals[0][:6] == ["部局", "契約", "定期報告（期限到来）", "受領", "うち期限後", "未提出"]
    # due by 2026-12-01: the reports due 7/10 and 10/10; the first came late, the second never
    assert totals[1] == ["事務部局", "1", "2", "1", "1", "1", "1", "1", "1", "1", "1"]
    assert totals[-1][0] == "合計"
    assert any(p.startswith("２　事務部局") for p in paragraphs)
    contract_rows = tables[1]
    assert contract_rows[1][0] == contract.number and "履行中" in contract_rows[1][2]
    incident_rows = tables[2]
    assert incident_rows[1][1] == "令和8年8月1日 09:00" and incident_rows[1][4] == "期限超過"
    assert tables[3][1][1] == "名簿を更新すること" and "期限超過" in tables[3][1][2]
    assert AuditEvent.get(AuditEvent.action == "monitoring.report").object_id == "2026"
    empty, _ = report_service.yearly_report_docx(SYSTEM, 2030)
    assert "対象となる契約はありません。" in _read(empty)[0]


def test_monitoring_commands_list_and_write_the_report(app, db, runner, tmp_path):
    contract = _busy_contract(app)
    listed = runner.invoke(args=["monitoring", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert row["number"] == contract.number and row["next_due_on"] == "2026-09-30"
    assert row["next_due"].startswith("是正要求") and row["overdue"] is True
    plain = runner.invoke(args=["monitoring", "list"])
    assert "履行中" in plain.output and "期限超過" in plain.output
    target = tmp_path / "report.docx"
    written = runner.invoke(
        args=["monitoring", "report", "--fiscal-year", "2026", "-o", str(target)]
    )
    assert written.exit_code == 0, written.output
    assert "令和8年度" in written.output
    assert _read(target.read_bytes())[0][0].startswith("令和8年度")
    wrong = runner.invoke(args=["monitoring", "report", "--fiscal-year", "1800", "-o", str(target)])
    assert wrong.exit_code == 2 and "年度は" in wrong.output
    unwritable = runner.invoke(
        args=[
            "monitoring",
            "report",
            "--fiscal-year",
            "2026",
            "-o",
            str(tmp_path / "no" / "x.docx"),
        ]
    )
    assert unwritable.exit_code == 1 and "書き込めません" in unwritable.output


def test_overdue_report_and_corrective_request_are_reminded_once(app, db, make_staff):
    owner = make_staff("officer", email="owner@example.jp")
    contract = _busy_contract(app)
    contract.created_by = owner
    contract.save()
    day = dt.date(2026, 10, 11)
    first = queue_reminders(day)
    assert first.monitoring == 4  # the 2nd report and the corrective request: vendor and staff
    subjects = [
        m.subject for m in MailMessage.select().where(MailMessage.dedupe_key.startswith("monitor:"))
    ]
    assert any("定期報告が未提出" in s for s in subjects)
    assert any("是正要求の期限超過" in s for s in subjects)
    assert queue_reminders(day).monitoring == 0
    before_due = queue_reminders(dt.date(2027, 1, 3))  # 7 days before the 3rd report (1/10)
    assert before_due.monitoring >= 1


def test_ciso_dashboard_panel_and_word_download(app, client, login_as):
    login_as("ciso")
    contract = _busy_contract(app)
    page = client.get("/").get_data(as_text=True)
    assert "契約履行中の状況" in page and "年度報告（Word）" in page
    assert contract.number in page and "重大" in page
    response = client.get("/contracts/report.docx?fiscal_year=2026")
    assert response.status_code == 200
    assert _read(response.data)[0][0].startswith("令和8年度")
    assert client.get("/contracts/report.docx?fiscal_year=abc").status_code == 400
    other = Department.get(Department.name == "消防部局")
    only_fire = client.get(f"/contracts/report.docx?fiscal_year=2026&department={other.id}")
    assert "対象となる契約はありません。" in _read(only_fire.data)[0]


def test_yearly_report_is_for_the_ciso_and_admin(client, login_as):
    login_as("officer")
    assert client.get("/contracts/report.docx?fiscal_year=2026").status_code == 403


def _read_everything_shown(today):
    for contract in contract_list.list_contracts(SYSTEM_READER):
        _ = (contract.vendor.name, contract.next_due_label)
    panel = monitoring_board.board(today=today)
    for report in panel.waiting_review + panel.overdue_reports:
        _ = (report.contract.number, report.contract.title)
    for request in panel.overdue_corrective:
        _ = request.contract.number
    for incident in panel.open_incidents:
        _ = incident.contract.number
    return panel


def test_contract_list_and_panel_use_the_same_queries_however_many_contracts(app, db, monkeypatch):
    today = dt.date(2027, 4, 20)
    start = dt.date(2026, 4, 1)
    make_contract(app, starts_on=start, ends_on=dt.date(2028, 3, 31))
    executed = _count_queries(db, monkeypatch)
    _read_everything_shown(today)
    few = len(executed)
    monkeypatch.undo()
    for n in range(3):
        make_contract(
            app,
            number=f"R8-{n}",
            vendor_name=f"事業者{n}",
            starts_on=start,
            ends_on=dt.date(2028, 3, 31),
        )
    executed = _count_queries(db, monkeypatch)
    panel = _read_everything_shown(today)
    assert len(executed) == few <= 12
    assert len(panel.reconfirmation_due) == 4 and len(panel.overdue_reports) == 16


def test_a_report_is_asked_for_with_a_fresh_link_once_its_period_ends(app, db):
    contract, url = make_contract(app)
    before = queue_reminders(dt.date(2026, 6, 30), LINKS)
    assert before.monitoring == 0  # the first quarter has not ended yet
    asked = queue_reminders(dt.date(2026, 7, 1), LINKS)
    assert asked.monitoring == 1
    mail = MailMessage.get(
        MailMessage.dedupe_key
        == f"monitor:report-open:{periodic_reports.reports_of(contract)[0].id}"
    )
    assert "定期報告 第1回" in mail.body and "令和8年7月10日" in mail.body
    fresh = re.search(r"http://vendorcheck.test/c/(\S+)/", mail.body).group(1)
    assert contract_links.resolve(fresh, "127.0.0.1", LINKS).id == contract.id
    with pytest.raises(LinkGone):
        contract_links.resolve(token_of(url), "127.0.0.1", LINKS)
    assert queue_reminders(dt.date(2026, 7, 2), LINKS).monitoring == 0
