"""Demonstration contracts (issue item 9), built through the real services: one contract in
履行中 with an accepted and an overdue periodic report, an incident reported late and an
inspection with an open corrective request; one contract in 終了手続中 waiting for its
消去証明書."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.clauses import Clause
from vendorcheck.services import (
    annexes,
    contract_end,
    contract_links,
    contracts,
    incidents,
    inspections,
    periodic_reports,
)
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.models import Assessment, Case, Vendor

SEVERITY = rules.SeverityRules(frozenset({"leak", "unauthorised_access", "malware"}), 1)


@dataclass(frozen=True)
class DemoContractLink:
    title: str
    state: str
    url: str


def _accepted(kind: str) -> Assessment:
    row = (
        Assessment.select()
        .join(Case)
        .where(Case.kind == kind, Assessment.status == status.ACCEPTED)
        .order_by(Assessment.id)
        .first()
    )
    if row is None:
        raise ServiceError(f"種別 {kind} の承認済みの回答がないため、デモの契約を作れません。")
    return row


def _contract(officer, clauses, links, assessment, number, title, start, end, positions):
    annex = annexes.generate(officer, assessment, clauses=clauses, positions=positions)
    vendor: Vendor = assessment.vendor
    return contracts.create_contract(
        officer,
        assessment,
        contracts.ContractInput(
            annex_version=annex.version,
            number=number,
            title=title,
            starts_on=start,
            ends_on=end,
            responsible_person=vendor.contact_name or "責任者",
            contact_email=vendor.contact_email,
            contacts=f"緊急連絡先: {vendor.contact_name}（24時間対応窓口 03-0000-0000）",
            report_frequency="quarterly",
            report_due_days=10,
            register_entry_id=contracts.suggested_entry(
                assessment.id, assessment.case.department_id
            ),
        ),
        clauses=clauses,
        links=links,
    )


def _running(officer: Actor, clauses, links, today: dt.date, positions) -> DemoContractLink:
    start = rules.period_end_for(today - dt.timedelta(days=250), "quarterly") + dt.timedelta(days=1)
    contract, link = _contract(
        officer,
        clauses,
        links,
        _accepted("outsourcing"),
        "架空-委-2026-001",
        "住民税課税資料のデータ入力業務委託契約",
        start,
        start + dt.timedelta(days=729),
        positions,
    )
    vendor = contract_links.vendor_actor(contract)
    first, _second = periodic_reports.reports_of(contract)[:2]
    form = {f"status__{item.key}": "compliant" for item in contracts.obligations_of(contract)}
    form["staff_changes"] = "作業従事者1名を追加（名簿を更新し提出済み）。"
    form["incidents"] = "なし"
    periodic_reports.submit(
        vendor, first, form, now=rules.deadline_instant(first.due_on) - dt.timedelta(days=3)
    )
    periodic_reports.accept(officer, periodic_reports.get_report(contract, first.id))
    found = dt.datetime.combine(today - dt.timedelta(days=20), dt.time(1, 30))  # 10:30 JST
    incidents.report(
        officer,
        contract,
        incidents.IncidentInput(
            found_at=found,
            classification="loss",
            summary="課税資料の入った段ボール箱1箱の所在が一時不明となった（翌日、作業場所内で発見）。",
            information="給与支払報告書（令和7年分）の一部",
            personal_records=0,
            measures="保管場所の施錠管理を見直し、持出簿の記録を徹底した。",
            reported_at=found + dt.timedelta(hours=40),
            channel="phone",
        ),
        severity=SEVERITY,
        by_staff=True,
    )
    inspections.record_inspection(
        officer,
        contract,
        inspections.InspectionInput(
            inspected_on=today - dt.timedelta(days=14),
            inspectors="情報政策課 高橋、監査委員事務局 田中",
            scope="作業場所の入退室管理、資料の保管及び持出しの記録",
            findings=[("持出簿に記録のない資料の移動があった。", "medium")],
        ),
    )
    (finding,) = [f for f in inspections.findings_of(contract) if f.source == "inspection"]
    inspections.issue_corrective(
        officer,
        contract,
        "資料の持出し・返却の記録手順を改め、作業従事者に周知すること。",
        today + dt.timedelta(days=14),
        finding_id=finding.id,
        today=today,
    )
    return DemoContractLink(contract.title, "履行中", link.url)


def _closing(officer: Actor, clauses, links, today: dt.date, positions) -> DemoContractLink:
    end = today - dt.timedelta(days=10)
    contract, link = _contract(
        officer,
        clauses,
        links,
        _accepted("cloud"),
        "架空-委-2025-014",
        "電子申請・アンケート集計クラウドサービスの利用契約",
        end - dt.timedelta(days=364),
        end,
        positions,
    )
    vendor = contract_links.vendor_actor(contract)
    for report in periodic_reports.reports_of(contract):
        form = {f"status__{item.key}": "compliant" for item in contracts.obligations_of(contract)}
        periodic_reports.submit(
            vendor, report, form, now=rules.deadline_instant(report.due_on) - dt.timedelta(days=5)
        )
        periodic_reports.accept(officer, periodic_reports.get_report(contract, report.id))
    items = {item.key: item for item in contract_end.start_closing(officer, contract)}
    contract_end.vendor_report(
        vendor,
        items[rules.END_RETURN],
        note="申請データ一式を CSV で引き渡した。",
        done_on=end,
        today=today,
    )
    contract_end.decide(officer, items[rules.END_RETURN], contract_end.CONFIRMED)
    contract_end.vendor_report(
        vendor,
        items[rules.END_DISPOSAL],
        note="作業用端末の投稿データ・画像を消去した。",
        done_on=end + dt.timedelta(days=2),
        today=today,
    )
    return DemoContractLink(contract.title, "終了手続中（消去証明書の提出待ち）", link.url)


def load_demo_contracts(
    officer: Actor,
    clauses: Sequence[Clause],
    links: contract_links.ContractLinkSettings,
    today: dt.date,
    *,
    positions: Mapping[str, object],
) -> list[DemoContractLink]:
    """Both demonstration contracts; call inside the demo's transaction (after the contract
    conflicts of their assessments are resolved: positions are how answers meet the articles)."""
    return [
        _running(officer, clauses, links, today, positions),
        _closing(officer, clauses, links, today, positions),
    ]
