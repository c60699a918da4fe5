"""Vendors (事業者): register and edit them, find them by name or 法人番号, keep certifications."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from peewee import IntegrityError

from vendorcheck.domain.jp import clean_corporate_number, corporate_number_error, normalize
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, too_long
from vendorcheck.services.paging import Page, PageRequest, page_of
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    QuestionnaireSnapshot,
    Vendor,
    VendorCertification,
    utcnow,
)

CERTIFICATION_KINDS = {
    "isms": "ISMS（ISO/IEC 27001）",
    "pmark": "プライバシーマーク",
    "ismap": "ISMAP",
    "ismap_liu": "ISMAP-LIU",
    "soc2": "SOC 2 報告書",
    "other": "その他",
}
EXPIRY_WARNING_DAYS = 90  # a certification expiring within this many days is highlighted

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
LIMITS = {  # field: (label, most characters); the forms take their limits from here
    "name": ("事業者名", 200),
    "address": ("所在地", 300),
    "contact_name": ("担当者名", 100),
    "contact_email": ("担当者のメールアドレス", 254),
    "website": ("ウェブサイト", 500),
}
MAX_CERTIFICATE_NUMBER, MAX_CERTIFICATE_SCOPE = 100, 2000
_FIELDS = ("name", "corporate_number", "address", "contact_name", "contact_email", "website")


def corporate_number_problem(raw: str) -> str | None:
    """Return why an optional 法人番号 is invalid, or None (blank is allowed)."""
    if not clean_corporate_number(raw):
        return None
    return corporate_number_error(raw)


def email_problem(raw: str) -> str | None:
    text = (raw or "").strip()
    if text and not _EMAIL.fullmatch(text):
        return "メールアドレスは name@example.jp の形式で入力してください。"
    return None


def website_problem(raw: str) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc or re.search(r"\s", text):
        return "ウェブサイトは http:// または https:// で始まるアドレスで入力してください。"
    return None


def _clean(values: dict[str, str]) -> dict[str, object]:
    """Check and tidy the vendor's fields; raise ServiceError naming the first bad one."""
    cleaned: dict[str, object] = {key: (values.get(key) or "").strip() for key in _FIELDS}
    if not cleaned["name"]:
        raise ServiceError("事業者名を入力してください。", field="name")
    for key, (label, limit) in LIMITS.items():
        if len(str(cleaned[key])) > limit:
            raise ServiceError(too_long(label, limit), field=key)
    for key, check in (
        ("corporate_number", corporate_number_problem),
        ("contact_email", email_problem),
        ("website", website_problem),
    ):
        problem = check(str(cleaned[key]))
        if problem:
            raise ServiceError(problem, field=key)
    cleaned["corporate_number"] = clean_corporate_number(str(cleaned["corporate_number"])) or None
    return cleaned


def _snapshot(vendor: Vendor) -> dict[str, object]:
    return {key: getattr(vendor, key) for key in _FIELDS}


def _check_unique_number(number: str | None, vendor_id: int | None) -> None:
    if number is None:
        return
    query = Vendor.select().where(Vendor.corporate_number == number)
    if vendor_id is not None:
        query = query.where(Vendor.id != vendor_id)
    holder = query.first()
    if holder is not None:
        raise Conflict(
            f"法人番号 {number} は既に「{holder.name}」として登録されています。"
            "同じ事業者を二重に登録しないよう、一覧から既存の事業者を選んでください。",
            field="corporate_number",
        )


def _duplicate_number(number: object) -> Conflict:
    return Conflict(
        f"法人番号 {number} は既に登録されています。一覧から既存の事業者を選んでください。",
        field="corporate_number",
    )


FIELDS = ("name", "corporate_number", "address", "contact_name", "contact_email", "website")


def create_vendor(
    actor: Actor,
    *,
    name: str,
    corporate_number: str = "",
    address: str = "",
    contact_name: str = "",
    contact_email: str = "",
    website: str = "",
) -> Vendor:
    values = _clean(
        dict(
            zip(
                FIELDS,
                (name, corporate_number, address, contact_name, contact_email, website),
                strict=True,
            )
        )
    )
    try:
        with database.atomic():
            _check_unique_number(values["corporate_number"], None)  # type: ignore[arg-type]
            vendor = Vendor.create(**values, name_normalized=normalize(str(values["name"]))[:200])
            audit.record(
                actor,
                "vendor.create",
                "vendor",
                vendor.id,
                f"事業者「{vendor.name}」を登録",
                after=_snapshot(vendor),
            )
    except IntegrityError:  # a concurrent request registered the same 法人番号 first
        raise _duplicate_number(values["corporate_number"]) from None
    return vendor


def update_vendor(
    actor: Actor,
    vendor_id: int,
    *,
    name: str,
    corporate_number: str = "",
    address: str = "",
    contact_name: str = "",
    contact_email: str = "",
    website: str = "",
) -> Vendor:
    values = _clean(
        dict(
            zip(
                FIELDS,
                (name, corporate_number, address, contact_name, contact_email, website),
                strict=True,
            )
        )
    )
    try:
        with database.atomic():
            vendor = get_vendor(vendor_id)
            _check_unique_number(values["corporate_number"], vendor.id)  # type: ignore[arg-type]
            before = _snapshot(vendor)
            for key, value in values.items():
                setattr(vendor, key, value)
            vendor.name_normalized = normalize(vendor.name)[:200]
            after = _snapshot(vendor)
            if before != after:
                vendor.updated_at = utcnow()
                vendor.save()
                audit.record(
                    actor,
                    "vendor.update",
                    "vendor",
                    vendor.id,
                    f"事業者「{vendor.name}」の情報を変更",
                    before,
                    after,
                )
    except IntegrityError:
        raise _duplicate_number(values["corporate_number"]) from None
    return vendor


def get_vendor(vendor_id: int) -> Vendor:
    vendor = Vendor.get_or_none(Vendor.id == vendor_id)
    if vendor is None:
        raise NotFound("指定された事業者は登録されていません。")
    return vendor


def _matching(q: str):
    """Vendors whose name contains q (full/half width and case ignored) or by 法人番号."""
    needle = normalize(q)
    query = Vendor.select()
    if needle:
        condition = Vendor.name_normalized.contains(needle)
        digits = clean_corporate_number(q)
        if digits.isdigit():
            condition |= Vendor.corporate_number.contains(digits)
        query = query.where(condition)
    return query


VENDOR_SORTS = {  # each with an index on (column, id) (migration 0018)
    "name": (Vendor.name_normalized,),
    "number": (Vendor.corporate_number,),
    "contact": (Vendor.contact_name,),
    "email": (Vendor.contact_email,),
    "updated": (Vendor.updated_at,),
}


def page_of_vendors(q: str, wanted: PageRequest) -> Page:
    """One page of the vendors matching q, sorted and cut in the database: three queries."""
    return page_of(_matching(q), VENDOR_SORTS, wanted, Vendor.id)


def all_vendors() -> list[Vendor]:
    return list(
        Vendor.select(
            Vendor.id, Vendor.name, Vendor.corporate_number, Vendor.contact_email
        ).order_by(Vendor.name_normalized, Vendor.id)
    )


def certifications(vendor: Vendor) -> list[VendorCertification]:
    return list(
        VendorCertification.select()
        .where(VendorCertification.vendor == vendor)
        .order_by(VendorCertification.kind, VendorCertification.id)
    )


def expiry_state(expires_on: dt.date | None, today: dt.date) -> str:
    """Return "expired", "soon" (within EXPIRY_WARNING_DAYS), "valid" or "" (no date)."""
    if expires_on is None:
        return ""
    if expires_on < today:
        return "expired"
    if expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return "soon"
    return "valid"


def add_certification(
    actor: Actor,
    vendor_id: int,
    *,
    kind: str,
    number: str = "",
    scope: str = "",
    expires_on: dt.date | None = None,
) -> VendorCertification:
    if kind not in CERTIFICATION_KINDS:
        raise ServiceError("認証の種類を選択してください。", field="kind")
    number, scope = (number or "").strip(), (scope or "").strip()
    if len(number) > MAX_CERTIFICATE_NUMBER:
        raise ServiceError(too_long("登録番号", MAX_CERTIFICATE_NUMBER), field="number")
    if len(scope) > MAX_CERTIFICATE_SCOPE:
        raise ServiceError(too_long("認証の範囲", MAX_CERTIFICATE_SCOPE), field="scope")
    with database.atomic():
        vendor = get_vendor(vendor_id)
        certification = VendorCertification.create(
            vendor=vendor, kind=kind, number=number, scope=scope, expires_on=expires_on
        )
        audit.record(
            actor,
            "vendor.certification_add",
            "vendor",
            vendor.id,
            f"事業者「{vendor.name}」に認証「{CERTIFICATION_KINDS[kind]}」を追加",
            after={"kind": kind, "number": number, "scope": scope, "expires_on": expires_on},
        )
    return certification


def remove_certification(actor: Actor, vendor_id: int, certification_id: int) -> None:
    with database.atomic():
        vendor = get_vendor(vendor_id)
        certification = VendorCertification.get_or_none(
            VendorCertification.id == certification_id, VendorCertification.vendor == vendor
        )
        if certification is None:
            raise NotFound("削除する認証が見つかりません。")
        before = {
            "kind": certification.kind,
            "number": certification.number,
            "scope": certification.scope,
            "expires_on": certification.expires_on,
        }
        certification.delete_instance()
        audit.record(
            actor,
            "vendor.certification_remove",
            "vendor",
            vendor.id,
            f"事業者「{vendor.name}」の認証「{CERTIFICATION_KINDS.get(before['kind'], before['kind'])}」を削除",
            before=before,
        )


def assessments_of(vendor: Vendor) -> list[Assessment]:
    """Every assessment of the vendor with its case and questionnaire, in one query."""
    return list(
        Assessment.select(
            Assessment.id,
            Assessment.status,
            Assessment.deadline,
            Assessment.submitted_version,
            Assessment.invited_at,
            Case.id,
            Case.title,
            Case.kind,
            QuestionnaireSnapshot.id,
            QuestionnaireSnapshot.questionnaire_id,
            QuestionnaireSnapshot.version,
        )
        .join(Case)
        .switch(Assessment)
        .join(QuestionnaireSnapshot)
        .where(Assessment.vendor == vendor)
        .order_by(Assessment.invited_at.desc(), Assessment.id.desc())
    )
