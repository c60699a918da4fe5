"""Small pieces every command uses: the database, Japanese errors, ids, dates and files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from peewee import Database

from vendorcheck.services.errors import NotFound

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


def parse_day(value: str | None, option: str = "--today") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(
            f"{option} の値「{value}」は日付として読めません。YYYY-MM-DD の形で指定してください（例: 2025-04-01）。",
            USAGE_ERROR,
        )


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- Japanese help -------------------------------------------------------------------------

HELP_TEXT = "このヘルプを表示して終了します。"
SHORT_HELP_LIMIT = 120  # characters; the first sentence of each command's help, in full


class JapaneseHelp:
    """Help pages in Japanese: usage line, option and command headings, the --help option."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[オプション]")
        if issubclass(type(self), click.Group):
            kwargs.setdefault("subcommand_metavar", "コマンド [引数]...")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="使い方: ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            record
            for param in self.get_params(ctx)  # type: ignore[attr-defined]
            if not isinstance(param, click.Argument)
            and (record := param.get_help_record(ctx)) is not None
        ]
        if rows:
            with formatter.section("オプション"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            found = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if found is not None and not found.hidden:
                rows.append((name, found.get_short_help_str(SHORT_HELP_LIMIT)))
        if rows:
            with formatter.section("コマンド"):
                formatter.write_dl(rows)


class Command(JapaneseHelp, click.Command):
    """A vendorcheck command: Japanese help. Every command is declared with ``command``.

    A NotFound from a use case (an id that addresses nothing) is answered here once, as the
    web answers it in one handler: its Japanese message on stderr and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NotFound as exc:
            fail(exc.message)


def command(name: str):
    """``@command("name")``: declare a vendorcheck command with Japanese help."""
    return click.command(name, cls=Command)


class CommandGroup(JapaneseHelp, click.Group):
    """A group of vendorcheck commands (``vendorcheck ismap …``): Japanese help."""

    command_class = Command


def command_group(name: str):
    """``@command_group("name")``: declare a group of commands with Japanese help."""
    return click.group(name, cls=CommandGroup)
