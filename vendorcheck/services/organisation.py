"""Organisation settings and departments."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from peewee import fn

from vendorcheck.domain.classification import build_scheme
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, too_long
from vendorcheck.services.vendors import email_problem
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, Department, Organisation, Staff
from vendorcheck.store.prepared import PreparedQuery

PARTY_TERMS = {
    "itaku": ("委託者", "受託者"),
    "kou": ("甲", "乙"),
}
PARTY_TERM_LABELS = {"itaku": "委託者／受託者", "kou": "甲／乙"}
# The name migration 0001 seeds: an organisation still called this is not set up yet.
UNSET_NAME = "（団体名を設定してください）"
# What the header shows before the organisation has a name.
PRODUCT_NAME = "委託先・外部サービス確認"

MAX_ORGANISATION_NAME, MAX_DEPARTMENT_NAME = 200, 100


# Read on nearly every page: its SQL text is built once (store/prepared.py).
_ORGANISATION = PreparedQuery(lambda: Organisation.select().order_by(Organisation.id).limit(1))


def get_organisation() -> Organisation:
    organisation = _ORGANISATION.first()
    if organisation is None:  # migrations seed it; recreate if someone removed it by hand
        organisation = Organisation.create(name=UNSET_NAME)
    return organisation


def is_set_up(organisation: Organisation | None = None) -> bool:
    """Whether the organisation has its own name (vendors must never read the placeholder)."""
    name = (organisation or get_organisation()).name.strip()
    return bool(name) and name != UNSET_NAME


def site_name() -> str:
    """The organisation's name for headers and mail subjects, or the product's until it is set."""
    organisation = get_organisation()
    return organisation.name.strip() if is_set_up(organisation) else PRODUCT_NAME


@dataclass(frozen=True)
class SetupProgress:
    """The first-run steps: a name for the organisation, its departments, its staff."""

    organisation_named: bool
    departments: int  # active departments
    staff_members: int  # accounts other than admins

    @property
    def complete(self) -> bool:
        return self.organisation_named and self.departments > 0 and self.staff_members > 0


# The first-run counts in one query, its text built once per database: active departments and
# active staff other than admins.
_SETUP_COUNTS = PreparedQuery(
    lambda: Department.select(
        fn.COUNT(Department.id),
        Staff.select(fn.COUNT(Staff.id)).where(Staff.role != "admin", Staff.active == True),  # noqa: E712
    ).where(Department.active == True)  # noqa: E712
)


def setup_progress() -> SetupProgress:
    departments, staff_members = _SETUP_COUNTS.row()
    return SetupProgress(
        organisation_named=is_set_up(),
        departments=departments,
        staff_members=staff_members,
    )


def parse_extra_levels(text: str) -> dict[str, int]:
    """Parse local sub-levels written one per line as CODE=TIER (e.g. 2A=2)."""
    levels: dict[str, int] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, sep, tier = line.partition("=")
        code, tier = code.strip(), tier.strip()
        if not sep or not code or tier not in {"1", "2", "3"}:
            raise ServiceError(
                f"追加区分の{number}行目「{line[:40]}」は「区分=段階（1〜3）」の形で書いてください（例: 2A=2）。",
                field="classification_extra_levels",
            )
        if len(code) > 20:
            raise ServiceError(
                f"追加区分の{number}行目の区分名は20文字以内にしてください。",
                field="classification_extra_levels",
            )
        levels[code] = int(tier)
    return levels


def organisation_scheme(organisation: Organisation | None = None):
    organisation = organisation or get_organisation()
    return build_scheme(
        organisation.classification_scheme,
        parse_extra_levels(organisation.classification_extra_levels),
    )


_DEPARTMENTS = {  # by include_inactive: their text built once per database
    True: PreparedQuery(lambda: Department.select().order_by(Department.sort_order, Department.id)),
    False: PreparedQuery(
        lambda: (
            Department.select()
            .where(Department.active == True)  # noqa: E712
            .order_by(Department.sort_order, Department.id)
        )
    ),
}


def list_departments(*, include_inactive: bool = True) -> list[Department]:
    return _DEPARTMENTS[bool(include_inactive)].rows()


def get_department(department_id: int) -> Department:
    department = Department.get_or_none(Department.id == department_id)
    if department is None:
        raise NotFound("指定された部局は登録されていません。")
    return department


def _clean_department_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError("部局名を入力してください。", field="name")
    if len(name) > MAX_DEPARTMENT_NAME:
        raise ServiceError(too_long("部局名", MAX_DEPARTMENT_NAME), field="name")
    return name


def add_department(actor: Actor, name: str) -> Department:
    name = _clean_department_name(name)
    with database.atomic():
        if Department.select().where(Department.name == name).exists():
            raise Conflict(f"部局「{name}」は既に登録されています。", field="name")
        last = Department.select().order_by(Department.sort_order.desc()).first()
        department = Department.create(name=name, sort_order=(last.sort_order + 1) if last else 1)
        audit.record(
            actor,
            "department.create",
            "department",
            department.id,
            f"部局「{name}」を追加",
            after={"name": name},
        )
    return department


@dataclass(frozen=True)
class DepartmentContact:
    """Who vendors ask about a request from this department (the portal's help box)."""

    contact_name: str = ""
    phone: str = ""
    email: str = ""


MAX_CONTACT_NAME, MAX_PHONE = 100, 30
_PHONE = re.compile(r"[0-9+()\- ]+(内線[0-9]+)?")


def clean_department_contact(contact: DepartmentContact) -> DepartmentContact:
    """Trimmed, NFKC-normalised contact fields; a Japanese ServiceError naming the bad field."""
    name = (contact.contact_name or "").strip()
    if len(name) > MAX_CONTACT_NAME:
        raise ServiceError(too_long("担当者名", MAX_CONTACT_NAME), field="contact_name")
    phone = unicodedata.normalize("NFKC", contact.phone or "").strip()
    if len(phone) > MAX_PHONE:
        raise ServiceError(too_long("電話番号", MAX_PHONE), field="phone")
    if phone and not _PHONE.fullmatch(phone):
        raise ServiceError(
            "電話番号は 03-1234-5678 のように数字とハイフンで入力してください。", field="phone"
        )
    email = (contact.email or "").strip()
    if problem := email_problem(email):
        raise ServiceError(problem, field="email")
    if len(email) > 254:
        raise ServiceError(too_long("メールアドレス", 254), field="email")
    return DepartmentContact(name, phone, email)


def update_department(
    actor: Actor,
    department_id: int,
    *,
    name: str,
    active: bool,
    contact: DepartmentContact | None = None,
) -> Department:
    """Rename, (de)activate and, when given, set the contact vendors see for this department."""
    name = _clean_department_name(name)
    contact = clean_department_contact(contact) if contact is not None else None
    with database.atomic():
        department = get_department(department_id)
        clash = (
            Department.select()
            .where(Department.name == name, Department.id != department.id)
            .exists()
        )
        if clash:
            raise Conflict(f"部局「{name}」は既に登録されています。", field="name")
        before = _department_snapshot(department)
        department.name, department.active = name, active
        if contact is not None:
            department.contact_name = contact.contact_name
            department.phone, department.email = contact.phone, contact.email
        department.save()
        after = _department_snapshot(department)
        if before != after:
            audit.record(
                actor,
                "department.update",
                "department",
                department.id,
                f"部局「{name}」を変更",
                before,
                after,
            )
    return department


def _department_snapshot(department: Department) -> dict[str, object]:
    return {
        "name": department.name,
        "active": department.active,
        "contact_name": department.contact_name,
        "phone": department.phone,
        "email": department.email,
    }


@dataclass(frozen=True)
class RequestingContact:
    """The help box of the vendor portal: the requesting section and whom to ask there."""

    section: str
    contact_name: str
    phone: str
    email: str


def requesting_contact(assessment: Assessment) -> RequestingContact:
    """The department's contact, completed by the officer who sent the invitation."""
    department = assessment.case.department
    inviter = assessment.invited_by if assessment.invited_by_id else None
    inviter_active = inviter is not None and inviter.active
    return RequestingContact(
        section=department.name if department else "",
        contact_name=(department.contact_name if department else "")
        or (inviter.display_name if inviter_active else ""),
        phone=department.phone if department else "",
        email=(department.email if department else "") or (inviter.email if inviter_active else ""),
    )
