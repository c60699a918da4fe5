"""Contracts and the register: a contract for a service links to that service's register
entry (chosen on the contract, shown on both pages), and a review of a linked entry can ask
for the re-confirmation of the contract's answers."""

from __future__ import annotations

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import REFUSED_CHANGE, Reader
from vendorcheck.services import audit, reconfirmation
from vendorcheck.services.audit import Actor
from vendorcheck.services.contracts import check_entry
from vendorcheck.services.errors import Conflict, Forbidden, NotFound
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.services.registers import entry_for_change
from vendorcheck.store.db import database
from vendorcheck.store.models import Contract, Reconfirmation, RegisterEntry, RegisterReview


def link_entry(actor: Actor, reader: Reader, contract: Contract, entry_id: int | None) -> Contract:
    """Link the contract to a register entry of its department (None: remove the link)."""
    if not reader.may_change(contract.department_id):
        raise Forbidden(REFUSED_CHANGE)
    entry = check_entry(contract.department_id, entry_id)
    before = contract.register_entry_id
    if before == (entry.id if entry else None):
        return contract
    with database.atomic():
        Contract.update(register_entry=entry).where(Contract.id == contract.id).execute()
        audit.record(
            actor,
            "contract.register_link",
            "contract",
            contract.id,
            f"契約 {contract.number} を台帳の項目「{entry.name}」に結び付けました"
            if entry
            else f"契約 {contract.number} と台帳の項目の結び付けを外しました",
            before={"register_entry": before},
            after={"register_entry": entry.id if entry else None},
        )
    return Contract.get_by_id(contract.id)


def contracts_of_entry(entry: RegisterEntry) -> list[Contract]:
    query = Contract.select().where(Contract.register_entry == entry)
    return list(query.order_by(Contract.starts_on.desc(), Contract.id.desc()))


def reconfirmable_contracts(entry: RegisterEntry) -> list[Contract]:
    """Running contracts of the entry without a re-confirmation waiting for its answers."""
    waiting = Reconfirmation.select(Reconfirmation.contract).where(
        Reconfirmation.evaluated_at.is_null()
    )
    query = Contract.select().where(
        Contract.register_entry == entry,
        Contract.status == rules.ACTIVE,
        Contract.id.not_in(waiting),
    )
    return list(query.order_by(Contract.id))


def reconfirmations_of_entry(entry: RegisterEntry) -> list[Reconfirmation]:
    """Re-confirmations asked for by reviews of this entry, newest first."""
    query = (
        Reconfirmation.select(Reconfirmation, RegisterReview)
        .join(RegisterReview)
        .where(RegisterReview.entry == entry)
    )
    return list(query.order_by(Reconfirmation.id.desc()))


def entry_context(entry: RegisterEntry) -> dict[str, object]:
    """What a register entry's page shows of its contracts (nothing for an SNS account)."""
    if entry.entry_type != reg.SERVICE:
        return {}
    return {
        "entry_contracts": contracts_of_entry(entry),
        "reconfirmable": reconfirmable_contracts(entry),
        "entry_reconfirmations": reconfirmations_of_entry(entry),
        "contract_status_labels": rules.CONTRACT_STATUS_LABELS,
    }


def reconfirm_from_review(
    actor: Actor,
    reader: Reader,
    entry_id: int,
    contract_id: int,
    links: LinkSettings,
) -> tuple[Reconfirmation, str]:
    """After a review of the entry, ask the vendor of a linked running contract to confirm or
    change its last accepted answers (the contract's re-confirmation, with this review)."""
    entry = entry_for_change(reader, entry_id)
    contract = Contract.get_or_none(Contract.id == contract_id, Contract.register_entry == entry.id)
    if contract is None:
        raise NotFound("この台帳の項目に結び付いた契約が見つかりません。")
    review = (
        RegisterReview.select()
        .where(RegisterReview.entry == entry)
        .order_by(RegisterReview.reviewed_on.desc(), RegisterReview.id.desc())
        .first()
    )
    if review is None:
        raise Conflict("先に定期点検の結果を記録してください。再確認は点検を受けて依頼します。")
    return reconfirmation.start(actor, contract, links, review=review)
