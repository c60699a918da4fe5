"""The shape of "not found": services raise NotFound, the web answers it in its handlers (no view
catches it), and NotFound is no ServiceError, so a view's `except ServiceError` never turns a
missing row into a form message."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from vendorcheck.services.errors import Forbidden, NotFound, ServiceError

PACKAGE = Path(__file__).resolve().parents[1] / "vendorcheck"


def _caught_names(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return set()
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {kind.id if isinstance(kind, ast.Name) else getattr(kind, "attr", "") for kind in kinds}


def _not_found_catches(folder: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and "NotFound" in _caught_names(node):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_no_view_catches_not_found():
    assert _not_found_catches("web") == []


def test_no_use_case_catches_not_found():
    assert _not_found_catches("services") == []


def test_the_cli_answers_not_found_in_one_place():
    (place,) = _not_found_catches("cli")
    assert place.startswith("vendorcheck/cli/common.py:")


def test_not_found_and_forbidden_are_no_service_errors_and_keep_their_message():
    for kind in (NotFound, Forbidden):
        assert not issubclass(kind, ServiceError)
        assert kind("見つかりません。").message == "見つかりません。"


def test_no_view_writes_a_404_page_of_its_own():
    """A look-up that finds nothing raises NotFound in its service; no view renders the 404
    page itself (the handlers in web/errors.py and the portal's one page do)."""
    own_404 = re.compile(r"render_error\(\s*404|status=404|PortalError\(404")
    writers = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted((PACKAGE / "web").rglob("*.py"))
        if path.name not in {"errors.py", "portal.py"}
        and own_404.search(path.read_text(encoding="utf-8"))
    ]
    assert writers == []


def test_no_view_aborts_with_a_bare_404():
    """Not found is NotFound with its Japanese message (the one 404 handler), not abort(404)."""
    bare = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in sorted((PACKAGE / "web").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\babort\(\s*404\b", line)
    ]
    assert bare == []
