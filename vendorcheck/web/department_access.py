"""Apply the department rule to every staff URL that names a case, an assessment or a contract:
reading needs the department (or ciso/admin), changing needs it and an officer role. 403 in
Japanese."""

from __future__ import annotations

from flask import Flask, g, request

from vendorcheck.services import department_access
from vendorcheck.web.auth import current_reader

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _enforce() -> None:
    if g.get("staff") is None or request.blueprint in (None, "portal", "official_accounts"):
        return  # not logged in: @require sends to the login page; vendors use their token
    department_access.check(
        current_reader(), request.view_args or {}, change=request.method not in READ_METHODS
    )


def install(app: Flask) -> None:
    app.before_request(_enforce)
