"""The layers import only the layers below them (DESIGN.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
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


MAX_LINES = 400  # the house rule: modules of one job each, none longer than this


def test_no_module_is_longer_than_the_house_limit():
    too_long = {}
    for path in PACKAGE.rglob("*.py"):
        name = path.relative_to(PACKAGE).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[name] = lines
    assert too_long == {}, f"modules longer than {MAX_LINES} lines: {too_long}"


def _imports_inside_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    annotations_only = _type_checking_only(tree)
    return [
        f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno} {ast.unparse(node)}"
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in annotations_only
    ]


def test_no_import_hides_inside_a_function():
    hidden = [line for path in PACKAGE.rglob("*.py") for line in _imports_inside_functions(path)]
    assert hidden == [], "imports inside functions (move them to the top of the module)"


def test_importing_the_domain_loads_neither_flask_nor_peewee():
    """The package's own __init__ builds nothing, so the domain imports alone (a fresh process,
    as pytest has loaded Flask already)."""
    script = (
        "import pkgutil, sys, importlib, vendorcheck.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'vendorcheck.domain.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'flask', 'peewee', 'werkzeug'}))\n"
        "above = ('vendorcheck.app', 'vendorcheck.store', 'vendorcheck.services', 'vendorcheck.web')\n"
        "print(sorted(n for n in sys.modules if n.startswith(above)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert done.stdout.splitlines() == ["[]", "[]"], done.stdout
