"""url_for for the templates, each URL's shape built once and then filled with ids.

A list or dashboard links every row to its case, answer or entry, and building one URL
through Flask and werkzeug's routing costs about 10 µs: the dashboard's 300 links were a fifth
of its rendering. The URLs a row links to differ only in integer ids, so the shape of a URL
(endpoint, the names of its values in order, the script root) is built once with stand-in
numbers, and each later call puts the ids where the stand-ins were.

Only what cannot change the result takes this way: a call inside a request, to an absolute
endpoint whose blueprints add no URL defaults, whose values are all non-negative integers
(not booleans), with at most a plain anchor. Everything else, and any shape in which a
stand-in does not appear exactly once, is built by Flask's own url_for as before.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable

from flask import Flask
from flask.globals import _cv_request

STAND_IN_BASE = 987_654_321_000  # far above any id, and no part of a route's fixed text
PLAIN_ANCHOR = re.compile(r"[A-Za-z0-9_-]{1,100}")
MAX_SHAPES = 2048  # shapes are written in templates, so they are few; the bound is a guard

_NOT_CACHEABLE = object()


class UrlShapes:
    """The shapes of one application's URLs; `url_for` takes the place of Flask's in templates."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._shapes: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    def url_for(self, endpoint: str, **values) -> str:
        anchor = values.get("_anchor")
        shape_of = self._cacheable(endpoint, values, anchor)
        if shape_of is None:
            return self.app.url_for(endpoint, **values)
        names = tuple(name for name in values if name != "_anchor")
        key = (endpoint, names, shape_of)
        pieces = self._shapes.get(key)
        if pieces is None:
            pieces = self._build(endpoint, names)
            with self._lock:
                if len(self._shapes) < MAX_SHAPES:
                    self._shapes[key] = pieces
        if pieces is _NOT_CACHEABLE:
            return self.app.url_for(endpoint, **values)
        url = "".join(
            piece if type(piece) is str else str(values[names[piece]])
            for piece in pieces  # type: ignore[union-attr]
        )
        return f"{url}#{anchor}" if anchor is not None else url

    def _cacheable(self, endpoint: str, values: dict, anchor) -> str | None:
        """The script root the URL starts with, when this call may use a kept shape."""
        request_context = _cv_request.get(None)
        if request_context is None or endpoint[:1] == ".":
            return None
        if anchor is not None and not (isinstance(anchor, str) and PLAIN_ANCHOR.fullmatch(anchor)):
            return None
        for name, value in values.items():
            if name == "_anchor":
                continue
            if name[:1] == "_" or type(value) is not int or value < 0:  # an int, not a bool
                return None
        if self._adds_defaults(endpoint):
            return None
        return request_context.request.script_root

    def _adds_defaults(self, endpoint: str) -> bool:
        functions = self.app.url_default_functions
        if functions.get(None):
            return True
        blueprint = endpoint.rpartition(".")[0]
        while blueprint:
            if functions.get(blueprint):
                return True
            blueprint = blueprint.rpartition(".")[0]
        return False

    def _build(self, endpoint: str, names: tuple[str, ...]) -> object:
        """The URL as fixed text and value indexes, or _NOT_CACHEABLE."""
        stand_ins = {str(STAND_IN_BASE + index): index for index in range(len(names))}
        url = self.app.url_for(endpoint, **{names[i]: int(text) for text, i in stand_ins.items()})
        pieces: list[str | int] = []
        found: list[str] = []
        position = 0
        for match in re.finditer("|".join(stand_ins) or "(?!)", url):
            found.append(match.group())
            pieces += [url[position : match.start()], stand_ins[match.group()]]
            position = match.end()
        if sorted(found) != sorted(stand_ins):
            return _NOT_CACHEABLE  # a value was changed, left out or repeated on its way in
        pieces.append(url[position:])
        return tuple(piece for piece in pieces if piece != "")


def install(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = UrlShapes(app).url_for
