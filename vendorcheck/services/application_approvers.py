"""Who may approve use applications: the ciso and admin always, and the staff the organisation
names in its settings, for every department or for one. Naming and removing are audited."""

from __future__ import annotations

from peewee import JOIN

from vendorcheck.domain.access import Reader
from vendorcheck.domain.roles import can, role_label
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Forbidden, NotFound, ServiceError
from vendorcheck.store.db import database
from vendorcheck.store.models import ApplicationApprover, Department, Staff
from vendorcheck.store.prepared import PreparedSelect

REFUSED_DECISION = (
    "利用申請を判断できるのは、統括情報セキュリティ責任者・システム管理者と、"
    "組織設定で承認者に指名された職員です。"
)
REFUSED_OWN = "自分が作成した利用申請は判断できません。ほかの承認者に判断を依頼してください。"
ALL_DEPARTMENTS = "全部局"


def approvers() -> list[ApplicationApprover]:
    """The named approvers with their staff and department (one query), by name."""
    return list(
        ApplicationApprover.select(ApplicationApprover, Staff, Department)
        .join(Staff, on=ApplicationApprover.staff == Staff.id)
        .switch(ApplicationApprover)
        .join(Department, JOIN.LEFT_OUTER, on=ApplicationApprover.department == Department.id)
        .order_by(Staff.display_name, ApplicationApprover.id)
    )


def _scope_label(department: Department | None) -> str:
    return department.name if department is not None else ALL_DEPARTMENTS


def add_approver(
    actor: Actor, reader: Reader, staff_id: int | None, department_id: int | None
) -> ApplicationApprover:
    """Name a staff member as approver for one department (or all, department_id None)."""
    if not can(reader.role, "manage_organisation"):
        raise Forbidden("承認者を指名できるのはシステム管理者です。")
    with database.atomic():
        staff = Staff.get_or_none(Staff.id == (staff_id or 0))
        if staff is None or not staff.active:
            raise ServiceError("承認者にする職員を一覧から選んでください。", field="staff_id")
        if can(staff.role, "approve"):
            raise ServiceError(
                f"{role_label(staff.role)}は指名しなくてもすべての利用申請を判断できます。",
                field="staff_id",
            )
        if not can(staff.role, "manage_cases"):
            raise ServiceError(
                "閲覧者は承認者にできません。先に役割を変更してください。", field="staff_id"
            )
        department = None
        if department_id:
            department = Department.get_or_none(Department.id == department_id)
            if department is None or not department.active:
                raise ServiceError("部局を一覧から選んでください。", field="department_id")
        existing = ApplicationApprover.select().where(ApplicationApprover.staff == staff)
        for row in existing:
            if row.department_id is None or row.department_id == (department and department.id):
                raise ServiceError(
                    f"{staff.display_name}はすでに{_scope_label(row.department)}の承認者です。",
                    field="staff_id",
                )
        approver = ApplicationApprover.create(
            staff=staff,
            department=department,
            added_by=actor.id if actor.kind == "staff" else None,
        )
        audit.record(
            actor,
            "organisation.approver_add",
            "application_approver",
            approver.id,
            f"{staff.display_name}を利用申請の承認者（{_scope_label(department)}）に指名",
            after={"staff": staff.id, "department": department.id if department else None},
        )
    return approver


def remove_approver(actor: Actor, reader: Reader, approver_id: int) -> None:
    if not can(reader.role, "manage_organisation"):
        raise Forbidden("承認者の指名を取り消せるのはシステム管理者です。")
    with database.atomic():
        approver = ApplicationApprover.get_or_none(ApplicationApprover.id == approver_id)
        if approver is None:
            raise NotFound(
                "その承認者の指名は見つかりません（すでに取り消された可能性があります）。"
            )
        staff, department = approver.staff, approver.department
        approver.delete_instance()
        audit.record(
            actor,
            "organisation.approver_remove",
            "application_approver",
            approver_id,
            f"{staff.display_name}の利用申請の承認者（{_scope_label(department)}）の指名を取り消し",
            before={"staff": staff.id, "department": department.id if department else None},
        )


# Read on the dashboard of every officer: its text built once per staff member (key).
_APPROVED = PreparedSelect(
    lambda key: (
        ApplicationApprover.select(ApplicationApprover.department)
        .join(Staff, on=ApplicationApprover.staff == Staff.id)
        .where(ApplicationApprover.staff == key[0], Staff.active == True)  # noqa: E712
        .tuples()
    )
)


def approved_departments(reader: Reader) -> set[int | None]:
    """The departments a named approver decides for (None in the set: every department)."""
    if reader.staff_id is None or not can(reader.role, "manage_cases"):
        return set()
    return {department_id for (department_id,) in _APPROVED.rows((reader.staff_id,))}


def may_approve(reader: Reader, department_id: int | None) -> bool:
    """Whether the reader may decide an application of this department."""
    if can(reader.role, "approve"):
        return True
    scope = approved_departments(reader)
    return None in scope or (department_id is not None and department_id in scope)


def check_may_decide(reader: Reader, department_id: int | None, applicant_id: int | None):
    """Raise Forbidden unless the reader may decide; named approvers never decide their own."""
    if not may_approve(reader, department_id):
        raise Forbidden(REFUSED_DECISION)
    if not can(reader.role, "approve") and applicant_id and applicant_id == reader.staff_id:
        raise Forbidden(REFUSED_OWN)


def approver_addresses(department_id: int | None) -> list[str]:
    """Mail addresses of everyone who may decide an application of the department."""
    addresses = []
    named = (
        ApplicationApprover.select(ApplicationApprover.staff)
        .where(
            ApplicationApprover.department.is_null()
            | (ApplicationApprover.department == (department_id or 0))
        )
        .distinct()
    )
    for staff in Staff.select().where(Staff.active == True, Staff.email != ""):  # noqa: E712
        if can(staff.role, "approve"):
            addresses.append(staff.email)
    for staff in Staff.select().where(
        Staff.id.in_(named),
        Staff.active == True,  # noqa: E712
        Staff.email != "",
    ):
        if can(staff.role, "manage_cases") and staff.email not in addresses:
            addresses.append(staff.email)
    return addresses
