"""The contract period end to end through the services, on both databases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from peewee import DatabaseError

from tests.monitoring_helpers import LINKS, SYSTEM, make_contract, token_of
from vendorcheck.domain import monitoring as rules
from vendorcheck.services import (
    contract_end,
    contract_links,
    contracts,
    incidents,
    inspections,
    periodic_reports,
)
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.invitations import LinkGone
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    AuditEvent,
    Finding,
    IncidentUpdate,
    MailMessage,
    PeriodicReportVersion,
    Staff,
)

SEVERITY = rules.SeverityRules(frozenset({"leak"}), 1)


def _complete_form(contract) -> dict[str, str]:
    form = {}
    for item in contracts.obligations_of(contract):
        form[f"status__{item.key}"] = "compliant"
    return form | {"staff_changes": "変更なし", "subcontractor_changes": "", "incidents": "なし"}


def test_contract_from_accepted_assessment_has_articles_schedule_and_link(app, db):
    contract, url = make_contract(app)
    articles = contracts.articles_of(contract)
    assert articles[0].number == 1 and articles[0].title == "定義"  # definitions open every annex
    assert articles[1].title == "総則"
    assert "regular_report" in [a.clause_id for a in articles]
    assert contract.status == rules.ACTIVE and contract.incident_report_hours == 24
    reports = periodic_reports.reports_of(contract)
    # quarterly on the fiscal quarters of 2026: four reports, due 10 days after each quarter
    assert [(r.period_start, r.period_end, r.due_on) for r in reports] == [
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 10)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 10)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 10)),
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 10)),
    ]
    fresh = contracts.get_contract(contract.id)
    assert fresh.next_due_on == dt.date(2026, 7, 10) and "第1回" in fresh.next_due_label
    assert contract_links.resolve(token_of(url), "127.0.0.1", LINKS).id == contract.id
    mail = MailMessage.select().order_by(MailMessage.id.desc()).first()
    assert mail.to_address == "report@example.jp" and url in mail.body
    assert url not in json.dumps([e.after for e in AuditEvent.select()])
    assert AuditEvent.get(AuditEvent.action == "contract.create").object_id == str(contract.id)


def test_contract_number_is_unique_and_needs_an_accepted_assessment(app, db):
    contract, _ = make_contract(app)
    with pytest.raises(Conflict):
        contracts.create_contract(
            SYSTEM,
            contract.assessment,
            contracts.ContractInput(
                1, contract.number, "x", contract.starts_on, contract.ends_on, "a", "a@example.jp"
            ),
            clauses=[],
            links=LINKS,
        )


def test_reissued_contract_link_closes_the_old_one(app, db):
    contract, url = make_contract(app)
    new = contract_links.reissue(SYSTEM, contract, LINKS)
    with pytest.raises(LinkGone):
        contract_links.resolve(token_of(url), "127.0.0.1", LINKS)
    assert contract_links.resolve(token_of(new.url), "127.0.0.1", LINKS).id == contract.id
    with pytest.raises(NotFound):
        contract_links.resolve("x" * 500, "127.0.0.1", LINKS)


def test_periodic_report_submitted_returned_resubmitted_accepted(app, db):
    contract, _ = make_contract(app)
    report = periodic_reports.reports_of(contract)[0]
    errors = periodic_reports.submit(SYSTEM, report, {"status__article.general": "bogus"})
    assert isinstance(errors, dict) and errors
    form = _complete_form(contract)
    key = contracts.obligations_of(contract)[1].key
    form[f"status__{key}"] = "partial"
    errors = periodic_reports.submit(SYSTEM, report, form)
    assert errors == {f"comment__{key}": "未遵守の内容と対応をコメントに書いてください。"}
    form[f"comment__{key}"] = "教育の実施が1名遅れています。7月中に実施します。"
    on_time = dt.datetime(2026, 7, 10, 14, 59)  # 23:59 JST on the due date
    version = periodic_reports.submit(SYSTEM, report, form, now=on_time)
    assert isinstance(version, PeriodicReportVersion) and version.version == 1
    report = periodic_reports.get_report(contract, report.id)
    assert report.status == "submitted" and not report.late
    with pytest.raises(DatabaseError), database.atomic():
        PeriodicReportVersion.update(content="{}").where(
            PeriodicReportVersion.id == version.id
        ).execute()
    with pytest.raises(Conflict):
        periodic_reports.save_draft(report, form)
    with pytest.raises(ServiceError):
        periodic_reports.return_report(SYSTEM, report, "  ")
    periodic_reports.return_report(SYSTEM, report, "コメントに実施予定日を書いてください。")
    report = periodic_reports.get_report(contract, report.id)
    assert report.status == "returned"
    second = periodic_reports.submit(SYSTEM, report, form, now=on_time + dt.timedelta(days=3))
    assert second.version == 2
    report = periodic_reports.get_report(contract, report.id)
    assert not report.late  # lateness is judged by the first submission
    periodic_reports.accept(SYSTEM, report)
    assert periodic_reports.get_report(contract, report.id).status == "accepted"
    assert contracts.get_contract(contract.id).next_due_on == dt.date(2026, 10, 10)
    actions = {e.action for e in AuditEvent.select()}
    assert {"report.submit", "report.return", "report.accept"} <= actions


def test_report_submitted_a_minute_after_the_japanese_deadline_is_late(app, db):
    contract, _ = make_contract(app)
    report = periodic_reports.reports_of(contract)[0]
    periodic_reports.submit(
        SYSTEM, report, _complete_form(contract), now=dt.datetime(2026, 7, 10, 15, 0)
    )
    assert periodic_reports.get_report(contract, report.id).late
    overdue = periodic_reports.overdue_reports(dt.datetime(2026, 10, 10, 15, 0))
    assert [r.sequence for r in overdue] == [2]
    assert periodic_reports.overdue_reports(dt.datetime(2026, 10, 10, 14, 59)) == []


def test_incident_reported_late_is_a_finding_and_severe_one_mails_the_ciso(app, db, make_staff):
    make_staff("ciso", email="ciso@example.jp")
    contract, _ = make_contract(app)
    found = dt.datetime(2026, 5, 1, 0, 0)
    late = incidents.report(
        SYSTEM,
        contract,
        incidents.IncidentInput(
            found_at=found,
            classification="leak",
            summary="委託先の作業者が住民データを含むファイルを誤送信した。",
            personal_records=12,
            reported_at=found + dt.timedelta(hours=24, minutes=1),
            channel="phone",
        ),
        severity=SEVERITY,
        by_staff=True,
        now=found + dt.timedelta(days=2),
    )
    assert late.late and late.severe
    finding = Finding.get(Finding.source == "incident", Finding.source_id == late.id)
    assert "24時間以内" in finding.text and "0時間1分" in finding.text
    ciso_mail = MailMessage.get(MailMessage.to_address == "ciso@example.jp")
    assert "至急" in ciso_mail.subject and "報告遅延" in ciso_mail.body
    on_time = incidents.report(
        SYSTEM,
        contract,
        incidents.IncidentInput(found_at=found, classification="outage", summary="障害"),
        severity=SEVERITY,
        by_staff=False,
        now=found + dt.timedelta(hours=24),
    )
    assert not on_time.late and not on_time.severe
    assert MailMessage.select().where(MailMessage.to_address == "ciso@example.jp").count() == 1
    with pytest.raises(ServiceError) as error:
        incidents.report(
            SYSTEM,
            contract,
            incidents.IncidentInput(
                found_at=found,
                classification="leak",
                summary="x",
                reported_at=found - dt.timedelta(hours=1),
            ),
            severity=SEVERITY,
            by_staff=True,
            now=found + dt.timedelta(days=1),
        )
    assert error.value.field == "reported_at"
    follow_up = incidents.add_update(SYSTEM, late, "原因は宛先の選択誤り。再発防止策を実施。")
    with pytest.raises(DatabaseError), database.atomic():
        IncidentUpdate.update(body="書き換え").where(IncidentUpdate.id == follow_up.id).execute()
    incidents.close(SYSTEM, late, "再発防止策の実施を確認")
    with pytest.raises(Conflict):
        incidents.add_update(SYSTEM, incidents.get_incident(contract, late.id), "追加")
    assert Staff.select().count() == 1


def test_inspection_corrective_request_to_closure(app, db):
    contract, _ = make_contract(app)
    items = contracts.obligations_of(contract)
    inspection = inspections.record_inspection(
        SYSTEM,
        contract,
        inspections.InspectionInput(
            inspected_on=dt.date(2026, 9, 1),
            inspectors="情報政策課 高橋、監査担当 田中",
            scope="作業場所及び作業従事者名簿",
            checklist={items[0].key: ("ok", ""), items[1].key: ("ng", "名簿が古い")},
            findings=[("作業従事者名簿が更新されていない", "medium"), ("", "low")],
        ),
    )
    (finding,) = [f for f in inspections.findings_of(contract) if f.source == "inspection"]
    assert inspections.checklist_of(inspection)[items[1].key]["result"] == "ng"
    today = dt.date(2026, 9, 2)
    with pytest.raises(ServiceError):
        inspections.issue_corrective(
            SYSTEM, contract, "名簿を更新", dt.date(2026, 9, 1), today=today
        )
    request = inspections.issue_corrective(
        SYSTEM,
        contract,
        "名簿を更新し提出すること",
        dt.date(2026, 9, 30),
        finding_id=finding.id,
        today=today,
    )
    assert contracts.get_contract(contract.id).next_due_on == dt.date(2026, 7, 10)  # report first
    assert [r.id for r in inspections.overdue_corrective(dt.date(2026, 10, 1))] == [request.id]
    with pytest.raises(Conflict):
        inspections.verify(SYSTEM, request, close=True, note="")
    inspections.vendor_answer(SYSTEM, request, plan="9月20日までに名簿を更新します。")
    inspections.vendor_answer(
        SYSTEM, inspections.get_corrective(contract, request.id), completion="更新しました。"
    )
    request = inspections.get_corrective(contract, request.id)
    with pytest.raises(ServiceError):
        inspections.verify(SYSTEM, request, close=False, note="")
    inspections.verify(SYSTEM, request, close=True, note="更新後の名簿を確認")
    assert inspections.get_corrective(contract, request.id).status == "closed"
    assert inspections.overdue_corrective(dt.date(2026, 10, 1)) == []


def test_end_of_contract_completion_refused_while_an_item_is_open(app, db):
    contract, _ = make_contract(app)
    items = contract_end.start_closing(SYSTEM, contract)
    assert [i.key for i in items] == ["return", "disposal", "certificate"]
    contract = contracts.get_contract(contract.id)
    assert contract.status == rules.CLOSING
    by_key = {item.key: item for item in items}
    with pytest.raises(ServiceError) as error:
        contract_end.vendor_report(
            SYSTEM,
            by_key["certificate"],
            note="消去しました",
            method="",
            done_on=dt.date(2027, 3, 31),
            today=dt.date(2027, 4, 2),
        )
    assert error.value.field == "method"
    with pytest.raises(ServiceError) as error:
        contract_end.vendor_report(
            SYSTEM,
            by_key["certificate"],
            note="消去しました",
            method="物理破壊",
            done_on=dt.date(2027, 3, 31),
            today=dt.date(2027, 4, 2),
        )
    assert error.value.field == "file"
    contracts.add_evidence(
        SYSTEM,
        contract,
        "end.certificate",
        "消去証明書.pdf",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        max_bytes=10**6,
    )
    contract_end.vendor_report(
        SYSTEM,
        by_key["certificate"],
        note="消去しました",
        method="専用ソフトによる上書き消去",
        done_on=dt.date(2027, 3, 31),
        today=dt.date(2027, 4, 2),
    )
    contract_end.vendor_report(
        SYSTEM,
        by_key["return"],
        note="媒体を返還",
        done_on=dt.date(2027, 3, 30),
        today=dt.date(2027, 4, 2),
    )
    contract_end.decide(SYSTEM, contract_end.get_item(contract, by_key["return"].id), "confirmed")
    contract_end.decide(
        SYSTEM, contract_end.get_item(contract, by_key["certificate"].id), "confirmed"
    )
    with pytest.raises(Conflict) as refused:
        contract_end.complete(SYSTEM, contracts.get_contract(contract.id))
    assert "情報資産の廃棄・消去" in refused.value.message
    with pytest.raises(ServiceError):
        contract_end.decide(SYSTEM, by_key["disposal"], "waived", "")
    with pytest.raises(Conflict):
        contract_end.decide(SYSTEM, by_key["disposal"], "confirmed")
    contract_end.decide(SYSTEM, by_key["disposal"], "waived", "消去証明書で確認済みのため")
    contract_end.complete(SYSTEM, contracts.get_contract(contract.id))
    done = contracts.get_contract(contract.id)
    assert done.status == rules.COMPLETED and done.next_due_on is None


def test_cloud_contract_end_includes_account_deletion(app, db):
    contract, _ = make_contract(app, "cloud")
    keys = [item.key for item in contract_end.start_closing(SYSTEM, contract)]
    assert keys[-1] == "accounts" and "certificate" in keys
