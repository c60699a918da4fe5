"""vendorcheck check-questionnaires and vendorcheck questionnaires."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.commands import command_runner
from vendorcheck.app import create_app
from vendorcheck.domain.questionnaire import load_directory

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "questionnaires"


def cli_runner(tmp_path: Path, questionnaires_dir: Path | None = None):
    """A CLI runner for an app whose QUESTIONNAIRES_DIR setting is the given folder."""
    config = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
    }
    if questionnaires_dir is not None:
        config["QUESTIONNAIRES_DIR"] = str(questionnaires_dir)
    return command_runner(create_app(config))


@pytest.fixture
def broken_copy(tmp_path) -> tuple[Path, str]:
    """A copy of the shipped questionnaires with one misspelt question type in cloud.toml."""
    folder = tmp_path / "questionnaires"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("*.md"))
    cloud = folder / "cloud.toml"
    last_section = tomllib.loads(cloud.read_text(encoding="utf-8"))["sections"][-1]["id"]
    question_id = f"{last_section}.broken_example"
    with cloud.open("a", encoding="utf-8") as fh:
        fh.write(
            "\n[[sections.questions]]\n"
            f'id = "{question_id}"\n'
            'type = "choise"\n'
            'text = { ja = "壊れた質問" }\n'
            'requirements = ["CLD-10"]\n'
        )
    return folder, question_id


def test_check_passes_on_the_shipped_questionnaires(tmp_path):
    result = cli_runner(tmp_path).invoke(args=["check-questionnaires"])
    assert result.exit_code == 0, result.output
    loaded = load_directory(SHIPPED)
    questions = sum(len(q.questions) for q in loaded.values())
    assert f"確認書 {len(loaded)} 件（質問 計 {questions} 問）を確認しました。" in result.output
    assert "問題はありません" in result.output


def test_check_fails_naming_the_file_and_the_item(tmp_path, broken_copy):
    folder, question_id = broken_copy
    result = cli_runner(tmp_path, folder).invoke(args=["check-questionnaires"])
    assert result.exit_code == 1
    assert f"cloud.toml: 質問 {question_id}: 未知の質問の種類 type = 'choise'" in result.output
    assert "確認書に 1 件の問題があります" in result.output


def test_list_shows_id_version_kinds_and_question_count(tmp_path):
    result = cli_runner(tmp_path).invoke(args=["questionnaires"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for questionnaire in load_directory(SHIPPED).values():
        line = next(line for line in lines if line.startswith(questionnaire.id + " "))
        assert f"第{questionnaire.version}版" in line
        assert ", ".join(questionnaire.kinds) in line
        assert f"質問 {len(questionnaire.questions)} 問" in line


def test_list_warns_about_a_file_it_cannot_read(tmp_path, broken_copy):
    folder, _ = broken_copy
    result = cli_runner(tmp_path, folder).invoke(args=["questionnaires"])
    assert "cloud.toml: 読み込めません（問題 1 件）" in result.output
    assert "vendorcheck check-questionnaires" in result.output


def test_the_installed_command_reads_the_folder_from_the_environment(tmp_path, broken_copy):
    folder, question_id = broken_copy
    env = {
        **os.environ,
        "VENDORCHECK_INSTANCE_PATH": str(tmp_path / "instance"),
        "VENDORCHECK_QUESTIONNAIRES_DIR": str(folder),
    }
    env.pop("VENDORCHECK_DATABASE_URL", None)
    command = [sys.executable, "-m", "vendorcheck", "check-questionnaires"]
    failed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert failed.returncode == 1
    assert f"cloud.toml: 質問 {question_id}:" in failed.stdout
    env["VENDORCHECK_QUESTIONNAIRES_DIR"] = str(SHIPPED)
    passed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "問題はありません" in passed.stdout
