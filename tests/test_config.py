"""Settings: declared once, read from file and environment, secrets masked, all documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vendorcheck.config import (
    ConfigError,
    describe_settings,
    load_settings,
    mask_url_password,
)
from vendorcheck.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_defaults_put_sqlite_in_the_instance_folder_and_generate_a_secret(tmp_path):
    values = load_settings(tmp_path, environ={})
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path / 'vendorcheck.db'}"
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == values["SECRET_KEY"] and len(values["SECRET_KEY"]) == 64
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert load_settings(tmp_path, environ={})["SECRET_KEY"] == values["SECRET_KEY"]


def test_environment_beats_config_file_and_is_parsed(tmp_path):
    (tmp_path / "config.toml").write_text(
        'PORT = 8000\nMAIL_FROM = "file@example.jp"\n', encoding="utf-8"
    )
    values = load_settings(
        tmp_path, environ={"VENDORCHECK_PORT": "9000", "VENDORCHECK_SESSION_COOKIE_SECURE": "true"}
    )
    assert values["PORT"] == 9000 and values["MAIL_FROM"] == "file@example.jp"
    assert values["SESSION_COOKIE_SECURE"] is True


def test_unknown_key_or_bad_value_is_a_clear_error(tmp_path):
    (tmp_path / "config.toml").write_text("PROT = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="未知の設定項目 PROT"):
        load_settings(tmp_path, environ={})
    (tmp_path / "config.toml").unlink()
    with pytest.raises(ConfigError, match="VENDORCHECK_PORT"):
        load_settings(tmp_path, environ={"VENDORCHECK_PORT": "eighty"})
    with pytest.raises(ConfigError, match="SMTP_SECURITY"):
        load_settings(tmp_path, environ={"VENDORCHECK_SMTP_SECURITY": "ssl3"})


def test_settings_listing_masks_secrets(tmp_path):
    values = load_settings(
        tmp_path,
        environ={
            "VENDORCHECK_SMTP_PASSWORD": "hunter2",
            "VENDORCHECK_DATABASE_URL": "postgresql://vc:pw@db/vc",
        },
    )
    shown = {name: value for name, value, _ in describe_settings(values)}
    assert shown["VENDORCHECK_SMTP_PASSWORD"] == "********"
    assert shown["VENDORCHECK_SECRET_KEY"] == "********"
    assert shown["VENDORCHECK_DATABASE_URL"] == "postgresql://vc:********@db/vc"
    assert mask_url_password("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_every_setting_is_documented_with_its_help():
    operations = (DOCS / "OPERATIONS.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(VENDORCHECK_[A-Z0-9_]+)`", operations))
    declared = {s.env_name for s in SETTINGS} | {"VENDORCHECK_INSTANCE_PATH"}
    assert declared - documented == set(), "settings missing from docs/OPERATIONS.md"
    assert (
        documented
        - declared
        - {"VENDORCHECK_TEST_DATABASE_URL", "VENDORCHECK_REQUIRE_ALL", "VENDORCHECK_CHROMIUM"}
        == set()
    )
    for setting in SETTINGS:
        assert setting.help in operations, f"help text of {setting.env_name} differs from docs"
