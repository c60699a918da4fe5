"""Every command of the vendorcheck CLI is documented in the README and the operations guide."""

from __future__ import annotations

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
