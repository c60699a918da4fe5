"""定期報告: the form built from the articles in force, drafts, frozen submitted versions, staff
acceptance or return, overdue reports and their reminders."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import wareki
from vendorcheck.services import audit, contract_list
from vendorcheck.services.audit import Actor
from vendorcheck.services.contracts import obligations_of, refresh_next_due
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation, site_name
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Contract,
    PeriodicReport,
    PeriodicReportVersion,
    Staff,
    utcnow,
)
from vendorcheck.store.prepared import PreparedSelect

MAX_TEXT = 4000
PENDING, SUBMITTED, RETURNED, ACCEPTED = "pending", "submitted", "returned", "accepted"
STATUS_LABELS = {
    PENDING: "未提出",
    SUBMITTED: "審査待ち",
    RETURNED: "差し戻し中",
    ACCEPTED: "受理済み",
}
EDITABLE = (PENDING, RETURNED)
FREE_TEXT = (
    ("staff_changes", "作業従事者（名簿）の変更"),
    ("subcontractor_changes", "再委託先の変更"),
    ("incidents", "期間中に発生した事故・事故のおそれ"),
)
NEEDS_COMMENT = ("partial", "non_compliant")
DAYS_BEFORE = (7, 3, 1)  # reminders before a report is due


@dataclass
class ReportDraft:
    items: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {status, comment}
    texts: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"items": self.items, "texts": self.texts}, ensure_ascii=False)


def read_draft(report: PeriodicReport) -> ReportDraft:
    try:
        data = json.loads(report.draft or "{}")
    except ValueError:
        data = {}
    return ReportDraft(dict(data.get("items", {})), dict(data.get("texts", {})))


def reports_of(contract: Contract) -> list[PeriodicReport]:
    query = PeriodicReport.select().where(PeriodicReport.contract == contract)
    return list(query.order_by(PeriodicReport.sequence))


def get_report(contract: Contract, report_id: int) -> PeriodicReport:
    """One report, only when it belongs to this contract."""
    report = PeriodicReport.get_or_none(
        PeriodicReport.id == report_id, PeriodicReport.contract == contract
    )
    if report is None:
        raise NotFound("指定された定期報告はありません。")
    return report


def period_label(report: PeriodicReport) -> str:
    return f"第{report.sequence}回（{wareki(report.period_start)}〜{wareki(report.period_end)}）"


def open_to_vendor(report: PeriodicReport, today: dt.date) -> bool:
    """A report can be filed once its period has started, while pending or returned."""
    return report.status in EDITABLE and report.period_start <= today


def _draft_from_form(contract: Contract, form: Mapping[str, str]) -> ReportDraft:
    draft = ReportDraft()
    for item in obligations_of(contract):
        draft.items[item.key] = {
            "status": str(form.get(f"status__{item.key}", ""))[:20],
            "comment": str(form.get(f"comment__{item.key}", ""))[: MAX_TEXT + 1],
        }
    for key, _label in FREE_TEXT:
        draft.texts[key] = str(form.get(key, ""))[: MAX_TEXT + 1]
    return draft


def problems(contract: Contract, draft: ReportDraft, *, complete: bool = True) -> dict[str, str]:
    """Field name → Japanese message for every item that cannot be submitted as it is; with
    complete=False (a draft) only what cannot even be kept: unknown choices, too long texts."""
    errors: dict[str, str] = {}
    for item in obligations_of(contract):
        answer = draft.items.get(item.key, {})
        state, comment = answer.get("status", ""), answer.get("comment", "").strip()
        if state not in rules.COMPLIANCE_LABELS and (complete or state):
            errors[f"status__{item.key}"] = "遵守状況を選んでください。"
        elif complete and state in NEEDS_COMMENT and not comment:
            errors[f"comment__{item.key}"] = "未遵守の内容と対応をコメントに書いてください。"
        if len(comment) > MAX_TEXT:
            errors[f"comment__{item.key}"] = f"コメントは{MAX_TEXT}文字以内で入力してください。"
    for key, _label in FREE_TEXT:
        if len(draft.texts.get(key, "")) > MAX_TEXT:
            errors[key] = f"{MAX_TEXT}文字以内で入力してください。"
    return errors


def _ensure_editable(report: PeriodicReport) -> None:
    if report.status not in EDITABLE:
        raise Conflict("この定期報告は提出済みです。差し戻されたときだけ修正できます。")


def save_draft(
    report: PeriodicReport, form: Mapping[str, str], *, complete: bool = False
) -> dict[str, str]:
    """Keep what the vendor typed (valid or not); return the problems to show beside it."""
    _ensure_editable(report)
    draft = _draft_from_form(report.contract, form)
    with database.atomic():
        PeriodicReport.update(draft=draft.to_json()).where(PeriodicReport.id == report.id).execute()
    return problems(report.contract, draft, complete=complete)


def _staff_mail(contract: Contract, subject: str, body: str) -> None:
    owner = (
        Staff.get_or_none(Staff.id == contract.created_by_id) if contract.created_by_id else None
    )
    if owner is not None and owner.email and owner.active:
        queue_mail(owner.email, subject, body)


def submit(
    actor: Actor, report: PeriodicReport, form: Mapping[str, str], *, now: dt.datetime | None = None
) -> dict[str, str] | PeriodicReportVersion:
    """Save the form; when complete, freeze it as the next version. Returns problems or the version."""
    errors = save_draft(report, form, complete=True)
    if errors:
        return errors
    now = now or utcnow()
    contract = report.contract
    with database.atomic():
        fresh = PeriodicReport.get_by_id(report.id)
        _ensure_editable(fresh)
        draft = read_draft(fresh)
        labels = {item.key: item.label for item in obligations_of(contract)}
        content = {
            "items": [
                {"key": key, "label": labels[key], **draft.items.get(key, {})} for key in labels
            ],
            "texts": draft.texts,
        }
        version = fresh.submitted_version + 1
        row = PeriodicReportVersion.create(
            report=fresh,
            version=version,
            content=json.dumps(content, ensure_ascii=False),
            submitted_at=now,
        )
        first = fresh.first_submitted_at or now
        late = rules.is_past_due(fresh.due_on, first)
        PeriodicReport.update(
            status=SUBMITTED, submitted_version=version, first_submitted_at=first, late=late
        ).where(PeriodicReport.id == fresh.id).execute()
        refresh_next_due(contract)
        counts = {
            state: sum(1 for item in content["items"] if item.get("status") == state)
            for state in rules.COMPLIANCE_LABELS
        }
        audit.record(
            actor,
            "report.submit",
            "periodic_report",
            fresh.id,
            f"契約 {contract.number} の定期報告 {period_label(fresh)} 第{version}版を提出"
            + ("（期限後）" if late else ""),
            after={"version": version, "late": late, "counts": counts},
        )
        _staff_mail(
            contract,
            f"【{site_name()}】定期報告が提出されました（{contract.title}）",
            f"契約 {contract.number}「{contract.title}」の定期報告 {period_label(fresh)} "
            f"第{version}版が提出されました。審査してください。\n",
        )
    return row


def versions(report: PeriodicReport) -> list[PeriodicReportVersion]:
    query = PeriodicReportVersion.select().where(PeriodicReportVersion.report == report)
    return list(query.order_by(PeriodicReportVersion.version.desc()))


def version_content(row: PeriodicReportVersion) -> dict:
    return json.loads(row.content)


def _ensure_submitted(report: PeriodicReport) -> None:
    if report.status != SUBMITTED:
        raise Conflict("審査待ちの定期報告だけを受理・差し戻しできます。")


def accept(actor: Actor, report: PeriodicReport) -> None:
    with database.atomic():
        report = PeriodicReport.get_by_id(report.id)
        _ensure_submitted(report)
        PeriodicReport.update(
            status=ACCEPTED,
            reviewed_by=actor.id if actor.kind == "staff" else None,
            reviewed_at=utcnow(),
            return_reason="",
        ).where(PeriodicReport.id == report.id).execute()
        refresh_next_due(report.contract)
        audit.record(
            actor,
            "report.accept",
            "periodic_report",
            report.id,
            f"契約 {report.contract.number} の定期報告 {period_label(report)} を受理",
            after={"version": report.submitted_version},
        )


def return_report(actor: Actor, report: PeriodicReport, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("差し戻しの理由を入力してください。", field="reason")
    if len(reason) > MAX_TEXT:
        raise ServiceError(f"理由は{MAX_TEXT}文字以内で入力してください。", field="reason")
    with database.atomic():
        report = PeriodicReport.get_by_id(report.id)
        _ensure_submitted(report)
        PeriodicReport.update(
            status=RETURNED,
            return_reason=reason,
            reviewed_at=utcnow(),
            reviewed_by=actor.id if actor.kind == "staff" else None,
        ).where(PeriodicReport.id == report.id).execute()
        contract = report.contract
        refresh_next_due(contract)
        queue_mail(
            contract.contact_email,
            f"【{get_organisation().name}】定期報告の差し戻し（{contract.title}）",
            f"{contract.vendor.name}\n{contract.responsible_person} 様\n\n"
            f"定期報告 {period_label(report)} を差し戻しました。次の点を修正し、"
            f"お送りしている報告用リンクから再提出してください。\n\n{reason}\n",
        )
        audit.record(
            actor,
            "report.return",
            "periodic_report",
            report.id,
            f"契約 {contract.number} の定期報告 {period_label(report)} を差し戻し",
            after={"reason": reason},
        )


def overdue_reports(
    now: dt.datetime | None = None,
    *,
    contracts: Sequence[int] | None = None,
    reader: Reader | None = None,
    limit: int | None = None,
    brief: bool = False,
) -> list[PeriodicReport]:
    """Reports still to file whose deadline has ended in Japan time (of the reader's
    departments and the first `limit` when given: in the database); brief: with only what the
    dashboard shows of them (BOARD_FIELDS)."""
    now = now or utcnow()
    cutoff = rules.jst_date(now) - dt.timedelta(days=1)  # due on or before yesterday (JST)
    if contracts is None:
        return _OVERDUE.rows((contract_list.scope_of(reader), limit, brief), cutoff)
    query = _overdue(cutoff).where(PeriodicReport.contract.in_(list(contracts)))
    return list(query.order_by(PeriodicReport.due_on, PeriodicReport.id).limit(limit))


# What the dashboard shows of a report: its number and due day, its contract's number and title.
BOARD_FIELDS = (
    PeriodicReport.id,
    PeriodicReport.contract,
    PeriodicReport.sequence,
    PeriodicReport.due_on,
    Contract.id,
    Contract.number,
    Contract.title,
)


def _overdue(cutoff, fields=(PeriodicReport, Contract)):
    return (
        PeriodicReport.select(*fields)
        .join(Contract)
        .where(
            PeriodicReport.status.in_(EDITABLE),
            PeriodicReport.due_on <= cutoff,
            Contract.status == rules.ACTIVE,
        )
    )


# Built once per database and (department, limit, brief): the text of these selects costs more
# than running them on the dashboard.
_OVERDUE = PreparedSelect(
    lambda key, cutoff: (
        contract_list.visible_to(
            _overdue(cutoff, BOARD_FIELDS) if key[2] else _overdue(cutoff), key[0]
        )
        .order_by(PeriodicReport.due_on, PeriodicReport.id)
        .limit(key[1])
    )
)
_WAITING = PreparedSelect(
    lambda key: (
        contract_list.visible_to(
            PeriodicReport.select(*BOARD_FIELDS)
            .join(Contract)
            .where(PeriodicReport.status == SUBMITTED),
            key[0],
        )
        .order_by(PeriodicReport.first_submitted_at, PeriodicReport.id)
        .limit(key[1])
    )
)


def waiting_review(reader: Reader | None = None, limit: int | None = None) -> list[PeriodicReport]:
    """Submitted reports waiting for review, the first submitted first, with what the
    dashboard shows of them (BOARD_FIELDS)."""
    return _WAITING.rows((contract_list.scope_of(reader), limit))
