"""The dashboard every staff member lands on. Its panels are kept between views until the data
changes (services/dashboard_cache.py), and so is their rendered HTML and the organisation's
name in the page frame, and the whole page per session while no message waits to be shown: a
repeated view costs the staff member and the stamp query."""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request, session
from markupsafe import Markup

from vendorcheck.domain import assessment_status
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.monitoring import fiscal_year_of
from vendorcheck.domain.roles import can
from vendorcheck.services import (
    assessment_board,
    audit,
    dashboard_cache,
    expiry,
    monitoring_board,
    overdue_remediations,
    register_board,
)
from vendorcheck.services.ciso_queue import ciso_queue
from vendorcheck.services.organisation import (
    get_organisation,
    list_departments,
    setup_progress,
    site_name,
)
from vendorcheck.web.auth import current_reader, require

bp = Blueprint("home", __name__)
EXPIRING_SHOWN = 50  # the soonest expiries the dashboard lists
CACHE_KEY = "vendorcheck_dashboard_panels"


@bp.route("/")
@require("view")
def dashboard():
    reader, today = current_reader(), today_jst()
    cache = current_app.extensions.setdefault(CACHE_KEY, dashboard_cache.PanelCache())
    stamp = dashboard_cache.data_stamp()
    # Panels that depend on role and department are shared by everyone in the same place;
    # those that depend on the person (own events, approver of other departments) are theirs.
    shared, own = (reader.role, reader.department_id, today), (reader, today)

    def panel(name, scope, compute):
        return cache.panel(name, scope, stamp, compute)

    def content() -> Markup:
        expiring, expiring_total = panel(
            "expiring", shared, lambda: expiry.expiring_panel(EXPIRING_SHOWN)
        )
        board = panel("board", shared, lambda: assessment_board.dashboard(reader=reader))
        # Every department's answers waiting for review are the board's and the queue's.
        waiting = board.waiting_review if reader.sees_all else None
        return Markup(  # noqa: S704 - an autoescaping template's output
            render_template(
                "home_panels.html",
                organisation=panel("organisation", shared, get_organisation),
                setup=panel("setup", shared, setup_progress),
                queue=panel("queue", shared, lambda: ciso_queue(waiting=waiting))
                if can(reader.role, "approve")
                else None,
                my_events=panel("my_events", own, lambda: audit.recent_by("staff", g.staff.id)),
                recent=panel("recent", shared, lambda: audit.newest(10))
                if _can_see_audit()
                else [],
                board=board,
                status_labels=assessment_status.LABELS,
                upcoming_days=assessment_board.UPCOMING_DAYS,
                overdue_remediations=panel(
                    "remediations", shared, overdue_remediations.overdue_remediations
                ),
                expiring=expiring,
                expiring_total=expiring_total,
                expiry_days=expiry.WINDOW_DAYS,
                register_board=panel("registers", own, lambda: register_board.board(reader, today)),
                monitoring=panel("monitoring", shared, lambda: monitoring_board.board(reader)),
                fiscal_year_now=fiscal_year_of(today),
                departments=panel(
                    "departments", shared, lambda: list_departments(include_inactive=False)
                ),
            )
        )

    # The page frame's organisation name is kept like a panel (template_helpers reads g first).
    g.site_name = panel("site_name", "all", site_name)

    # The rendered content too: it depends on the same data and on the reader's role alone.
    def page() -> str:
        return render_template("home.html", content=panel("content", own, content))

    token = session.get("csrf_token")
    if session.get("_flashes") or not token:  # a message to show once, a token to make first
        return page()
    # The whole page, frame included, for this session: its logout form carries the session's
    # CSRF token (any signature of it stays valid), so the copy serves this session alone.
    return panel("page", (own, token, request.script_root), page)


def _can_see_audit() -> bool:
    return can(g.staff.role, "view_audit")
