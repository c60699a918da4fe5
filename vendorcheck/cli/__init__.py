"""The vendorcheck command: the group, its commands by journey, and ``main``.

Each module holds the commands of one journey (setup, server, content, cases,
documents, mail); the command logic lives in services, so a command stays thin.
A new command is written in its journey's module and added to ``COMMANDS``.
"""

from __future__ import annotations

import sys

from flask import Flask
from flask.cli import FlaskGroup

from vendorcheck.cli.cases import cases_command
from vendorcheck.cli.content import (
    check_clauses_command,
    check_questionnaires_command,
    questionnaires_command,
)
from vendorcheck.cli.documents import annex_command, compare_command, report_command
from vendorcheck.cli.mail import remind_command, send_mail_command
from vendorcheck.cli.server import serve_command
from vendorcheck.cli.setup import (
    create_staff_command,
    demo_command,
    init_command,
    migrate_command,
    prepare_database,
    settings_command,
)

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
)

__all__ = ["COMMANDS", "main", "prepare_database", "register_commands"]


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app_for_cli() -> Flask:
    from vendorcheck import create_app

    return create_app()


def main() -> None:
    cli = FlaskGroup(
        create_app=_create_app_for_cli,
        add_default_commands=False,
        load_dotenv=False,
        help="vendorcheck の管理コマンド",
    )
    cli.main(args=sys.argv[1:], prog_name="vendorcheck")
