"""Row ids from URLs and forms, bounded to what a 64-bit database column holds.

An id beyond 2**63 - 1 would make SQLite raise OverflowError and PostgreSQL refuse the query;
such an id names no row, so a URL with one is a 404 and a form field with one is no choice.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1


class BoundedIntConverter(IntegerConverter):
    """The app's ``<int:...>``: a non-negative integer no larger than a 64-bit column holds."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs["max"] = min(kwargs.get("max") or MAX_ID, MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value: object) -> int | None:
    """A posted id as an int, or None when it is not a number a database column can hold."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def id_or_zero(value: object) -> int:
    """Coerce a posted id for a form field; anything that names no row becomes 0."""
    return parse_id(value) or 0


def install(app: Flask) -> None:
    """Make every ``<int:...>`` route of the app bounded (before the blueprints are registered)."""
    app.url_map.converters["int"] = BoundedIntConverter
