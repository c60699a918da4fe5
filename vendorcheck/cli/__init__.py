"""The vendorcheck command: the group, its commands by journey, and ``main``.

Each module holds the commands of one journey (setup, server, content, cases, documents,
mail, data); the command logic lives in services, so a command stays thin. A new command is
declared with ``cli.common.command`` (Japanese help) in its journey's module and added to
``COMMANDS``. ``main`` turns every error into one Japanese line and exit status 1 or 2.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

import click
from flask.cli import ScriptInfo
from peewee import DatabaseError, InterfaceError, OperationalError

from vendorcheck import __version__
from vendorcheck.app import create_app
from vendorcheck.cli.cases import cases_command
from vendorcheck.cli.checksheet import checksheet_group
from vendorcheck.cli.common import FAILURE, USAGE_ERROR, JapaneseHelp, os_reason
from vendorcheck.cli.content import (
    check_clauses_command,
    check_questionnaires_command,
    questionnaires_command,
)
from vendorcheck.cli.data import backup_command, restore_command
from vendorcheck.cli.documents import annex_command, compare_command, report_command
from vendorcheck.cli.ismap import ismap_group
from vendorcheck.cli.mail import remind_command, send_mail_command
from vendorcheck.cli.monitoring import monitoring_group
from vendorcheck.cli.registers import check_official_links_command, register_group
from vendorcheck.cli.server import serve_command
from vendorcheck.cli.setup import (
    create_staff_command,
    demo_command,
    init_command,
    migrate_command,
    prepare_database,
    settings_command,
)
from vendorcheck.config import ConfigError
from vendorcheck.store.db import UnsupportedDatabase

COMMANDS = (
    serve_command,
    migrate_command,
    init_command,
    create_staff_command,
    settings_command,
    check_questionnaires_command,
    questionnaires_command,
    send_mail_command,
    remind_command,
    cases_command,
    demo_command,
    check_clauses_command,
    annex_command,
    compare_command,
    report_command,
    backup_command,
    restore_command,
    ismap_group,
    register_group,
    check_official_links_command,
    monitoring_group,
    checksheet_group,
)

__all__ = ["COMMANDS", "group", "main", "prepare_database"]


class Group(JapaneseHelp, click.Group):
    """The ``vendorcheck`` group: builds the application only when a command needs it, so
    ``--help`` and ``--version`` work even when a setting is broken."""

    def make_context(self, info_name, args, parent=None, **extra):
        extra.setdefault("obj", ScriptInfo(create_app=create_app, load_dotenv_defaults=False))
        return super().make_context(info_name, args, parent=parent, **extra)


@click.group(
    "vendorcheck",
    cls=Group,
    help="vendorcheck（委託先・外部サービス・SNS の情報セキュリティ確認）の管理コマンドです。"
    "各コマンドの使い方は vendorcheck コマンド名 --help で表示します。",
)
@click.version_option(
    __version__,
    "--version",
    prog_name="vendorcheck",
    message="%(prog)s %(version)s",
    help="vendorcheck の版を表示して終了します。",
)
def group() -> None:
    """The group itself does nothing; its commands do."""


for _command in COMMANDS:
    group.add_command(_command)


def _usage_message(error: click.UsageError) -> str:
    """Click's usage errors, said in Japanese (Click's own detail kept in brackets)."""
    where = error.ctx.command_path if error.ctx else "vendorcheck"
    hint = f"使い方は {where} --help で確認できます。"
    if isinstance(error, click.NoSuchOption):
        return f"オプション {error.option_name} はありません。{hint}"
    if isinstance(error, click.MissingParameter) and error.param is not None:
        name = error.param.opts[0] if error.param.opts else error.param.human_readable_name
        return f"{name} の指定が必要です。{hint}"
    if isinstance(error, click.BadParameter):
        param = error.param
        name = param.opts[0] if param is not None and param.opts else (error.param_hint or "値")
        if param is not None and isinstance(param.type, click.Choice):
            choices = "、".join(str(choice) for choice in param.type.choices)
            return f"{name} には {choices} のいずれかを指定してください。{hint}"
        if param is not None and isinstance(param.type, click.types.IntParamType):
            return f"{name} には整数を指定してください（{error.message}）。{hint}"
        return f"{name} の値が正しくありません（{error.message}）。{hint}"
    if "No such command" in error.message:
        return f"そのコマンドはありません（{error.message}）。vendorcheck --help で一覧を確認できます。"
    return f"コマンドの指定に誤りがあります（{error.message}）。{hint}"


def _failure_message(error: BaseException) -> str:
    if isinstance(error, ConfigError):
        return f"設定に誤りがあります: {error} 設定を直してから実行してください。"
    if isinstance(error, UnsupportedDatabase):
        return f"{error} 設定 VENDORCHECK_DATABASE_URL を確認してください。"
    if isinstance(error, OperationalError | InterfaceError):
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return (
            f"データベースに接続できません（{reason}）。"
            "設定 VENDORCHECK_DATABASE_URL とデータベースの状態を確認してください。"
        )
    if isinstance(error, DatabaseError):
        return f"データベースの操作に失敗しました（{error}）。vendorcheck migrate --status で状態を確認してください。"
    if isinstance(error, OSError):
        target = f"「{error.filename}」" if error.filename else ""
        return f"ファイル{target}を読み書きできません（{os_reason(error)}）。"
    return (
        f"予期しないエラーで終了しました（{type(error).__name__}: {error}）。"
        "詳しい情報は VENDORCHECK_LOG_LEVEL=DEBUG を付けて実行すると表示されます。"
    )


def main(args: Sequence[str] | None = None) -> None:
    """Run the command line; every error is one Japanese line on stderr with status 1 or 2."""
    arguments = list(sys.argv[1:] if args is None else args)
    try:
        status = group.main(args=arguments, prog_name="vendorcheck", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.ctx.get_help() if error.ctx else error.format_message(), err=True)
        sys.exit(USAGE_ERROR)
    except click.UsageError as error:
        click.echo(_usage_message(error), err=True)
        sys.exit(USAGE_ERROR)
    except click.ClickException as error:
        click.echo(error.format_message(), err=True)
        sys.exit(error.exit_code or FAILURE)
    except click.Abort:
        click.echo("中断しました。", err=True)
        sys.exit(FAILURE)
    except KeyboardInterrupt:
        click.echo("中断しました。", err=True)
        sys.exit(FAILURE)
    except Exception as error:
        if os.environ.get("VENDORCHECK_LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        click.echo(_failure_message(error), err=True)
        sys.exit(FAILURE)
    sys.exit(status if isinstance(status, int) else 0)
