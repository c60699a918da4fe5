"""Who may see and change what a department owns: officers and viewers their own department's
cases and register entries, ciso and admin everything. One rule for every journey."""

from __future__ import annotations

from dataclasses import dataclass

from vendorcheck.domain.roles import can

SEES_ALL_PERMISSION = "approve"  # ciso and admin
REFUSED_READ = "この情報は他の部局のものです。閲覧できるのは所管部局の職員と統括情報セキュリティ責任者・システム管理者です。"
REFUSED_CHANGE = "この情報を変更できるのは、所管部局の情報セキュリティ管理者・調達担当と、統括情報セキュリティ責任者・システム管理者です。"


@dataclass(frozen=True)
class Reader:
    """The staff member asking: role and department (None when not assigned to one)."""

    staff_id: int | None
    role: str
    department_id: int | None

    @property
    def sees_all(self) -> bool:
        return can(self.role, SEES_ALL_PERMISSION)

    @property
    def department_scope(self) -> int | None:
        """The department whose rows the reader sees (0 when the reader has none, so nothing
        matches), or None for every department: a key of prepared queries."""
        return None if self.sees_all else self.department_id or 0

    def may_read(self, department_id: int | None) -> bool:
        if self.sees_all:
            return True
        return (
            can(self.role, "view")
            and self.department_id is not None
            and self.department_id == department_id
        )

    def may_change(self, department_id: int | None) -> bool:
        if self.sees_all:
            return True
        return can(self.role, "manage_cases") and self.may_read(department_id)


SYSTEM_READER = Reader(None, "admin", None)  # commands run by the operator see everything
