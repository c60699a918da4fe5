"""The dashboard every staff member lands on."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from vendorcheck.domain import assessment_status
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.monitoring import fiscal_year_of
from vendorcheck.services import applications, audit, expiry, judgement, monitoring_board, registers
from vendorcheck.services import cases as case_service
from vendorcheck.services.organisation import get_organisation, list_departments
from vendorcheck.web.auth import current_reader, require

bp = Blueprint("home", __name__)


@bp.route("/")
@require("view")
def dashboard():
    my_events = audit.recent_by("staff", g.staff.id)
    recent, _ = audit.search(audit.AuditFilter(), per_page=10) if _can_see_audit() else ([], 0)
    return render_template(
        "home.html",
        organisation=get_organisation(),
        my_events=my_events,
        recent=recent,
        board=case_service.dashboard(reader=current_reader()),
        status_labels=assessment_status.LABELS,
        upcoming_days=case_service.UPCOMING_DAYS,
        overdue_remediations=judgement.overdue_remediations(),
        expiring=expiry.expiring_soon(),
        expiry_days=expiry.WINDOW_DAYS,
        overdue_reviews=registers.overdue_reviews(current_reader(), today_jst()),
        waiting_applications=applications.waiting(current_reader(), limit=20),
        monitoring=monitoring_board.board(),
        fiscal_year_now=fiscal_year_of(today_jst()),
        departments=list_departments(include_inactive=False),
    )


def _can_see_audit() -> bool:
    from vendorcheck.domain.roles import can

    return can(g.staff.role, "view_audit")
