"""The vendorcheck command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from vendorcheck.store.models import Staff

ROOT = Path(__file__).resolve().parents[2]


def test_init_creates_the_first_admin_once(runner, app, db):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "ログイン ID : admin" in first.output and "仮パスワード" in first.output
    assert Staff.get(Staff.login_id == "admin").must_change_password
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0 and "仮パスワード" not in second.output
    assert "http://vendorcheck.test/login" in second.output
    assert Staff.select().count() == 1


def test_migrate_status_lists_applied_migrations(runner):
    result = runner.invoke(args=["migrate", "--status"])
    assert result.exit_code == 0
    assert "適用済み" in result.output and "0001_foundation" in result.output
    assert "未適用のマイグレーションはありません" in runner.invoke(args=["migrate"]).output


def test_create_staff_prints_a_one_time_password_and_refuses_duplicates(runner, db):
    ok = runner.invoke(
        args=["create-staff", "--login-id", "kato", "--name", "加藤", "--role", "ciso"]
    )
    assert ok.exit_code == 0 and "仮パスワード" in ok.output
    assert Staff.get(Staff.login_id == "kato").role == "ciso"
    again = runner.invoke(
        args=["create-staff", "--login-id", "kato", "--name", "加藤", "--role", "ciso"]
    )
    assert again.exit_code != 0 and "既に使われています" in again.output
    bad_role = runner.invoke(
        args=["create-staff", "--login-id", "x1", "--name", "x", "--role", "root"]
    )
    assert bad_role.exit_code != 0


def test_settings_command_masks_secrets(runner):
    result = runner.invoke(args=["settings"])
    assert result.exit_code == 0
    assert "VENDORCHECK_SECRET_KEY=********" in result.output
    assert "test-secret-key" not in result.output


def test_the_installed_command_runs_against_a_fresh_instance(tmp_path):
    env = {**os.environ, "VENDORCHECK_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("VENDORCHECK_DATABASE_URL", None)
    command = [sys.executable, "-m", "vendorcheck", "init"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "最初の管理者アカウントを作成しました。" in first.stdout
    assert (tmp_path / "instance" / "vendorcheck.db").exists()
    second = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert second.returncode == 0 and "仮パスワード" not in second.stdout
