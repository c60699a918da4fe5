"""Staff roles and what each may do: the one list the web layer and docs read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    description: str
    permissions: frozenset[str]


# Permissions: view (every staff page that only reads), manage_cases (cases,
# invitations, reviews, decisions), approve (register approvals, every case),
# view_audit, manage_staff, manage_organisation.
ROLES: tuple[Role, ...] = (
    Role(
        "admin",
        "システム管理者",
        "職員アカウント・組織設定を管理し、すべての画面を利用できます。",
        frozenset(
            {"view", "manage_cases", "approve", "view_audit", "manage_staff", "manage_organisation"}
        ),
    ),
    Role(
        "ciso",
        "統括情報セキュリティ責任者",
        "すべての案件と台帳を閲覧・承認し、監査ログを確認します。",
        frozenset({"view", "manage_cases", "approve", "view_audit"}),
    ),
    Role(
        "officer",
        "情報セキュリティ管理者・調達担当",
        "案件を作成し、事業者を招待して回答を審査します。",
        frozenset({"view", "manage_cases"}),
    ),
    Role(
        "viewer",
        "閲覧者",
        "案件・台帳を閲覧できます（変更はできません）。",
        frozenset({"view"}),
    ),
)

ROLES_BY_ID: dict[str, Role] = {role.id: role for role in ROLES}


def role_label(role_id: str) -> str:
    role = ROLES_BY_ID.get(role_id)
    return role.label if role else role_id


def can(role_id: str, permission: str) -> bool:
    role = ROLES_BY_ID.get(role_id)
    return bool(role and permission in role.permissions)
