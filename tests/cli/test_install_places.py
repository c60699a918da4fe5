"""Where data lives, where the shipped files are found, and copying the templates out."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.commands import command_runner
from vendorcheck import config, shipped
from vendorcheck.config import default_instance_path

ROOT = Path(__file__).resolve().parents[2]


def test_the_instance_folder_follows_the_documented_order(tmp_path, monkeypatch):
    assert default_instance_path({"VENDORCHECK_INSTANCE_PATH": str(tmp_path / "x")}) == (
        tmp_path / "x"
    )
    assert default_instance_path({}) == ROOT / "instance"  # run from this checkout
    monkeypatch.setattr(config, "checkout_root", lambda: None)  # as when installed
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for platform, environ, expected in (
        ("linux", {}, tmp_path / "home" / ".local" / "share" / "vendorcheck"),
        ("linux", {"XDG_DATA_HOME": str(tmp_path / "xdg")}, tmp_path / "xdg" / "vendorcheck"),
        ("win32", {"LOCALAPPDATA": str(tmp_path / "Local")}, tmp_path / "Local" / "vendorcheck"),
        ("darwin", {}, tmp_path / "home" / "Library" / "Application Support" / "vendorcheck"),
    ):
        monkeypatch.setattr(config.sys, "platform", platform)
        assert default_instance_path(environ) == expected


def test_a_checkout_reads_its_own_folders():
    assert shipped.checkout_root() == ROOT
    assert config.default_questionnaires_dir() == ROOT / "questionnaires"
    assert config.default_clauses_dir() == ROOT / "contract_templates" / "clauses"
    assert shipped.shipped_path(shipped.BASE_DOCX) == ROOT / "contract_templates" / "base.docx"
    assert shipped.shipped_path(shipped.REQUIREMENTS) == ROOT / "docs" / "REQUIREMENTS.md"


def test_settings_shows_the_instance_folder_first(runner, app):
    first = runner.invoke(args=["settings"]).output.splitlines()[0]
    assert first == f"VENDORCHECK_INSTANCE_PATH={app.instance_path}"


def test_copy_templates_copies_the_shipped_files_and_never_overwrites(app, tmp_path):
    runner = command_runner(app)
    result = runner.invoke(args=["init", "--copy-templates", str(tmp_path / "ours")])
    assert result.exit_code == 0, result.output
    copied = sorted(p.name for p in (tmp_path / "ours" / "questionnaires").glob("*.toml"))
    assert copied == sorted(p.name for p in (ROOT / "questionnaires").glob("*.toml"))
    clauses = sorted(p.name for p in (tmp_path / "ours" / "clauses").glob("*.toml"))
    assert clauses == sorted(p.name for p in (ROOT / "contract_templates/clauses").glob("*.toml"))
    lines = [line.strip() for line in result.output.splitlines() if "_DIR = " in line]
    settings = tomllib.loads("\n".join(lines))
    assert settings == {
        "QUESTIONNAIRES_DIR": str(tmp_path / "ours" / "questionnaires"),
        "CLAUSES_DIR": str(tmp_path / "ours" / "clauses"),
    }
    (tmp_path / "ours" / "questionnaires" / "cloud.toml").write_text("# ours", encoding="utf-8")
    again = runner.invoke(args=["init", "--copy-templates", str(tmp_path / "ours")])
    assert again.exit_code == 1 and "既にファイルがあります" in again.output
    assert (tmp_path / "ours" / "questionnaires" / "cloud.toml").read_text(encoding="utf-8") == (
        "# ours"
    )
