"""ISMAP: importing, syncing and checking the ISMAP and ISMAP-LIU cloud service lists."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorcheck.cli.common import USAGE_ERROR, command_group, database, fail, os_reason, parse_day
from vendorcheck.domain import ismap as ismap_lists
from vendorcheck.services import ismap as ismap_service
from vendorcheck.services import ismap_import, ismap_sync
from vendorcheck.services.audit import Actor


@command_group("ismap")
def ismap_group() -> None:
    """ISMAP・ISMAP-LIU クラウドサービスリストの取り込み・同期・照合を行います。"""


@ismap_group.command("import")
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="取り込まずに、変わる内容だけを表示する")
@click.option(
    "--list",
    "list_kind",
    type=click.Choice(sorted(ismap_lists.LIST_NAMES)),
    default=None,
    help="区分の列も番号の形もないときに使うリスト",
)
@with_appcontext
def ismap_import_command(file: str, dry_run: bool, list_kind: str | None) -> None:
    """リストのファイル（CSV・XLSX・保存した HTML）を取り込みます（問題があれば何も変えません）。"""
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        fail(f"ファイル「{file}」を読めません（{os_reason(exc)}）。")
    settings = ismap_import.ListSettings.from_config(current_app.config)
    try:
        with database().connection_context():
            report = ismap_import.import_file(
                data,
                Path(file).name,
                settings,
                Actor.system("コマンド ismap import"),
                dry_run=dry_run,
                default_list=list_kind,
            )
    except ismap_import.ImportRefused as exc:
        if exc.report is not None:
            for line in exc.report.lines()[1:]:
                click.echo(line, err=True)
        fail(exc.message)
    for line in report.lines():
        click.echo(line)


@ismap_group.command("sync")
@with_appcontext
def ismap_sync_command() -> None:
    """設定した URL からリストを取得して取り込みます（変わっていなければ何もしません。cron 向け）。"""
    settings = ismap_sync.SyncSettings.from_config(current_app.config)
    if not settings.urls:
        fail(
            "同期する URL が設定されていません（設定 ISMAP_SYNC_URL / ISMAP_LIU_SYNC_URL）。",
            USAGE_ERROR,
        )
    list_settings = ismap_import.ListSettings.from_config(current_app.config)
    with database().connection_context():
        outcomes = ismap_sync.sync(settings, list_settings, Actor.system("コマンド ismap sync"))
    for outcome in outcomes:
        name = ismap_lists.LIST_SHORT[outcome.list_kind]
        click.echo(f"{name}（{outcome.url}）: {outcome.message}", err=outcome.failed)
    if any(outcome.failed for outcome in outcomes):
        sys.exit(1)


@ismap_group.command("check")
@click.argument("number", metavar="NUMBER")
@click.option("--provider", default="", help="事業者名（リストの事業者と照合する）")
@click.option("--service", default="", help="調達するサービスの名称（近い名称も表示する）")
@click.option("--until", "until_text", default=None, help="この日まで有効か（YYYY-MM-DD）")
@with_appcontext
def ismap_check_command(number: str, provider: str, service: str, until_text: str | None) -> None:
    """登録番号をリストと照合して結果を表示します（問題があれば終了コード 1）。"""
    until = parse_day(until_text, "--until")
    with database().connection_context():
        check = ismap_service.check_claim(number, provider=provider, service=service, until=until)
    for line in ismap_service.check_lines(check):
        click.echo(line)
    if check.findings:
        sys.exit(1)
