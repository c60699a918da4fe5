"""Gather the yearly report to the 統括情報セキュリティ責任者 per fiscal year and department,
and build its Word file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from vendorcheck.documents.monitoring_report import (
    ContractLine,
    CorrectiveLine,
    DepartmentPart,
    IncidentLine,
    MonitoringReport,
    build_monitoring_docx,
)
from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.inspections import CORRECTIVE_LABELS, STILL_OPEN
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Contract,
    CorrectiveRequest,
    Department,
    Incident,
    Inspection,
    PeriodicReport,
)

NO_DEPARTMENT = "部局未設定"
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100


def _wareki_time(moment_utc: dt.datetime) -> str:
    local = rules.jst_from_utc(moment_utc)
    return f"{wareki(local.date())} {local:%H:%M}"


def _contracts_in(fiscal_year: int, department_id: int | None) -> list[Contract]:
    first, last = rules.fiscal_year_bounds(fiscal_year)
    query = Contract.select().where(Contract.starts_on <= last, Contract.ends_on >= first)
    if department_id:
        query = query.where(Contract.department == department_id)
    return list(query.order_by(Contract.number))


def _grouped(model, contract_ids: list[int]) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    if contract_ids:
        for row in model.select().where(model.contract.in_(contract_ids)).order_by(model.id):
            groups[row.contract_id].append(row)
    return groups


def gather(
    fiscal_year: int, *, department_id: int | None = None, today: dt.date | None = None
) -> MonitoringReport:
    """Count, per department, what happened in the fiscal year (one query per table)."""
    if not FIRST_FISCAL_YEAR <= fiscal_year <= LAST_FISCAL_YEAR:
        raise ServiceError(
            f"年度は {FIRST_FISCAL_YEAR}〜{LAST_FISCAL_YEAR} の西暦で指定してください（例 2026）。",
            field="fiscal_year",
        )
    today = today or today_jst()
    first, last = rules.fiscal_year_bounds(fiscal_year)
    contracts = _contracts_in(fiscal_year, department_id)
    ids = [c.id for c in contracts]
    reports, incidents = _grouped(PeriodicReport, ids), _grouped(Incident, ids)
    inspections, corrective = _grouped(Inspection, ids), _grouped(CorrectiveRequest, ids)
    departments = {d.id: d.name for d in Department.select()}
    parts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for contract in contracts:
        due = [r for r in reports[contract.id] if first <= r.due_on <= last and r.due_on < today]
        in_year = [i for i in incidents[contract.id] if first <= rules.jst_date(i.found_at) <= last]
        still_open = [c for c in corrective[contract.id] if c.status in STILL_OPEN]
        name = departments.get(contract.department_id, NO_DEPARTMENT)
        parts[name]["contracts"].append(
            ContractLine(
                number=contract.number,
                title=contract.title,
                vendor=contract.vendor.name,
                status=rules.CONTRACT_STATUS_LABELS[contract.status],
                period=f"{wareki(contract.starts_on)}〜{wareki(contract.ends_on)}",
                reports_due=len(due),
                reports_received=sum(1 for r in due if r.submitted_version),
                reports_late=sum(1 for r in due if r.late),
                reports_missing=sum(1 for r in due if not r.submitted_version),
                incidents=len(in_year),
                incidents_late=sum(1 for i in in_year if i.late),
                incidents_severe=sum(1 for i in in_year if i.severe),
                inspections=sum(
                    1 for i in inspections[contract.id] if first <= i.inspected_on <= last
                ),
                corrective_open=len(still_open),
            )
        )
        parts[name]["incidents"].extend(
            IncidentLine(
                contract=contract.number,
                found=_wareki_time(i.found_at),
                classification=rules.INCIDENT_CLASSIFICATION_LABELS.get(
                    i.classification, i.classification
                ),
                summary=i.summary,
                late=i.late,
                severe=i.severe,
                closed=i.status == "closed",
            )
            for i in in_year
        )
        parts[name]["corrective"].extend(
            CorrectiveLine(
                contract=contract.number,
                request=c.request,
                due=c.due_on,
                status=CORRECTIVE_LABELS[c.status],
                overdue=c.due_on < today,
            )
            for c in still_open
        )
    order = {d.name: (d.sort_order, d.id) for d in Department.select()}
    return MonitoringReport(
        organisation=get_organisation().name,
        fiscal_year_label=rules.fiscal_year_label(fiscal_year),
        period=(first, last),
        issued_on=today,
        departments=tuple(
            DepartmentPart(
                name, tuple(p["contracts"]), tuple(p["incidents"]), tuple(p["corrective"])
            )
            for name, p in sorted(parts.items(), key=lambda item: order.get(item[0], (10**6, 0)))
        ),
    )


def yearly_report_docx(
    actor: Actor,
    fiscal_year: int,
    *,
    department_id: int | None = None,
    today: dt.date | None = None,
) -> tuple[bytes, MonitoringReport]:
    """Build the Word report and record that it was printed."""
    report = gather(fiscal_year, department_id=department_id, today=today)
    data = build_monitoring_docx(report)
    with database.atomic():
        audit.record(
            actor,
            "monitoring.report",
            "monitoring_report",
            fiscal_year,
            f"{report.fiscal_year_label}の実施状況報告を作成（契約 "
            f"{sum(len(p.contracts) for p in report.departments)} 件）",
            after={"fiscal_year": fiscal_year, "department": department_id},
        )
    return data, report
