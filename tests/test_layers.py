"""The layers import only the layers below them (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vendorcheck"

FORBIDDEN = {
    "domain": {
        "flask",
        "peewee",
        "playhouse",
        "werkzeug",
        "flask_wtf",
        "wtforms",
        "docx",
        "requests",
        "vendorcheck.store",
        "vendorcheck.services",
        "vendorcheck.web",
        "vendorcheck.documents",
    },
    "documents": {
        "flask",
        "peewee",
        "playhouse",
        "flask_wtf",
        "wtforms",
        "vendorcheck.store",
        "vendorcheck.services",
        "vendorcheck.web",
    },
    "store": {"flask", "flask_wtf", "wtforms", "vendorcheck.services", "vendorcheck.web"},
    "services": {"flask", "flask_wtf", "wtforms", "vendorcheck.web"},
    "web": {"peewee", "playhouse", "vendorcheck.store"},
}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of the import nodes inside ``if TYPE_CHECKING:`` (annotations, never run)."""
    return {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for child in ast.walk(node)
    }


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    annotations_only = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in annotations_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_what_sits_above_it(layer):
    for path in (PACKAGE / layer).rglob("*.py"):
        for name in _imports(path):
            for forbidden in FORBIDDEN[layer]:
                assert not (name == forbidden or name.startswith(forbidden + ".")), (
                    f"{path} imports {name}"
                )
