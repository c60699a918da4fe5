"""Invite vendors: an assessment per vendor, a hashed link, and the invitation mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, fn

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import english_date, in_japan, today_jst, wareki, wareki_day
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, TooManyAttempts
from vendorcheck.services.mail import queue_mail
from vendorcheck.services.organisation import get_organisation, is_set_up
from vendorcheck.services.questionnaires import snapshot_json
from vendorcheck.services.wording import localised
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    AccessToken,
    Assessment,
    Case,
    Department,
    PortalFailure,
    QuestionnaireSnapshot,
    Vendor,
    utcnow,
)
from vendorcheck.store.prepared import PreparedQuery

TOKEN_BYTES = 32  # 256 bits
FAILURE_WINDOW = dt.timedelta(minutes=15)


ORGANISATION_NOT_SET_UP = (
    "団体名がまだ設定されていないため、事業者を招待できません（招待メールに団体名が入ります）。"
    "管理者が組織設定で団体名を設定してから招待してください。"
)


class OrganisationNotSetUp(ServiceError):
    """Vendors would read a placeholder instead of the organisation's name."""


def _require_organisation() -> None:
    if not is_set_up():
        raise OrganisationNotSetUp(ORGANISATION_NOT_SET_UP)


class LinkGone(ServiceError):
    """The link existed but was revoked or has expired (HTTP 410)."""


@dataclass(frozen=True)
class LinkSettings:
    base_url: str
    link_days: int = 60
    max_failures_per_address: int = 20

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LinkSettings:
        """The link settings of a running application (BASE_URL and the VENDOR_LINK_* limits)."""
        return cls(
            config["BASE_URL"],
            config["VENDOR_LINK_DAYS"],
            config["PORTAL_MAX_FAILURES_PER_ADDRESS"],
        )


@dataclass(frozen=True)
class IssuedLink:
    assessment: Assessment
    url: str
    expires_at: dt.datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def portal_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/p/{token}/"


def store_snapshot(questionnaire: Questionnaire) -> QuestionnaireSnapshot:
    """Keep the exact content issued; the same content is stored once."""
    content_hash, content = snapshot_json(questionnaire)
    existing = QuestionnaireSnapshot.get_or_none(QuestionnaireSnapshot.content_hash == content_hash)
    if existing:
        return existing
    return QuestionnaireSnapshot.create(
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        content_hash=content_hash,
        content=content,
    )


def _new_token(assessment: Assessment, settings: LinkSettings) -> IssuedLink:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = utcnow() + dt.timedelta(days=settings.link_days)
    AccessToken.create(assessment=assessment, token_hash=hash_token(token), expires_at=expires_at)
    return IssuedLink(assessment, portal_url(settings.base_url, token), expires_at)


def greeting(vendor: Vendor) -> str:
    """The opening of every mail to a vendor: the company, then the contact by name if known."""
    contact = (vendor.contact_name or "").strip()
    return f"{vendor.name}\n{contact + ' 様' if contact else 'ご担当者 様'}"


def fresh_link(assessment: Assessment, settings: LinkSettings) -> IssuedLink:
    """A new link for a mail (only hashes are stored, so an old link cannot be sent again).

    Links already sent keep working until they expire or are revoked, so a vendor who has
    the portal open is not cut off; call inside the transaction of the mail's event."""
    return _new_token(assessment, settings)


def _invitation_mail(link: IssuedLink, *, reissued: bool) -> None:
    assessment = link.assessment
    vendor, case = assessment.vendor, assessment.case
    if not vendor.contact_email:
        return
    organisation = get_organisation().name
    deadline = wareki(assessment.deadline) if assessment.deadline else "（期限の定めなし）"
    link_until = wareki_day(link.expires_at)
    if assessment.language == "en":
        subject = f"[{organisation}] Security questionnaire: {case.title}"
        body = (
            f"Dear {vendor.contact_name or vendor.name},\n\n"
            f'{organisation} asks you to answer a security questionnaire for "{case.title}".\n'
            f"Answer deadline: {english_date(assessment.deadline) if assessment.deadline else 'none'}\n\n"
            f"Open this link to answer (no account needed; you can save and come back):\n{link.url}\n\n"
            f"The link is valid until {english_date(in_japan(link.expires_at).date())} (Japan time). Do not forward it: anyone with the link can answer.\n"
        )
    else:
        action = (
            "新しいリンクを発行しました（以前のリンクは使えなくなりました）。"
            if reissued
            else "確認書へのご回答をお願いします。"
        )
        subject = f"【{organisation}】情報セキュリティ確認書のご回答のお願い（{case.title}）"
        body = (
            f"{greeting(vendor)}\n\n"
            f"{organisation}です。案件「{case.title}」について、{action}\n\n"
            f"回答期限: {deadline}\n\n"
            f"次のリンクから回答してください（アカウント登録は不要です。途中で保存し、後から続けられます）。\n{link.url}\n\n"
            f"このリンクは {link_until} まで有効です。リンクを知っている人は誰でも回答できるため、転送しないでください。\n"
        )
    queue_mail(vendor.contact_email, subject, body)


def invite(
    actor: Actor,
    case: Case,
    vendor_ids: Sequence[int],
    questionnaire: Questionnaire,
    *,
    deadline: dt.date | None,
    language: str,
    settings: LinkSettings,
) -> list[IssuedLink]:
    """Create one assessment per vendor with a link, and queue the invitation mails."""
    _require_organisation()
    if not vendor_ids:
        raise ServiceError("招待する事業者を1社以上選んでください。", field="vendor_ids")
    if language not in {"ja", "en"}:
        raise ServiceError("回答の言語を選んでください。", field="language")
    if case.kind not in questionnaire.kinds:
        raise ServiceError("この案件の種類に合わない確認書です。", field="questionnaire_id")
    if questionnaire.respondent != "vendor":
        raise ServiceError(
            "この確認書は利用を申請する課が回答する自己点検です。事業者には送れません"
            "（外部サービス・SNS の利用申請から回答してください）。",
            field="questionnaire_id",
        )
    if deadline is not None and deadline < today_jst():
        raise ServiceError("回答期限には今日以降の日付を入力してください。", field="deadline")
    links = []
    with database.atomic():
        snapshot = store_snapshot(localised(questionnaire))  # in the organisation's own words
        for vendor_id in dict.fromkeys(vendor_ids):
            vendor = Vendor.get_or_none(Vendor.id == vendor_id)
            if vendor is None:
                raise ServiceError("選ばれた事業者が見つかりません。", field="vendor_ids")
            already = Assessment.select().where(
                Assessment.case == case,
                Assessment.vendor == vendor,
                Assessment.status != status.REJECTED,
            )
            if already.exists():
                raise Conflict(f"{vendor.name} はこの案件に招待済みです。", field="vendor_ids")
            assessment = Assessment.create(
                case=case,
                vendor=vendor,
                snapshot=snapshot,
                language=language,
                deadline=deadline,
                invited_by=actor.id if actor.kind == "staff" else None,
            )
            link = _new_token(assessment, settings)
            _invitation_mail(link, reissued=False)
            audit.record(
                actor,
                "assessment.invite",
                "assessment",
                assessment.id,
                f"案件「{case.title}」に {vendor.name} を招待（{questionnaire.id} v{questionnaire.version}）",
                after={
                    "case": case.id,
                    "vendor": vendor.id,
                    "questionnaire": questionnaire.id,
                    "version": questionnaire.version,
                    "content_hash": snapshot.content_hash,
                    "deadline": deadline,
                    "language": language,
                },
            )
            links.append(link)
    return links


def _active_tokens(assessment: Assessment):
    return AccessToken.select().where(
        AccessToken.assessment == assessment, AccessToken.revoked_at.is_null()
    )


def revoke_link(actor: Actor, assessment: Assessment) -> int:
    """Revoke every live link of an assessment; return how many were revoked."""
    with database.atomic():
        count = (
            AccessToken.update(revoked_at=utcnow())
            .where(AccessToken.assessment == assessment, AccessToken.revoked_at.is_null())
            .execute()
        )
        audit.record(
            actor,
            "assessment.link_revoke",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} へのリンクを無効化",
            after={"revoked": count},
        )
    return count


def reissue_link(actor: Actor, assessment: Assessment, settings: LinkSettings) -> IssuedLink:
    """Revoke the old link at once and issue (and mail) a new one."""
    _require_organisation()
    with database.atomic():
        AccessToken.update(revoked_at=utcnow()).where(
            AccessToken.assessment == assessment, AccessToken.revoked_at.is_null()
        ).execute()
        link = _new_token(assessment, settings)
        _invitation_mail(link, reissued=True)
        audit.record(
            actor,
            "assessment.link_reissue",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} へのリンクを再発行",
            after={"expires_at": link.expires_at},
        )
    return link


def link_state(assessment: Assessment) -> str:
    """Describe the current link for staff: 有効 (until …), 無効化済み or 期限切れ."""
    token = _active_tokens(assessment).order_by(AccessToken.id.desc()).first()
    if token is None:
        return "無効化済み"
    if token.expires_at <= utcnow():
        return "期限切れ"
    return f"有効（{wareki_day(token.expires_at)} まで）"


def record_link_failure(address: str) -> None:
    """Count a wrong, expired or revoked vendor link (any kind of link) against an address."""
    with database.atomic():
        PortalFailure.create(client_address=address)


# Asked on every vendor page: their SQL text is built once (store/prepared.py).
_FAILURES_SINCE = PreparedQuery(
    lambda address, since: PortalFailure.select(fn.COUNT(PortalFailure.id)).where(
        PortalFailure.client_address == address, PortalFailure.at >= since
    )
)
# The assessment with its case, department and vendor in the same query: every portal page
# reads them (the help box, the page heading, the register's known answers). token_hash is
# unique, so the query needs no limit.
_LINK = PreparedQuery(
    lambda token_hash: (
        AccessToken.select(AccessToken, Assessment, Case, Department, Vendor)
        .join(Assessment)
        .join(Case)
        .join(Department, JOIN.LEFT_OUTER)
        .switch(Assessment)
        .join(Vendor)
        .where(AccessToken.token_hash == token_hash)
    )
)


def refuse_if_throttled(address: str, max_failures: int) -> None:
    """Raise TooManyAttempts when an address has tried too many wrong vendor links lately."""
    row = _FAILURES_SINCE.row(address, utcnow() - FAILURE_WINDOW)
    if int(row[0] if row else 0) >= max_failures:
        raise TooManyAttempts(
            "無効なリンクへのアクセスが続いたため、しばらくアクセスできません。15分ほど待ってから、お送りしたリンクを開き直してください。"
        )


def resolve_link(token: str, address: str, settings: LinkSettings) -> Assessment:
    """Return the one assessment a link opens, or raise NotFound / LinkGone / TooManyAttempts."""
    refuse_if_throttled(address, settings.max_failures_per_address)
    row = _LINK.first(hash_token(token or ""))
    if row is None or len(token) > 100:
        record_link_failure(address)
        raise NotFound(
            "このリンクは正しくありません。メールに記載されたリンクをそのまま開いてください。"
        )
    if row.revoked_at is not None or row.expires_at <= utcnow():
        record_link_failure(address)
        raise LinkGone(
            "このリンクは無効になっています（期限切れ、または新しいリンクが発行されました）。依頼元の担当者に連絡してください。"
        )
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
        with database.atomic():
            AccessToken.update(last_used_at=now).where(AccessToken.id == row.id).execute()
    return row.assessment
