"""Every command: Japanese help, and one Japanese line with status 1 or 2 on any error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import free_port
from vendorcheck import __version__
from vendorcheck.cli import COMMANDS, main

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _arguments(name: str, tmp_path: Path) -> list[str]:
    """Arguments that would be accepted, so only the broken setting or file can fail."""
    return {
        "serve": ["serve", "--port", str(free_port())],
        "create-staff": [
            "create-staff",
            "--login-id",
            "sato",
            "--name",
            "佐藤",
            "--role",
            "viewer",
        ],
        "annex": ["annex", "1", "-o", str(tmp_path / "a.docx")],
        "compare": ["compare", "1", "-o", str(tmp_path / "c.csv")],
        "report": ["report", "1", "-o", str(tmp_path / "r.docx")],
        "backup": ["backup", "-o", str(tmp_path / "b.db")],
        "restore": ["restore", str(tmp_path / "none.db")],
        "ismap": ["ismap", "check", "C21-0008-2"],
        "register": ["register", "list"],
        "monitoring": ["monitoring", "list"],
        "checksheet": ["checksheet", "export", "1", "-o", str(tmp_path / "s.xlsx")],
    }.get(name, [name])


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(args)
    captured = capsys.readouterr()
    return stopped.value.code, captured.out, captured.err


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    for name in ("DATABASE_URL", "QUESTIONNAIRES_DIR", "CLAUSES_DIR", "SECRET_KEY", "PORT"):
        monkeypatch.delenv(f"VENDORCHECK_{name}", raising=False)
    monkeypatch.setenv("VENDORCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "instance"


def test_the_group_and_every_command_explain_themselves_in_japanese(instance, capsys):
    status, out, _ = _run(["--help"], capsys)
    assert status == 0 and "使い方: vendorcheck" in out and "コマンド:" in out
    assert "Show this message" not in out and "--env-file" not in out and "--app" not in out
    status, out, _ = _run(["--version"], capsys)
    assert status == 0 and out.strip() == f"vendorcheck {__version__}"
    for command in COMMANDS:
        status, out, _ = _run([command.name, "--help"], capsys)
        assert status == 0, command.name
        assert out.startswith(f"使い方: vendorcheck {command.name} [オプション]"), out
        description = out.split("\n\n")[1]
        assert JAPANESE.search(description), f"{command.name} has no Japanese help"
        assert "このヘルプを表示して終了します。" in out
        assert command.name in out.split("\nコマンド:")[0]


def _assert_one_japanese_line(status: int, err: str, expected: str | None = None) -> None:
    assert status in (1, 2), err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert JAPANESE.search(lines[0]), err
    if expected:
        assert expected in lines[0]


@pytest.mark.parametrize("command", [command.name for command in COMMANDS])
def test_a_broken_setting_gives_one_japanese_line(command, instance, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VENDORCHECK_PORT", "八千")
    status, _, err = _run(_arguments(command, tmp_path), capsys)
    _assert_one_japanese_line(status, err, "VENDORCHECK_PORT")
    assert status == 1


def test_a_broken_config_file_gives_one_japanese_line(instance, tmp_path, capsys):
    instance.mkdir()
    (instance / "config.toml").write_text("PORT = = 8080\n", encoding="utf-8")
    status, _, err = _run(["settings"], capsys)
    _assert_one_japanese_line(status, err, "config.toml の書式に誤りがあります")


DATABASE_COMMANDS = {"serve", "migrate", "init", "create-staff", "send-mail", "remind", "cases"}
DATABASE_COMMANDS |= {"demo", "annex", "compare", "report"}


@pytest.mark.parametrize("command", sorted(DATABASE_COMMANDS))
def test_an_unreachable_database_gives_one_japanese_line(
    command, instance, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv(
        "VENDORCHECK_DATABASE_URL", f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    )
    status, _, err = _run(_arguments(command, tmp_path), capsys)
    _assert_one_japanese_line(status, err, "データベースに接続できません")


def test_an_unsupported_database_url_gives_one_japanese_line(instance, monkeypatch, capsys):
    monkeypatch.setenv("VENDORCHECK_DATABASE_URL", "mysql://root@localhost/x")
    status, _, err = _run(["migrate"], capsys)
    _assert_one_japanese_line(status, err, "対応していないデータベース URL")


def test_a_missing_questionnaire_folder_is_reported(instance, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VENDORCHECK_QUESTIONNAIRES_DIR", str(tmp_path / "無い"))
    status, out, err = _run(["check-questionnaires"], capsys)
    assert status == 1 and "Traceback" not in out + err
    assert JAPANESE.search(err) and "無い" in out + err


def test_a_broken_clause_file_is_reported(instance, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "clauses"
    folder.mkdir()
    (folder / "broken.toml").write_text("id = [\n", encoding="utf-8")
    monkeypatch.setenv("VENDORCHECK_CLAUSES_DIR", str(folder))
    status, out, err = _run(["check-clauses"], capsys)
    assert status == 1 and "Traceback" not in out + err
    assert "broken.toml" in out and "条文に" in err


def test_usage_errors_are_japanese_with_status_2(instance, capsys):
    for args, expected in (
        (["no-such-command"], "そのコマンドはありません"),
        (["create-staff", "--login-id", "x", "--name", "x", "--role", "root"], "のいずれか"),
        (["create-staff", "--name", "x", "--role", "viewer"], "--login-id の指定が必要です"),
        (["serve", "--port", "abc"], "--port"),
        (["cases", "--no-such-option"], "オプション --no-such-option はありません"),
        (["annex", "x", "-o", "a.docx"], "数字で指定してください"),
    ):
        status, _, err = _run(args, capsys)
        _assert_one_japanese_line(status, err, expected)
        assert status == 2, args
