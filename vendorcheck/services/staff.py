"""Staff accounts: create, authenticate with throttling, passwords, roles."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from peewee import JOIN
from werkzeug.security import check_password_hash, generate_password_hash

from vendorcheck.domain.passwords import password_problems
from vendorcheck.domain.roles import ROLES_BY_ID, role_label
from vendorcheck.services import audit, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, TooManyAttempts
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database, is_sqlite
from vendorcheck.store.models import Department, LoginAttempt, Staff, utcnow
from vendorcheck.store.prepared import PreparedQuery

LOGIN_ID_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{3,64}$")
# Compared against when the login id is unknown, so both paths take as long.
_DUMMY_HASH = generate_password_hash("vendorcheck-dummy-password")


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 12


@dataclass(frozen=True)
class Throttle:
    max_failures: int = 5
    max_failures_per_address: int = 20
    window_minutes: int = 15


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def one_time_password() -> str:
    """A readable random password (about 80 bits) that must be changed at first login."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def _check_login_id(login_id: str) -> str:
    login_id = (login_id or "").strip()
    if not LOGIN_ID_PATTERN.match(login_id):
        raise ServiceError(
            "ログイン ID は半角英数字と . _ @ - で3〜64文字にしてください。", field="login_id"
        )
    return login_id


def _check_role(role: str) -> str:
    if role not in ROLES_BY_ID:
        raise ServiceError("役割を選択してください。", field="role")
    return role


def staff_snapshot(staff: Staff) -> dict:
    return {
        "login_id": staff.login_id,
        "display_name": staff.display_name,
        "email": staff.email,
        "role": staff.role,
        "department": staff.department.name if staff.department_id else None,
        "active": staff.active,
    }


def _password_problems(password: str, policy: PasswordPolicy, login_id: str) -> list[str]:
    return password_problems(
        password,
        min_length=policy.min_length,
        login_id=login_id,
        organisation_name=get_organisation().name,
    )


def create_staff(
    actor: Actor,
    *,
    login_id: str,
    display_name: str,
    role: str,
    email: str = "",
    department_id: int | None = None,
    password: str | None = None,
    policy: PasswordPolicy = PasswordPolicy(),
) -> tuple[Staff, str]:
    """Create a staff member; return it and the one-time password to hand over."""
    login_id = _check_login_id(login_id)
    role = _check_role(role)
    display_name = (display_name or "").strip()
    if not display_name:
        raise ServiceError("氏名を入力してください。", field="display_name")
    initial = password or one_time_password()
    if password:
        problems = _password_problems(password, policy, login_id)
        if problems:
            raise ServiceError(problems[0], field="password")
    with database.atomic():
        if Staff.select().where(Staff.login_id == login_id).exists():
            raise Conflict(f"ログイン ID「{login_id}」は既に使われています。", field="login_id")
        department = (
            Department.get_or_none(Department.id == department_id) if department_id else None
        )
        staff = Staff.create(
            login_id=login_id,
            display_name=display_name[:100],
            email=(email or "").strip()[:254],
            role=role,
            department=department,
            password_hash=hash_password(initial),
            must_change_password=password is None,
            session_nonce=secrets.token_hex(16),
        )
        audit.record(
            actor,
            "staff.create",
            "staff",
            staff.id,
            f"職員 {login_id}（{role_label(role)}）を作成",
            after=staff_snapshot(staff),
        )
    return staff, initial


def _recent_failures(window: dt.timedelta, **where) -> int:
    since = utcnow() - window
    query = LoginAttempt.select().where(LoginAttempt.succeeded == False, LoginAttempt.at >= since)  # noqa: E712
    for field, value in where.items():
        query = query.where(getattr(LoginAttempt, field) == value)
    return query.count()


def _serialise_logins(keys: list[str]) -> None:
    """Make concurrent logins of the same account or address take turns inside the transaction:
    SQLite's IMMEDIATE transactions already do; PostgreSQL takes an advisory lock per key."""
    if is_sqlite():
        return
    for key in sorted(set(keys)):
        database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))


def _claim_attempt(login_id: str, address: str, throttle: Throttle) -> int | None:
    """Record the attempt as a failure and count it with the others, atomically; return its id,
    or None when the account or address is locked (then nothing is recorded).

    Counting after recording, under a lock, is what stops parallel wrong passwords from all
    reading the same count before any of them is recorded."""
    window = dt.timedelta(minutes=throttle.window_minutes)
    with database.atomic() as transaction:
        _serialise_logins([f"login-address:{address}", f"login-id:{login_id}"])
        attempt = LoginAttempt.create(
            login_id=login_id or "-", client_address=address, succeeded=False
        )
        by_address = _recent_failures(window, client_address=address)
        by_login = _recent_failures(window, login_id=login_id) if login_id else 0
        if by_address > throttle.max_failures_per_address or by_login > throttle.max_failures:
            transaction.rollback()
            return None
    return attempt.id


def authenticate(
    login_id: str, password: str, address: str, throttle: Throttle = Throttle()
) -> Staff:
    """Return the staff member for a correct login, or raise with a Japanese message."""
    login_id = (login_id or "").strip()[:64]
    attempt_id = _claim_attempt(login_id, address, throttle)
    if attempt_id is None:
        raise TooManyAttempts(
            f"ログインの失敗が続いたため、一時的にログインできません。{throttle.window_minutes}分ほど"
            "待ってから、もう一度お試しください。"
        )
    staff = Staff.get_or_none(Staff.login_id == login_id) if login_id else None
    valid = check_password_hash(staff.password_hash if staff else _DUMMY_HASH, password or "")
    if not (staff and valid and staff.active):  # the attempt stays recorded as a failure
        if staff and valid and not staff.active:
            raise ServiceError("このアカウントは無効になっています。管理者に連絡してください。")
        raise ServiceError("ログイン ID またはパスワードが正しくありません。")
    with database.atomic():
        LoginAttempt.update(succeeded=True).where(LoginAttempt.id == attempt_id).execute()
        staff.last_login_at = utcnow()
        staff.save(only=[Staff.last_login_at])
        audit.record(
            Actor("staff", staff.id, staff.display_name, address),
            "staff.login",
            "staff",
            staff.id,
            "ログイン",
        )
    return staff


def change_password(
    actor: Actor, staff: Staff, current: str, new: str, policy: PasswordPolicy = PasswordPolicy()
) -> Staff:
    if not check_password_hash(staff.password_hash, current or ""):
        raise ServiceError("現在のパスワードが正しくありません。", field="current_password")
    problems = _password_problems(new or "", policy, staff.login_id)
    if problems:
        raise ServiceError(problems[0], field="new_password")
    if check_password_hash(staff.password_hash, new):
        raise ServiceError("現在と異なるパスワードを入力してください。", field="new_password")
    with database.atomic():
        staff.password_hash = hash_password(new)
        staff.must_change_password = False
        staff.password_changed_at = utcnow()
        staff.session_nonce = secrets.token_hex(16)
        staff.save()
        audit.record(actor, "staff.password_change", "staff", staff.id, "パスワードを変更")
    return staff


def end_sessions(actor: Actor, staff: Staff) -> None:
    """Log out: a new session nonce makes every cookie issued before it worthless."""
    with database.atomic():
        staff.session_nonce = secrets.token_hex(16)
        staff.save(only=[Staff.session_nonce])
        audit.record(actor, "staff.logout", "staff", staff.id, "ログアウト")


_STAFF_BY_ID = PreparedQuery(lambda staff_id: Staff.select().where(Staff.id == staff_id))


def find_staff(staff_id: int) -> Staff | None:
    """The staff member by id (every signed-in request asks: the query's text is kept)."""
    return _STAFF_BY_ID.first(int(staff_id))


def list_staff() -> list[Staff]:
    """Every account, active ones first, by login id."""
    return list(Staff.select().order_by(Staff.active.desc(), Staff.login_id))


def active_staff() -> list[Staff]:
    """Accounts that can be named as 責任者 and the like, by name."""
    return list(
        Staff.select(Staff, Department)
        .join(Department, JOIN.LEFT_OUTER)
        .where(Staff.active == True)  # noqa: E712
        .order_by(Staff.display_name)
    )


def get_staff(staff_id: int) -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id)
    if staff is None:
        raise NotFound("指定された職員は登録されていません。")
    return staff


def update_staff(
    actor: Actor,
    staff_id: int,
    *,
    display_name: str,
    email: str,
    role: str,
    department_id: int | None,
    active: bool,
) -> Staff:
    """Change a staff member's details, role or active flag (disabling ends their sessions)."""
    role = _check_role(role)
    display_name = (display_name or "").strip()
    if not display_name:
        raise ServiceError("氏名を入力してください。", field="display_name")
    with database.atomic():
        staff = get_staff(staff_id)
        before = staff_snapshot(staff)
        if staff.id == actor.id and (not active or role != "admin") and staff.role == "admin":
            raise ServiceError("自分自身の管理者権限を外したり、無効にしたりはできません。")
        if (
            staff.role == "admin"
            and (role != "admin" or not active)
            and _other_active_admins(staff) == 0
        ):
            raise ServiceError("有効なシステム管理者が1人もいなくなるため、変更できません。")
        staff.display_name = display_name[:100]
        staff.email = (email or "").strip()[:254]
        staff.role = role
        staff.department = (
            Department.get_or_none(Department.id == department_id) if department_id else None
        )
        if staff.active and not active:
            staff.session_nonce = secrets.token_hex(16)
        active_changed = staff.active != active
        staff.active = active
        staff.save()
        if active_changed:  # entries naming them as 責任者 need (or no longer need) a new one
            register_people.staff_status_changed(staff.id)
        after = staff_snapshot(staff)
        if before != after:
            changed = ", ".join(k for k in after if before[k] != after[k])
            audit.record(
                actor,
                "staff.update",
                "staff",
                staff.id,
                f"職員 {staff.login_id} を変更（{changed}）",
                before=before,
                after=after,
            )
    return staff


def _other_active_admins(staff: Staff) -> int:
    return (
        Staff.select()
        .where(Staff.role == "admin", Staff.active == True, Staff.id != staff.id)  # noqa: E712
        .count()
    )


def reset_password(actor: Actor, staff_id: int) -> str:
    """Give a staff member a new one-time password and end their sessions."""
    with database.atomic():
        staff = find_staff(staff_id)
        if staff is None:  # the staff list's button named an account the list does not have
            raise ServiceError(
                "パスワードを再発行する職員が一覧にありません。一覧を開き直してください。"
            )
        initial = one_time_password()
        staff.password_hash = hash_password(initial)
        staff.must_change_password = True
        staff.session_nonce = secrets.token_hex(16)
        staff.save()
        audit.record(
            actor,
            "staff.password_reset",
            "staff",
            staff.id,
            f"職員 {staff.login_id} の仮パスワードを再発行",
        )
    return initial


def bootstrap_admin(login_id: str = "admin") -> tuple[Staff, str] | None:
    """On an empty staff table, create the first administrator; else return None."""
    with database.atomic():
        if Staff.select().exists():
            return None
        return create_staff(
            Actor.system("初回起動"), login_id=login_id, display_name="システム管理者", role="admin"
        )
