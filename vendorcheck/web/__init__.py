"""The web layer: blueprints, security, error pages, template helpers."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from vendorcheck.web import (
    admin,
    annexes,
    assessment_list,
    audit_log,
    auth,
    cases,
    comparison,
    errors,
    home,
    naming,
    portal,
    questionnaires,
    review,
    scorecard,
    security,
    template_helpers,
    vendors,
)


def install(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"] > 0:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    security.install(app)
    template_helpers.install(app)
    naming.install(app)
    errors.install(app)
    auth.install(app)
    for blueprint in (
        auth.bp,
        home.bp,
        admin.bp,
        audit_log.bp,
        questionnaires.bp,
        portal.bp,
        review.bp,
        cases.bp,
        vendors.bp,
        annexes.bp,
        comparison.bp,
        scorecard.bp,
        assessment_list.bp,
    ):
        app.register_blueprint(blueprint)
