"""The dashboard every staff member lands on."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from vendorcheck.domain import assessment_status
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.monitoring import fiscal_year_of
from vendorcheck.domain.roles import can
from vendorcheck.services import (
    audit,
    expiry,
    monitoring_board,
    overdue_remediations,
    register_board,
)
from vendorcheck.services import cases as case_service
from vendorcheck.services.ciso_queue import ciso_queue
from vendorcheck.services.organisation import get_organisation, list_departments, setup_progress
from vendorcheck.web.auth import current_reader, require

bp = Blueprint("home", __name__)
EXPIRING_SHOWN = 50  # the soonest expiries the dashboard lists


@bp.route("/")
@require("view")
def dashboard():
    my_events = audit.recent_by("staff", g.staff.id)
    expiring, expiring_total = expiry.expiring_panel(EXPIRING_SHOWN)
    recent = audit.newest(10) if _can_see_audit() else []
    return render_template(
        "home.html",
        organisation=get_organisation(),
        setup=setup_progress(),
        queue=ciso_queue() if can(g.staff.role, "approve") else None,
        my_events=my_events,
        recent=recent,
        board=case_service.dashboard(reader=current_reader()),
        status_labels=assessment_status.LABELS,
        upcoming_days=case_service.UPCOMING_DAYS,
        overdue_remediations=overdue_remediations.overdue_remediations(),
        expiring=expiring,
        expiring_total=expiring_total,
        expiry_days=expiry.WINDOW_DAYS,
        register_board=register_board.board(current_reader(), today_jst()),
        monitoring=monitoring_board.board(current_reader()),
        fiscal_year_now=fiscal_year_of(today_jst()),
        departments=list_departments(include_inactive=False),
    )


def _can_see_audit() -> bool:
    return can(g.staff.role, "view_audit")
