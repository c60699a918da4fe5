"""Login, logout, password change, and the role checks every staff page uses."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from vendorcheck.domain.access import Reader
from vendorcheck.domain.roles import can
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError, TooManyAttempts
from vendorcheck.web.forms import LoginForm, PasswordChangeForm, apply_service_error

bp = Blueprint("auth", __name__)

# Endpoints a logged-in user who must change the password may still reach.
_ALLOWED_BEFORE_PASSWORD_CHANGE = {"auth.change_password", "auth.logout", "static"}

# The last-seen time moves only once it is this old: most requests then leave the session as it
# was, and no re-signed cookie goes out with them. The idle timeout holds to this granularity
# (docs/OPERATIONS.md, beside VENDORCHECK_SESSION_IDLE_MINUTES).
SEEN_AT_GRANULARITY_SECONDS = 60


def client_address() -> str:
    return (request.remote_addr or "")[:64]


def current_actor() -> Actor:
    staff = g.get("staff")
    if staff is None:
        return Actor("anonymous", None, "未ログイン", client_address())
    return Actor("staff", staff.id, f"{staff.display_name}（{staff.login_id}）", client_address())


def current_reader() -> Reader:
    """The logged-in staff member for the department rule (domain/access.py)."""
    staff = g.get("staff")
    if staff is None:
        return Reader(None, "", None)
    return Reader(staff.id, staff.role, staff.department_id)


def _session_expiry(now: int) -> str | None:
    """Why the session has run out (absolute lifetime or idle timeout), or None."""
    config = current_app.config
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return "セッションが無効になりました。もう一度ログインしてください。"
    if now - login_at > config["SESSION_LIFETIME_MINUTES"] * 60:
        return (
            "ログインから一定時間が経過したため、ログアウトしました。もう一度ログインしてください。"
        )
    if now - seen_at > config["SESSION_IDLE_MINUTES"] * 60:
        return "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
    return None


def _start_session(staff: Any) -> None:
    session.clear()  # a fresh session (and CSRF token) at every login
    session.permanent = True
    now = int(time.time())
    session["staff_id"] = staff.id
    session["nonce"] = staff.session_nonce
    session["login_at"] = now
    session["seen_at"] = now


def _load_staff() -> Any:
    g.staff = None
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    staff = staff_service.find_staff(staff_id)
    if staff is None or not staff.active or staff.session_nonce != session.get("nonce"):
        session.clear()
        return None
    now = int(time.time())
    expired = _session_expiry(now)
    if expired:
        session.clear()
        flash(expired, "info")
        return None
    if now - session["seen_at"] >= SEEN_AT_GRANULARITY_SECONDS:
        session["seen_at"] = now
    g.staff = staff
    if staff.must_change_password and request.endpoint not in _ALLOWED_BEFORE_PASSWORD_CHANGE:
        if request.method == "GET":
            flash("初回ログインのため、パスワードを変更してください。", "info")
        return redirect(url_for("auth.change_password"))
    return None


def require(permission: str = "view") -> Callable:
    """Allow the view only to a logged-in staff member whose role has the permission."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.get("staff") is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not can(g.staff.role, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("home.dashboard")
    # As a browser reads it: percent-escapes undone, tabs and newlines dropped, backslashes
    # taken for slashes; only a path of this site may remain.
    as_read = unquote(target).replace("\\", "/")
    as_read = "".join(ch for ch in as_read if ch.isprintable() and not ch.isspace())
    parts = urlsplit(as_read)
    if parts.scheme or parts.netloc or not as_read.startswith("/") or as_read.startswith("//"):
        return url_for("home.dashboard")
    return target


def _throttle() -> staff_service.Throttle:
    config = current_app.config
    return staff_service.Throttle(
        max_failures=config["LOGIN_MAX_FAILURES"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window_minutes=config["LOGIN_LOCKOUT_MINUTES"],
    )


def password_policy() -> staff_service.PasswordPolicy:
    return staff_service.PasswordPolicy(min_length=current_app.config["PASSWORD_MIN_LENGTH"])


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if g.get("staff") is not None and request.method == "GET":
        return redirect(url_for("home.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            staff = staff_service.authenticate(
                form.login_id.data, form.password.data, client_address(), _throttle()
            )
        except TooManyAttempts as exc:
            form.form_errors.append(exc.message)
            status = 429
        except ServiceError as exc:
            form.form_errors.append(exc.message)
            status = 400
        else:
            _start_session(staff)
            if staff.must_change_password:
                return redirect(url_for("auth.change_password"))
            flash(f"{staff.display_name}さん、ようこそ。", "success")
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if g.get("staff") is not None:
        staff_service.end_sessions(current_actor(), g.staff)
    session.clear()
    flash("ログアウトしました。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@require("view")
def change_password() -> Any:
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            staff = staff_service.change_password(
                current_actor(),
                g.staff,
                form.current_password.data,
                form.new_password.data,
                password_policy(),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 400
        else:
            session["nonce"] = staff.session_nonce
            flash("パスワードを変更しました。", "success")
            return redirect(url_for("home.dashboard"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form, policy=password_policy()), status


def install(app: Flask) -> None:
    app.before_request(_load_staff)
