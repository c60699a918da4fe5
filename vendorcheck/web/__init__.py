"""The web layer: blueprints, security, error pages, template helpers."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from vendorcheck.web import (
    admin,
    annexes,
    answer_exports,
    applications,
    assessment_list,
    audit_log,
    auth,
    cases,
    checksheets,
    comparison,
    contract_portal,
    contract_registers,
    contract_review,
    contracts,
    department_access,
    errors,
    home,
    ids,
    ismap,
    naming,
    official_accounts,
    portal,
    portal_answers,
    portal_pages,
    portal_saves,
    questionnaires,
    register_files,
    registers,
    review,
    scorecard,
    security,
    template_helpers,
    url_shapes,
    vendors,
)
from vendorcheck.web.access_log import AccessLog

# The portal's pages and saves add their routes to portal.bp when imported.
PORTAL_ROUTES = (portal_pages, portal_saves)


def install(app: Flask) -> None:
    app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    if app.config["TRUSTED_PROXIES"] > 0:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    security.install(app)
    ids.install(app)
    template_helpers.install(app)
    naming.install(app)
    url_shapes.install(app)
    errors.install(app)
    auth.install(app)
    department_access.install(app)
    for blueprint in (
        auth.bp,
        home.bp,
        admin.bp,
        audit_log.bp,
        questionnaires.bp,
        portal.bp,
        checksheets.portal_bp,
        portal_answers.bp,
        checksheets.staff_bp,
        answer_exports.bp,
        review.bp,
        cases.bp,
        vendors.bp,
        annexes.bp,
        comparison.bp,
        scorecard.bp,
        ismap.bp,
        applications.bp,
        registers.bp,
        register_files.bp,
        official_accounts.bp,
        contracts.bp,
        contract_review.bp,
        contract_registers.bp,
        contract_portal.bp,
        assessment_list.bp,
    ):
        app.register_blueprint(blueprint)
