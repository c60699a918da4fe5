"""The instance's data: backup, restore and copying the shipped templates out to edit."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from vendorcheck.cli.common import command, database, fail, require_output
from vendorcheck.services import backup as backup_service
from vendorcheck.store.db import is_sqlite


@command("backup")
@click.option("-o", "--output", default=None, metavar="FILE", help="書き出すバックアップファイル")
@with_appcontext
def backup_command(output: str | None) -> None:
    """稼働中でも一貫したバックアップ（SQLite、証跡・特記事項を含む）を作ります。PostgreSQL は手順を表示します。"""
    if not is_sqlite(database()):
        fail(backup_service.POSTGRESQL_PROCEDURE)
    output = require_output(output, "vendorcheck-2026-04-01.db")
    try:
        report = backup_service.backup(database(), output)
    except backup_service.BackupError as exc:
        fail(exc.message)
    click.echo(
        f"バックアップを {report.path} に書き出しました（{report.size:,} バイト、"
        f"マイグレーション {len(report.migrations)} 件適用済みの状態）。"
        "secret_key と config.toml も別に保管してください。"
    )


@command("restore")
@click.argument("backup_file", metavar="FILE")
@click.option("--force", is_flag=True, help="データのある環境でも上書きして復元する")
@with_appcontext
def restore_command(backup_file: str, force: bool) -> None:
    """バックアップファイルを検査し（整合性・スキーマの版）、この環境のデータベースに復元します。"""
    if not is_sqlite(database()):
        fail(backup_service.POSTGRESQL_PROCEDURE)
    try:
        report = backup_service.restore(database(), backup_file, force=force)
    except backup_service.BackupError as exc:
        fail(exc.message)
    click.echo(
        f"{backup_file} から復元しました（マイグレーション {len(report.migrations_in_file)} 件の状態）。"
    )
    for name in report.applied_after:
        click.echo(f"新しい版のマイグレーションを適用しました: {name}")
    click.echo("サーバーを起動（再起動）してください。")
