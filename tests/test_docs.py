"""Every command of the vendorcheck CLI is documented in the README and the operations guide."""

from __future__ import annotations

import re
from pathlib import Path

from vendorcheck.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        mention = f"`vendorcheck {command.name}"
        assert mention in readme, f"README.md does not document {command.name}"
        assert mention in operations, f"docs/OPERATIONS.md does not document {command.name}"


def test_the_architecture_names_every_module_and_no_module_that_is_gone():
    architecture = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    index = architecture.split("## Module index", 1)[1]
    package = ROOT / "vendorcheck"
    modules = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "migrations" not in path.parts and "_shipped" not in path.parts
    }
    named = set(re.findall(r"^\| `([\w/]+\.py)` \|", index, flags=re.MULTILINE))
    assert sorted(modules - named) == [], "modules missing from docs/ARCHITECTURE.md"
    assert sorted(named - modules) == [], "docs/ARCHITECTURE.md names modules that do not exist"
