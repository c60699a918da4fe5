"""Filters and globals the templates use: JST times, role labels, navigation."""

from __future__ import annotations

import datetime as dt

from flask import Flask, g

from vendorcheck.domain.jp import in_japan, wareki
from vendorcheck.domain.roles import can, role_label


def jst(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a stored (naive UTC) timestamp in Japan time."""
    if value is None:
        return ""
    return in_japan(value).strftime(fmt)


def _user_can(permission: str) -> bool:
    staff = g.get("staff")
    return bool(staff and can(staff.role, permission))


def install(app: Flask) -> None:
    app.jinja_env.filters["jst"] = jst
    app.jinja_env.filters["wareki"] = lambda d: wareki(d) if d else ""
    app.jinja_env.filters["wareki_iso"] = lambda text: (
        wareki(dt.date.fromisoformat(text)) if text else ""
    )
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.globals["user_can"] = _user_can
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
