"""The application factory: settings, the database binding with its per-request hooks, and the
web layer, wired into one Flask application."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from flask import Flask

from vendorcheck.config import default_instance_path, load_settings
from vendorcheck.store.db import (
    bind,
    close_request_connection,
    open_database,
    open_request_connection,
)
from vendorcheck.web import install


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: Path | None = None
) -> Flask:
    """Build the application: settings, database binding, blueprints (the commands are
    in ``vendorcheck.cli``, which builds the application when a command needs it)."""
    instance = Path(
        instance_path or (test_config or {}).get("INSTANCE_PATH") or default_instance_path()
    )
    instance.mkdir(parents=True, exist_ok=True)
    settings = load_settings(instance, overrides=test_config)

    app = Flask(
        "vendorcheck",  # the package: its web/ folders, the "vendorcheck" logger
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_NAME="vendorcheck_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=settings["SESSION_LIFETIME_MINUTES"]),
        SESSION_REFRESH_EACH_REQUEST=False,  # the cookie goes out when the session changes only
        MAX_CONTENT_LENGTH=settings["MAX_UPLOAD_MB"] * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        JSON_AS_ASCII=False,
        WTF_I18N_ENABLED=False,  # WTForms' own Japanese messages (Meta.locales) instead of Babel
    )
    logging.getLogger("vendorcheck").setLevel(settings["LOG_LEVEL"].upper())

    db = open_database(
        settings["DATABASE_URL"],
        busy_timeout_ms=settings["SQLITE_BUSY_TIMEOUT_MS"],
        pool_size=settings["DATABASE_POOL_SIZE"],
    )
    bind(db)
    app.extensions["vendorcheck_db"] = db
    app.before_request(open_request_connection)
    app.teardown_request(close_request_connection)

    install(app)
    return app
