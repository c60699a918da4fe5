"""What needs attention in the contract period: the dashboard panel, `monitoring list`, and
the reminders `vendorcheck remind` queues for overdue reports and corrective requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.access import SYSTEM_READER, Reader
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit, contract_links, contract_list, reconfirmation
from vendorcheck.services.audit import Actor
from vendorcheck.services.inspections import overdue_corrective
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation, site_name
from vendorcheck.services.periodic_reports import DAYS_BEFORE, overdue_reports, waiting_review
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Contract,
    CorrectiveRequest,
    Incident,
    MailMessage,
    PeriodicReport,
    Staff,
)
from vendorcheck.store.prepared import PreparedSelect

OPEN_CONTRACT_STATES = (rules.ACTIVE, rules.CLOSING)


@dataclass(frozen=True)
class MonitoringBoard:
    active: int
    closing: int
    waiting_review: list[PeriodicReport]
    overdue_reports: list[PeriodicReport]
    overdue_corrective: list[CorrectiveRequest]
    open_incidents: list[Incident]
    reconfirmation_due: list[Contract]
    today: dt.date


def _start_of(today: dt.date) -> dt.datetime:
    """The naive-UTC moment a Japanese day begins (what was due the day before is overdue)."""
    return rules.deadline_instant(today - dt.timedelta(days=1))


# What the dashboard shows of an open incident, the gravest and newest first: its text built
# once per database and (department, limit).
_OPEN_INCIDENTS = PreparedSelect(
    lambda key: contract_list.visible_to(
        Incident.select(
            Incident.id, Incident.contract, Incident.severe, Incident.late, Contract.id,
            Contract.number,
        )
        .join(Contract)
        .where(Incident.status == "open"),
        key[0],
    )
    .order_by(Incident.severe.desc(), Incident.found_at.desc())
    .limit(key[1])
)  # fmt: skip


def board(
    reader: Reader = SYSTEM_READER, *, today: dt.date | None = None, limit: int = 20
) -> MonitoringBoard:
    """What the reader's departments (every department for ciso and admin) need to act on,
    with what the dashboard shows of each item."""
    today = today or today_jst()
    counts = contract_list.count_by_status(reader)
    return MonitoringBoard(
        active=counts[rules.ACTIVE],
        closing=counts[rules.CLOSING],
        waiting_review=waiting_review(reader, limit),
        overdue_reports=overdue_reports(_start_of(today), reader=reader, limit=limit, brief=True),
        overdue_corrective=overdue_corrective(today, reader=reader, limit=limit, brief=True),
        open_incidents=_OPEN_INCIDENTS.rows((contract_list.scope_of(reader), limit)),
        reconfirmation_due=reconfirmation.due_contracts(today, limit=limit, reader=reader),
        today=today,
    )


def contract_rows(today: dt.date | None = None) -> list[dict]:
    """Every contract with its next due item, for `vendorcheck monitoring list`."""
    today = today or today_jst()
    rows = []
    for contract in Contract.select().order_by(Contract.next_due_on.asc(nulls="LAST"), Contract.id):
        due = contract.next_due_on
        rows.append(
            {
                "id": contract.id,
                "number": contract.number,
                "title": contract.title,
                "vendor": contract.vendor.name,
                "status": contract.status,
                "status_label": rules.CONTRACT_STATUS_LABELS[contract.status],
                "starts_on": contract.starts_on.isoformat(),
                "ends_on": contract.ends_on.isoformat(),
                "next_due": contract.next_due_label or None,
                "next_due_on": due.isoformat() if due else None,
                "overdue": bool(due and due < today),
            }
        )
    return rows


def _staff_address(contract: Contract) -> str:
    staff = (
        Staff.get_or_none(Staff.id == contract.created_by_id) if contract.created_by_id else None
    )
    return staff.email if staff is not None and staff.active else ""


def _request_reports(today: dt.date, links: contract_links.ContractLinkSettings) -> int:
    """Once a period has ended, ask for its report with a fresh link (the newest mail's link
    is the one that works: links are stored only as hashes, so a reminder cannot repeat one)."""
    organisation = get_organisation().name
    opened = (
        PeriodicReport.select(PeriodicReport, Contract)
        .join(Contract)
        .where(
            PeriodicReport.status.in_(("pending",)),
            PeriodicReport.period_end < today,
            PeriodicReport.due_on >= today,
            Contract.status == rules.ACTIVE,
        )
    )
    queued = 0
    for report in opened:
        key = f"monitor:report-open:{report.id}"
        if MailMessage.select().where(MailMessage.dedupe_key == key).exists():
            continue
        contract = report.contract
        link = contract_links.issue(contract, links)
        queue_mail(
            contract.contact_email,
            f"【{organisation}】定期報告の提出のお願い（{contract.title}）",
            f"{contract.vendor.name}\n{contract.responsible_person} 様\n\n契約 {contract.number}"
            f"「{contract.title}」の定期報告 第{report.sequence}回（{wareki(report.period_start)}〜"
            f"{wareki(report.period_end)}）を {wareki(report.due_on)} までに提出してください。\n"
            f"{link.url}\n\nこのメールのリンクが最新です（以前のメールのリンクは使えなくなりました）。\n",
            dedupe_key=key,
        )
        queued += 1
    return queued


def queue_monitoring_reminders(
    today: dt.date | None = None, links: contract_links.ContractLinkSettings | None = None
) -> tuple[int, int]:
    """Report requests with a fresh link once a period ends (when `links` is given), reports due
    in 7/3/1 days and overdue ones, overdue corrective requests: (queued, no address)."""
    today = today or today_jst()
    queued = unaddressed = 0
    organisation = get_organisation().name
    with database.atomic():
        if links is not None:
            queued += _request_reports(today, links)
        soon = [today + dt.timedelta(days=days) for days in DAYS_BEFORE]
        upcoming = (
            PeriodicReport.select(PeriodicReport, Contract)
            .join(Contract)
            .where(
                PeriodicReport.status.in_(("pending", "returned")),
                PeriodicReport.due_on.in_(soon),
                Contract.status == rules.ACTIVE,
            )
        )
        mails = []
        for report in upcoming:
            contract = report.contract
            days = (report.due_on - today).days
            mails.append(
                (
                    contract.contact_email,
                    f"【{organisation}】定期報告の提出期限まで{days}日です（{contract.title}）",
                    f"{contract.vendor.name}\n{contract.responsible_person} 様\n\n定期報告 第{report.sequence}回の"
                    f"提出期限は {wareki(report.due_on)} です。報告用リンクから提出してください。\n",
                    f"monitor:report:{report.id}:{days}:{report.due_on.isoformat()}",
                )
            )
        for report in overdue_reports(_start_of(today)):
            contract = report.contract
            body = (
                f"契約 {contract.number}「{contract.title}」の定期報告 第{report.sequence}回は"
                f"提出期限 {wareki(report.due_on)} を過ぎても提出されていません。\n"
            )
            mails.append(
                (
                    contract.contact_email,
                    f"【{organisation}】定期報告が未提出です（{contract.title}）",
                    body + "報告用リンクから至急提出してください。\n",
                    f"monitor:report-overdue:{report.id}:{today.isoformat()}",
                )
            )
            mails.append(
                (
                    _staff_address(contract),
                    f"【{site_name()}】定期報告の提出期限超過（{contract.title}）",
                    body,
                    f"monitor:report-overdue-staff:{report.id}:{today.isoformat()}",
                )
            )
        for request in overdue_corrective(today):
            contract = request.contract
            body = (
                f"契約 {contract.number}「{contract.title}」の是正要求 No.{request.id} は期限 "
                f"{wareki(request.due_on)} を過ぎても確認が済んでいません。\n\n{request.request}\n"
            )
            mails.append(
                (
                    contract.contact_email,
                    f"【{organisation}】是正要求の期限超過（{contract.title}）",
                    body + "報告用リンクから是正計画・完了報告を提出してください。\n",
                    f"monitor:corrective:{request.id}:{today.isoformat()}",
                )
            )
            mails.append(
                (
                    _staff_address(contract),
                    f"【{site_name()}】是正要求の期限超過（{contract.title}）",
                    body,
                    f"monitor:corrective-staff:{request.id}:{today.isoformat()}",
                )
            )
        for to, subject, body, key in mails:
            if not to:
                unaddressed += 1
            elif queue_mail(to, subject, body, dedupe_key=key) is not None:
                queued += 1
        if queued:
            audit.record(
                Actor.system("remind"),
                "mail.remind_monitoring",
                "mail",
                "",
                f"契約履行中のリマインダーを送信待ちに追加（{wareki(today)}: {queued} 件）",
                after={"date": today.isoformat(), "queued": queued, "no_address": unaddressed},
            )
    return queued, unaddressed
