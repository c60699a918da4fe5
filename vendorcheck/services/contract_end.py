"""End of contract: the return and disposal checklist the annex requires (返還, 廃棄・消去,
消去証明書 with method and date, accounts deleted for cloud), completed by the vendor through its
link with evidence, confirmed or waived by staff; 完了 only when no item is open."""

from __future__ import annotations

import datetime as dt

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.contracts import clause_ids, evidence_for, refresh_next_due
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import Contract, ContractEndItem, utcnow

MAX_TEXT = 4000
OPEN, SUBMITTED, CONFIRMED, WAIVED = "open", "submitted", "confirmed", "waived"
ITEM_LABELS = {
    OPEN: "未報告",
    SUBMITTED: "報告あり（確認待ち）",
    CONFIRMED: "確認済み",
    WAIVED: "不要（理由あり）",
}
SETTLED = (CONFIRMED, WAIVED)


def evidence_subject(item: ContractEndItem) -> str:
    return f"end.{item.key}"


def start_closing(actor: Actor, contract: Contract) -> list[ContractEndItem]:
    """履行中 → 終了手続中, with the checklist derived from the articles in force."""
    if contract.status != rules.ACTIVE:
        raise Conflict("履行中の契約だけを終了手続に進められます。")
    checklist = rules.end_checklist(clause_ids(contract), contract.kind)
    with database.atomic():
        Contract.update(status=rules.CLOSING, closing_at=utcnow()).where(
            Contract.id == contract.id
        ).execute()
        items = [
            ContractEndItem.create(contract=contract, key=item.key, label=item.label)
            for item in checklist
        ]
        refresh_next_due(contract)
        steps = "\n".join(f"・{item.label}" for item in checklist)
        queue_mail(
            contract.contact_email,
            f"【{get_organisation().name}】契約終了時の返還・消去のご報告のお願い（{contract.title}）",
            f"{contract.vendor.name}\n{contract.responsible_person} 様\n\n"
            f"契約 {contract.number}「{contract.title}」の終了に当たり、特記事項に基づき次の事項を"
            f"実施し、報告用リンクから証跡を添えて報告してください。\n\n{steps}\n",
        )
        audit.record(
            actor,
            "contract.start_closing",
            "contract",
            contract.id,
            f"契約 {contract.number} を終了手続中にした（確認事項 {len(items)} 件）",
            after={"items": [item.key for item in checklist]},
        )
    return items


def items_of(contract: Contract) -> list[ContractEndItem]:
    query = ContractEndItem.select().where(ContractEndItem.contract == contract)
    return list(query.order_by(ContractEndItem.id))


def get_item(contract: Contract, item_id: int) -> ContractEndItem:
    row = ContractEndItem.get_or_none(
        ContractEndItem.id == item_id, ContractEndItem.contract == contract
    )
    if row is None:
        raise NotFound("指定された確認事項はありません。")
    return row


def vendor_report(
    actor: Actor,
    item: ContractEndItem,
    *,
    note: str,
    method: str = "",
    done_on: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    """The vendor reports one step done; the erasure certificate needs method, date and a file."""
    item = ContractEndItem.get_by_id(item.id)
    if item.contract.status != rules.CLOSING:
        raise Conflict("終了手続中の契約だけで報告できます。")
    if item.status in SETTLED:
        raise Conflict("この事項は確認済みです。")
    note, method = (note or "").strip(), (method or "").strip()
    if len(note) > MAX_TEXT or len(method) > 300:
        raise ServiceError("入力が長すぎます（内容は4000文字、方法は300文字以内）。", field="note")
    if not note:
        raise ServiceError("実施した内容を入力してください。", field="note")
    if done_on is None:
        raise ServiceError("実施日を入力してください。", field="done_on")
    if done_on > (today or today_jst()):
        raise ServiceError("実施日に未来の日付は入力できません。", field="done_on")
    if item.key == rules.END_CERTIFICATE:
        if not method:
            raise ServiceError("消去の方法を入力してください。", field="method")
        if not evidence_for(item.contract, evidence_subject(item)):
            raise ServiceError("消去証明書のファイルを添付してください。", field="file")
    with database.atomic():
        ContractEndItem.update(
            status=SUBMITTED,
            vendor_note=note,
            method=method,
            done_on=done_on,
            submitted_at=utcnow(),
        ).where(ContractEndItem.id == item.id).execute()
        audit.record(
            actor,
            "contract_end.report",
            "contract_end_item",
            item.id,
            f"契約 {item.contract.number} の「{item.label}」を報告（実施日 {wareki(done_on)}）",
            after={"key": item.key, "method": method, "done_on": done_on},
        )


def decide(actor: Actor, item: ContractEndItem, decision: str, reason: str = "") -> None:
    """Staff confirm a reported item, waive one with a reason, or send it back with a note."""
    item = ContractEndItem.get_by_id(item.id)
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise ServiceError(f"理由は{MAX_TEXT}文字以内で入力してください。", field="reason")
    if item.status in SETTLED:
        raise Conflict("この事項はすでに確認済みです。")
    if decision == CONFIRMED and item.status != SUBMITTED:
        raise Conflict(
            "事業者の報告がない事項は確認済みにできません。不要とする場合は理由を入力してください。"
        )
    if decision in (WAIVED, OPEN) and not reason:
        raise ServiceError("理由を入力してください。", field="reason")
    if decision not in (CONFIRMED, WAIVED, OPEN):
        raise ServiceError("確認・不要・差し戻しのいずれかを選んでください。", field="decision")
    with database.atomic():
        ContractEndItem.update(
            status=decision,
            waive_reason=reason,
            staff=actor.id if actor.kind == "staff" else None,
            decided_at=utcnow(),
        ).where(ContractEndItem.id == item.id).execute()
        if decision == OPEN:
            contract = item.contract
            queue_mail(
                contract.contact_email,
                f"【{get_organisation().name}】返還・消去の報告の差し戻し（{contract.title}）",
                f"「{item.label}」の報告を差し戻しました。\n\n{reason}\n\n報告用リンクから再度報告してください。\n",
            )
        refresh_next_due(item.contract)
        audit.record(
            actor,
            f"contract_end.{decision}",
            "contract_end_item",
            item.id,
            f"契約 {item.contract.number} の「{item.label}」: {ITEM_LABELS[decision]}",
            after={"reason": reason},
        )


def complete(actor: Actor, contract: Contract) -> None:
    """完了, only when every item is confirmed or waived with a reason."""
    if contract.status != rules.CLOSING:
        raise Conflict("終了手続中の契約だけを完了にできます。")
    open_items = [item for item in items_of(contract) if item.status not in SETTLED]
    if open_items:
        names = "」「".join(item.label for item in open_items)
        raise Conflict(f"確認が済んでいない事項があるため完了にできません: 「{names}」")
    with database.atomic():
        Contract.update(status=rules.COMPLETED, completed_at=utcnow()).where(
            Contract.id == contract.id
        ).execute()
        refresh_next_due(Contract.get_by_id(contract.id))
        audit.record(
            actor,
            "contract.complete",
            "contract",
            contract.id,
            f"契約 {contract.number} を完了にした",
        )
