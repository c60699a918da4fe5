"""No test module reads today's date or the clock when it is imported: such a value goes stale
when a run crosses midnight in Japan (15:00 UTC) while the app's own today moves on. Tests take
the `today` fixture (tests/conftest.py) or read the clock inside the test."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCK_FUNCTIONS = {"today_jst", "now_jst", "utcnow"}
CLOCK_METHODS = {"today", "now", "utcnow"}  # date.today(), datetime.now(), datetime.utcnow()


def _reads_the_clock(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    function = node.func
    if isinstance(function, ast.Name):
        return function.id in CLOCK_FUNCTIONS
    return isinstance(function, ast.Attribute) and function.attr in CLOCK_METHODS


def _run_at_import(statements: list[ast.stmt]) -> list[ast.AST]:
    """The parts of a module (or class body) that Python evaluates when it imports it."""
    found: list[ast.AST] = []
    for statement in statements:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            found += statement.decorator_list
            found += statement.args.defaults + [d for d in statement.args.kw_defaults if d]
        elif isinstance(statement, ast.ClassDef):
            found += statement.decorator_list + statement.bases
            found += _run_at_import(statement.body)
        else:
            found.append(statement)
    return found


def test_no_test_module_reads_the_date_when_it_is_imported():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for part in _run_at_import(tree.body):
            for node in ast.walk(part):
                if _reads_the_clock(node):
                    offenders.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert offenders == [], "the date is read at import time in: " + ", ".join(offenders)
