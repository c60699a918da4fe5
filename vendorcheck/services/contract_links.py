"""The vendor's contract link: the portal's mechanism (256-bit token, SHA-256 stored, expiring,
revocable, one object) scoped to one contract, with the portal's rate limit on wrong links."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vendorcheck.domain.jp import wareki
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import NotFound
from vendorcheck.services.invitations import (
    TOKEN_BYTES,
    LinkGone,
    hash_token,
    record_link_failure,
    refuse_if_throttled,
)
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import Contract, ContractToken, utcnow

MAX_TOKEN_LENGTH = 100
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class ContractLinkSettings:
    base_url: str
    days_after_end: int = 180
    max_failures_per_address: int = 20

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ContractLinkSettings:
        return cls(
            config["BASE_URL"],
            config["CONTRACT_LINK_DAYS_AFTER_END"],
            config["PORTAL_MAX_FAILURES_PER_ADDRESS"],
        )


@dataclass(frozen=True)
class IssuedContractLink:
    contract: Contract
    url: str
    expires_at: dt.datetime


def contract_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/c/{token}/"


def _expiry(contract: Contract, settings: ContractLinkSettings) -> dt.datetime:
    end = dt.datetime.combine(contract.ends_on, dt.time())
    return max(end, utcnow()) + dt.timedelta(days=settings.days_after_end)


def issue(contract: Contract, settings: ContractLinkSettings) -> IssuedContractLink:
    """Revoke the contract's live links and store a new one (call inside a transaction)."""
    ContractToken.update(revoked_at=utcnow()).where(
        ContractToken.contract == contract, ContractToken.revoked_at.is_null()
    ).execute()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = _expiry(contract, settings)
    ContractToken.create(contract=contract, token_hash=hash_token(token), expires_at=expires_at)
    return IssuedContractLink(contract, contract_url(settings.base_url, token), expires_at)


def link_mail(link: IssuedContractLink, *, reissued: bool) -> None:
    contract = link.contract
    organisation = get_organisation().name
    what = "新しいリンクを発行しました（以前のリンクは使えなくなりました）。" if reissued else ""
    body = (
        f"{contract.vendor.name}\n{contract.responsible_person} 様\n\n"
        f"{organisation}です。契約「{contract.title}」（契約番号 {contract.number}）の履行期間中の"
        f"報告用のリンクをお送りします。{what}\n\n"
        "次のリンクから、定期報告の提出、事故の報告、是正要求への回答、契約終了時の返還・消去の"
        f"報告ができます（アカウント登録は不要です）。\n{link.url}\n\n"
        f"このリンクは {wareki(link.expires_at.date())} まで有効です。"
        "リンクを知っている人は誰でも報告できるため、転送しないでください。\n"
    )
    queue_mail(
        contract.contact_email,
        f"【{organisation}】契約履行中の報告用リンク（{contract.title}）",
        body,
    )


def reissue(actor: Actor, contract: Contract, settings: ContractLinkSettings) -> IssuedContractLink:
    """Revoke the old link at once, issue and mail a new one."""
    with database.atomic():
        link = issue(contract, settings)
        link_mail(link, reissued=True)
        audit.record(
            actor,
            "contract.link_reissue",
            "contract",
            contract.id,
            f"契約 {contract.number} の報告用リンクを再発行",
            after={"expires_at": link.expires_at},
        )
    return link


def revoke(actor: Actor, contract: Contract) -> int:
    with database.atomic():
        count = (
            ContractToken.update(revoked_at=utcnow())
            .where(ContractToken.contract == contract, ContractToken.revoked_at.is_null())
            .execute()
        )
        audit.record(
            actor,
            "contract.link_revoke",
            "contract",
            contract.id,
            f"契約 {contract.number} の報告用リンクを無効化",
            after={"revoked": count},
        )
    return count


def link_state(contract: Contract) -> str:
    token = (
        ContractToken.select()
        .where(ContractToken.contract == contract, ContractToken.revoked_at.is_null())
        .order_by(ContractToken.id.desc())
        .first()
    )
    if token is None:
        return "無効化済み"
    if token.expires_at <= utcnow():
        return "期限切れ"
    return f"有効（{wareki(token.expires_at.date())} まで）"


def resolve(token: str, address: str, settings: ContractLinkSettings) -> Contract:
    """Return the one contract a link opens, or raise NotFound / LinkGone / TooManyAttempts."""
    refuse_if_throttled(address, settings.max_failures_per_address)
    token = token or ""
    row = None
    if len(token) <= MAX_TOKEN_LENGTH:
        row = ContractToken.get_or_none(ContractToken.token_hash == hash_token(token))
    if row is None:
        record_link_failure(address)
        raise NotFound(
            "このリンクは正しくありません。メールに記載されたリンクをそのまま開いてください。"
        )
    now = utcnow()
    if row.revoked_at is not None or row.expires_at <= now:
        record_link_failure(address)
        raise LinkGone(
            "このリンクは無効になっています（期限切れ、または新しいリンクが発行されました）。依頼元の担当者に連絡してください。"
        )
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        with database.atomic():
            ContractToken.update(last_used_at=now).where(ContractToken.id == row.id).execute()
    return row.contract


def vendor_actor(contract: Contract, address: str = "") -> Actor:
    return Actor(
        "vendor", contract.vendor_id, f"{contract.vendor.name}（契約 {contract.number}）", address
    )
