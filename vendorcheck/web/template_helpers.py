"""Filters and globals the templates use: 和暦 dates, Japan times, short hashes, role labels."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, g

from vendorcheck.domain.classification import with_tier
from vendorcheck.domain.jp import english_date, in_japan, jst_time, wareki, wareki_datetime
from vendorcheck.domain.roles import can, role_label
from vendorcheck.services.comparison import classification_label
from vendorcheck.services.organisation import site_name
from vendorcheck.services.questionnaires import catalogue

HASH_SHOWN = 12


def wareki_filter(value: dt.date | dt.datetime | None) -> str:
    """令和8年12月22日; a timestamp shows its date in Japan."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return wareki(in_japan(value).date())
    return wareki(value)


def jst_filter(value: dt.datetime | None, seconds: bool = False) -> str:
    """A stored (naive UTC) timestamp as 令和8年12月22日 13:53, Japan time."""
    return wareki_datetime(value, seconds=seconds) if value else ""


def jst_time_filter(value: dt.datetime | None) -> str:
    """Only the time of day in Japan: 13:53."""
    return jst_time(value) if value else ""


def short_hash(value: str | None, length: int = HASH_SHOWN) -> str:
    """The first characters of a long hash, with an ellipsis when shortened."""
    text = value or ""
    return text if len(text) <= length else text[:length] + "…"


def questionnaire_name(snapshot) -> str:
    """A questionnaire as staff read it: its Japanese title and 版 (never its file id)."""
    if "questionnaire_titles" not in g:
        g.questionnaire_titles = {q.id: q.title.ja for q in catalogue(current_app.config).all()}
    title = g.questionnaire_titles.get(snapshot.questionnaire_id, "確認書")
    return f"{title}（第{snapshot.version}版）"


def _user_can(permission: str) -> bool:
    staff = g.get("staff")
    return bool(staff and can(staff.role, permission))


def _site_name() -> str:
    """The organisation's name for the header brand, read once per request."""
    if "site_name" not in g:
        g.site_name = site_name()
    return g.site_name


def date_answer(value: object) -> str:
    """A stored date answer (2026-12-01) in 和暦 for its input; anything else as it was typed."""
    try:
        return wareki(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def web_link(value: object) -> str:
    """A stored URL fit for an href: http or https only (a javascript: or data: URL typed into
    a field or imported stays text and is never linked)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def classification_with_tier(case) -> str:
    """Staff pages name the tier beside the class; documents for the vendor do not (their
    reports leave out the internal 確認の段階)."""
    return with_tier(classification_label(case), case.tier)


def install(app: Flask) -> None:
    app.jinja_env.filters["jst"] = jst_filter
    app.jinja_env.filters["jst_time"] = jst_time_filter
    app.jinja_env.filters["wareki"] = wareki_filter
    app.jinja_env.filters["short_hash"] = short_hash
    app.jinja_env.filters["wareki_iso"] = lambda text: (
        wareki(dt.date.fromisoformat(text)) if text else ""
    )
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["date_answer"] = date_answer
    app.jinja_env.filters["english_date"] = english_date
    # a case's information class by its name: 「機密性2（確認の段階 2）」, not 「区分2（2）」
    app.jinja_env.filters["classification"] = classification_with_tier
    app.jinja_env.filters["web_link"] = web_link
    app.jinja_env.globals["user_can"] = _user_can
    app.jinja_env.globals["site_name"] = _site_name
    app.jinja_env.globals["questionnaire_name"] = questionnaire_name
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
