"""Reading the settings declared in settings.py.

Sources, later ones win: the declared defaults, ``instance/config.toml``, the
environment (``VENDORCHECK_<NAME>``), and the ``overrides`` a caller passes
(tests). ``docs/OPERATIONS.md`` lists every setting; a test keeps it so.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vendorcheck.settings import (
    ENV_PREFIX,
    INSTANCE_PATH_ENV,
    INSTANCE_PATH_HELP,
    SETTINGS,
    SETTINGS_BY_NAME,
)
from vendorcheck.shipped import CLAUSES, QUESTIONNAIRES, SNS_PROCEDURE, checkout_root, shipped_path


class ConfigError(Exception):
    """A setting has a value that cannot be used."""


def default_instance_path(environ: Mapping[str, str] | None = None) -> Path:
    """Return the instance folder (database, secret key, uploads, config.toml).

    VENDORCHECK_INSTANCE_PATH when set; ``instance/`` of the checkout when run from one;
    otherwise the platform's per-user data folder, never inside site-packages:
    Windows ``%LOCALAPPDATA%\\vendorcheck``, macOS ``~/Library/Application Support/vendorcheck``,
    others ``$XDG_DATA_HOME/vendorcheck`` (default ``~/.local/share/vendorcheck``).
    """
    environ = os.environ if environ is None else environ
    configured = environ.get(INSTANCE_PATH_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    root = checkout_root()
    if root is not None:
        return root / "instance"
    if sys.platform == "win32":
        base = environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "vendorcheck"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "vendorcheck"
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "vendorcheck"


def default_questionnaires_dir() -> Path:
    """Return the shipped questionnaires (the checkout's questionnaires/ or package data)."""
    return shipped_path(QUESTIONNAIRES)


def default_clauses_dir() -> Path:
    """Return the shipped clause files (contract_templates/clauses/ or package data)."""
    return shipped_path(CLAUSES)


def load_settings(
    instance_path: Path,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge defaults, instance/config.toml, the environment and overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    config_file = instance_path / "config.toml"
    if config_file.exists():
        try:
            with config_file.open("rb") as fh:
                from_file = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_file} の書式に誤りがあります（{exc}）。") from exc
        unknown = sorted(set(from_file) - set(SETTINGS_BY_NAME))
        if unknown:
            raise ConfigError(f"{config_file}: 未知の設定項目 {', '.join(unknown)}")
        values.update(from_file)
    for setting in SETTINGS:
        if setting.env_name in environ:
            values[setting.name] = environ[setting.env_name]
    values.update(overrides or {})
    parsed: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = values[setting.name]
        try:
            parsed[setting.name] = raw if raw is None else setting.parse(raw)
        except (TypeError, ValueError) as exc:
            expected = "整数で指定してください" if setting.parse is int else str(exc)
            raise ConfigError(
                f"設定 {setting.env_name} の値 {raw!r} が不正です（{expected}）。"
            ) from exc
    for name, value in (overrides or {}).items():
        parsed.setdefault(name, value)
    if parsed["SMTP_SECURITY"] not in {"none", "starttls", "tls"}:
        raise ConfigError("VENDORCHECK_SMTP_SECURITY は none / starttls / tls のいずれかです。")
    for name in ("ISMAP_NUMBER_PATTERN", "ISMAP_LIU_NUMBER_PATTERN"):
        try:
            re.compile(parsed[name])
        except re.error as exc:
            raise ConfigError(f"{ENV_PREFIX}{name} の正規表現が不正です: {exc}") from exc
    parsed["DEFAULTED_SETTINGS"] = frozenset(
        name for name in ("SECRET_KEY", "BASE_URL") if not parsed[name]
    )
    if not parsed["BASE_URL"]:
        parsed["BASE_URL"] = f"http://{parsed['HOST']}:{parsed['PORT']}"
    if not parsed["DATABASE_URL"]:
        parsed["DATABASE_URL"] = f"sqlite:///{instance_path / 'vendorcheck.db'}"
    if not parsed["QUESTIONNAIRES_DIR"]:
        parsed["QUESTIONNAIRES_DIR"] = str(default_questionnaires_dir())
    if not parsed["CLAUSES_DIR"]:
        parsed["CLAUSES_DIR"] = str(default_clauses_dir())
    if not parsed["SNS_PROCEDURE_TEMPLATE"]:
        parsed["SNS_PROCEDURE_TEMPLATE"] = str(shipped_path(SNS_PROCEDURE))
    if not parsed["SECRET_KEY"]:
        parsed["SECRET_KEY"] = _instance_secret_key(instance_path)
    return parsed


def _instance_secret_key(instance_path: Path) -> str:
    """Read the generated secret key, creating it (mode 600) on first use."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def describe_settings(
    values: Mapping[str, Any], instance_path: Path | str | None = None
) -> list[tuple[str, str, str]]:
    """Return (env name, shown value, help) for each setting, secrets masked; the instance
    folder first when given."""
    rows = []
    if instance_path is not None:
        rows.append((INSTANCE_PATH_ENV, str(instance_path), INSTANCE_PATH_HELP))
    for setting in SETTINGS:
        value = values.get(setting.name)
        shown = "********" if setting.secret and value else ("" if value is None else str(value))
        if setting.name == "DATABASE_URL" and value:
            shown = mask_url_password(str(value))
        rows.append((setting.env_name, shown, setting.help))
    return rows


def mask_url_password(url: str) -> str:
    """Hide the password part of a database URL."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user, has_password, _ = credentials.partition(":")
    return f"{scheme}://{user}{':********' if has_password else ''}@{host}"
