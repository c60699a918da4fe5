"""Small pieces every command uses: the database, Japanese errors, ids, dates and files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from peewee import Database

USAGE_ERROR = 2  # the command was given something it cannot use
FAILURE = 1  # the command ran and could not do its work


def database() -> Database:
    """The application's database (the one the store's proxy is bound to)."""
    return current_app.extensions["vendorcheck_db"]


def fail(message: str, status: int = FAILURE) -> NoReturn:
    """Print one Japanese line (or lines) on stderr and exit with the status."""
    click.echo(message, err=True)
    sys.exit(status)


def os_reason(error: OSError) -> str:
    """Say in Japanese why a file could not be opened or written."""
    if isinstance(error, FileNotFoundError):
        return "ファイルまたはフォルダーがありません"
    if isinstance(error, IsADirectoryError):
        return "同じ名前のフォルダーがあります"
    if isinstance(error, PermissionError):
        return "権限がありません"
    return error.strerror or str(error)


def write_output(output: str, data: bytes) -> None:
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        fail(f"ファイル「{output}」に書き込めません（{os_reason(exc)}）。")


def require_output(output: str | None, example: str) -> str:
    if not output:
        fail(f"書き出すファイルを -o で指定してください（例: -o {example}）。", USAGE_ERROR)
    return output


def numeric_id(value: str, label: str, example: str) -> int:
    if not value.isdigit():
        fail(f"{label}「{value}」は数字で指定してください（例: {example}）。", USAGE_ERROR)
    return int(value)


def parse_day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(
            f"--today の値「{value}」は日付として読めません。YYYY-MM-DD の形で指定してください（例: 2025-04-01）。",
            USAGE_ERROR,
        )


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
