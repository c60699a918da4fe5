"""実地検査・監査 and 是正要求: a checklist from the articles in force, findings with severity,
corrective requests with a due date, the vendor's plan and completion report by link, staff
verification and closing; overdue requests."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit, contract_list
from vendorcheck.services.audit import Actor
from vendorcheck.services.contracts import clean_text, obligations_of, refresh_next_due
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import Contract, CorrectiveRequest, Finding, Inspection, utcnow
from vendorcheck.store.prepared import PreparedSelect

CHECK_RESULTS = (("ok", "適合"), ("ng", "不適合"), ("na", "対象外"))
CHECK_RESULT_LABELS = dict(CHECK_RESULTS)
OPEN, PLANNED, COMPLETED, CLOSED = "open", "planned", "completed", "closed"
CORRECTIVE_LABELS = {
    OPEN: "計画待ち",
    PLANNED: "是正中（計画提出済み）",
    COMPLETED: "完了報告あり（確認待ち）",
    CLOSED: "確認済み・終了",
}
STILL_OPEN = (OPEN, PLANNED, COMPLETED)


@dataclass(frozen=True)
class InspectionInput:
    inspected_on: dt.date | None
    inspectors: str
    scope: str = ""
    checklist: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # key → (result, note)
    notes: str = ""
    findings: Sequence[tuple[str, str]] = ()  # (text, severity)


def record_inspection(actor: Actor, contract: Contract, data: InspectionInput) -> Inspection:
    if data.inspected_on is None:
        raise ServiceError("検査の実施日を入力してください。", field="inspected_on")
    inspectors = clean_text(data.inspectors, "inspectors", "検査者", required=True)[:300]
    checklist = {}
    for item in obligations_of(contract):
        result, note = data.checklist.get(item.key, ("", ""))
        if result and result not in CHECK_RESULT_LABELS:
            raise ServiceError("点検結果は 適合・不適合・対象外 から選んでください。")
        checklist[item.key] = {
            "label": item.label,
            "result": result,
            "note": clean_text(note, "checklist", "点検の所見"),
        }
    findings = []
    for text, severity in data.findings:
        text = clean_text(text, "findings", "指摘事項")
        if not text:
            continue
        if severity not in rules.SEVERITY_LABELS:
            raise ServiceError("指摘事項の重要度を選んでください。", field="findings")
        findings.append((text, severity))
    with database.atomic():
        inspection = Inspection.create(
            contract=contract,
            inspected_on=data.inspected_on,
            inspectors=inspectors,
            scope=clean_text(data.scope, "scope", "検査の範囲"),
            checklist=json.dumps(checklist, ensure_ascii=False),
            notes=clean_text(data.notes, "notes", "備考"),
            created_by=actor.id if actor.kind == "staff" else None,
        )
        for text, severity in findings:
            Finding.create(
                contract=contract,
                source="inspection",
                source_id=inspection.id,
                text=text,
                severity=severity,
            )
        audit.record(
            actor,
            "inspection.record",
            "inspection",
            inspection.id,
            f"契約 {contract.number} の検査（{wareki(data.inspected_on)}）を記録、指摘 {len(findings)} 件",
            after={
                "checklist": {k: v["result"] for k, v in checklist.items()},
                "findings": len(findings),
            },
        )
    return inspection


def inspections_of(contract: Contract) -> list[Inspection]:
    query = Inspection.select().where(Inspection.contract == contract)
    return list(query.order_by(Inspection.inspected_on.desc(), Inspection.id.desc()))


def checklist_of(inspection: Inspection) -> dict[str, dict[str, str]]:
    return json.loads(inspection.checklist or "{}")


def findings_of(contract: Contract) -> list[Finding]:
    return list(Finding.select().where(Finding.contract == contract).order_by(Finding.id))


def get_finding(contract: Contract, finding_id: int) -> Finding:
    row = Finding.get_or_none(Finding.id == finding_id, Finding.contract == contract)
    if row is None:
        raise ServiceError("指定された指摘事項はありません。", field="finding_id")
    return row


# --- corrective requests -------------------------------------------------------------------


def _vendor_mail(contract: Contract, subject: str, body: str) -> None:
    queue_mail(
        contract.contact_email,
        f"【{get_organisation().name}】{subject}（{contract.title}）",
        f"{contract.vendor.name}\n{contract.responsible_person} 様\n\n{body}\n"
        "お送りしている報告用リンクから回答してください。\n",
    )


def issue_corrective(
    actor: Actor,
    contract: Contract,
    request: str,
    due_on: dt.date | None,
    *,
    finding_id: int | None = None,
    today: dt.date | None = None,
) -> CorrectiveRequest:
    request = clean_text(request, "request", "是正を求める内容", required=True)
    if due_on is None:
        raise ServiceError("是正の期限を入力してください。", field="due_on")
    if due_on < (today or today_jst()):
        raise ServiceError("是正の期限には今日以降の日付を入力してください。", field="due_on")
    if contract.status == rules.COMPLETED:
        raise Conflict("完了した契約には是正要求を出せません。")
    finding = get_finding(contract, finding_id) if finding_id else None
    with database.atomic():
        row = CorrectiveRequest.create(
            contract=contract, finding=finding, request=request, due_on=due_on
        )
        refresh_next_due(contract)
        _vendor_mail(
            contract,
            "是正要求",
            f"次の事項について是正を求めます。{wareki(due_on)}までに是正計画と完了報告を提出してください。\n\n{request}",
        )
        audit.record(
            actor,
            "corrective.issue",
            "corrective_request",
            row.id,
            f"契約 {contract.number} に是正要求 No.{row.id}（期限 {wareki(due_on)}）",
            after={"due_on": due_on, "finding": finding_id},
        )
    return row


def corrective_of(contract: Contract) -> list[CorrectiveRequest]:
    query = CorrectiveRequest.select().where(CorrectiveRequest.contract == contract)
    return list(query.order_by(CorrectiveRequest.id))


def get_corrective(contract: Contract, request_id: int) -> CorrectiveRequest:
    row = CorrectiveRequest.get_or_none(
        CorrectiveRequest.id == request_id, CorrectiveRequest.contract == contract
    )
    if row is None:
        raise NotFound("指定された是正要求はありません。")
    return row


def vendor_answer(
    actor: Actor, row: CorrectiveRequest, *, plan: str = "", completion: str = ""
) -> None:
    """The vendor's plan (計画) or completion report (完了報告) through its link."""
    if row.status == CLOSED:
        raise Conflict("この是正要求は確認済みで終了しています。")
    plan = clean_text(plan, "plan", "是正計画")
    completion = clean_text(completion, "completion", "完了報告")
    if not plan and not completion:
        raise ServiceError("是正計画または完了報告を入力してください。", field="plan")
    changes: dict[str, object] = {}
    if plan:
        changes.update(plan=plan, plan_at=utcnow(), status=PLANNED)
    if completion:
        changes.update(completion=completion, completion_at=utcnow(), status=COMPLETED)
    with database.atomic():
        CorrectiveRequest.update(**changes).where(CorrectiveRequest.id == row.id).execute()
        audit.record(
            actor,
            "corrective.completion" if completion else "corrective.plan",
            "corrective_request",
            row.id,
            f"是正要求 No.{row.id} に{'完了報告' if completion else '是正計画'}を提出",
            after={"status": changes["status"]},
        )


def verify(actor: Actor, row: CorrectiveRequest, *, close: bool, note: str) -> None:
    """Staff close a request whose completion they verified, or send it back with a note."""
    note = clean_text(note, "note", "確認の内容", required=not close)
    if row.status != COMPLETED:
        raise Conflict("完了報告が提出された是正要求だけを確認できます。")
    with database.atomic():
        if close:
            CorrectiveRequest.update(
                status=CLOSED,
                staff_note=note,
                closed_at=utcnow(),
                closed_by=actor.id if actor.kind == "staff" else None,
            ).where(CorrectiveRequest.id == row.id).execute()
        else:
            CorrectiveRequest.update(status=PLANNED, staff_note=note).where(
                CorrectiveRequest.id == row.id
            ).execute()
            _vendor_mail(row.contract, "是正の完了報告の再提出のお願い", note)
        refresh_next_due(row.contract)
        audit.record(
            actor,
            "corrective.close" if close else "corrective.reopen",
            "corrective_request",
            row.id,
            f"是正要求 No.{row.id} を{'確認して終了' if close else '再是正に戻した'}",
            after={"note": note},
        )


def overdue_corrective(
    today: dt.date | None = None,
    *,
    reader: Reader | None = None,
    limit: int | None = None,
    brief: bool = False,
) -> list[CorrectiveRequest]:
    """Open corrective requests past their due day (of the reader's departments and the
    first `limit` when given: in the database); brief: with only what the dashboard shows
    (their id and due day, the contract's id and number)."""
    return _OVERDUE.rows((contract_list.scope_of(reader), limit, brief), today or today_jst())


_SHOWN = (
    CorrectiveRequest.id,
    CorrectiveRequest.contract,
    CorrectiveRequest.due_on,
    Contract.id,
    Contract.number,
)
_OVERDUE = PreparedSelect(  # its text built once per database and (department, limit, brief)
    lambda key, today: (
        contract_list.visible_to(
            CorrectiveRequest.select(*(_SHOWN if key[2] else (CorrectiveRequest, Contract)))
            .join(Contract)
            .where(CorrectiveRequest.status.in_(STILL_OPEN), CorrectiveRequest.due_on < today),
            key[0],
        )
        .order_by(CorrectiveRequest.due_on, CorrectiveRequest.id)
        .limit(key[1])
    )
)
