"""Registers: `vendorcheck register list|show|export|import` and `check-official-links`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorcheck.cli.common import USAGE_ERROR, command, command_group, database, fail, os_reason
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import SYSTEM_READER
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.domain.register_fields import fields_for, parse_any_date
from vendorcheck.services import official_links, register_exports, register_import, register_people
from vendorcheck.services import registers as register_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError


@command_group("register")
def register_group() -> None:
    """外部サービス・SNS アカウント台帳の一覧・表示・書き出し・取り込みを行います。"""


@register_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON で出力する")
@with_appcontext
def list_command(as_json: bool) -> None:
    """台帳の項目を一覧表示します。"""
    with database().connection_context():
        scope, rows = register_exports.rows_for(SYSTEM_READER, None, today_jst())
    headers = register_exports.HEADERS
    if as_json:
        items = [
            {
                h: (v.isoformat() if hasattr(v, "isoformat") else v)
                for h, v in zip(headers, row, strict=True)
            }
            for row in rows
        ]
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("台帳に項目はありません。")
        return
    position = {h: i for i, h in enumerate(headers)}
    for row in rows:
        click.echo(
            f"{row[0]:>5}  {row[position['種類']]}  {row[position['状態']]}  "
            f"{row[position['部局']]}  {row[position['名称（サービス名・アカウント名）']]}  "
            f"責任者: {row[position['責任者']] or '未登録'}"
        )
    click.echo(f"（{scope}: {len(rows)} 件）")


@register_group.command("show")
@click.argument("entry_id", metavar="ID")
@click.option(
    "--on",
    "on_text",
    default=None,
    metavar="DATE",
    help="この日の担当者を表示する（2025-04-01、令和7年4月1日）",
)
@with_appcontext
def show_command(entry_id: str, on_text: str | None) -> None:
    """台帳の項目と、指定した日の責任者・副責任者・担当者を表示します。"""
    if not entry_id.isdigit():
        fail(f"ID「{entry_id}」は数字で指定してください（例: 12）。", USAGE_ERROR)
    day = parse_any_date(on_text) if on_text else today_jst()
    if day is None:
        fail("日付は 2025-04-01 又は 令和7年4月1日 の形で指定してください。", USAGE_ERROR)
    with database().connection_context():
        try:
            entry = register_service.get_entry(SYSTEM_READER, int(entry_id))
        except ServiceError as exc:
            fail(exc.message)
        holders = register_people.holders_on(entry, day)
        click.echo(
            f"{reg.ENTRY_TYPE_LABELS[entry.entry_type]}: {entry.name}（{reg.STATUS_LABELS[entry.status]}）"
        )
        click.echo(f"部局: {entry.department.name if entry.department_id else '—'}")
        for spec in fields_for(entry.entry_type):
            value = getattr(entry, spec.name)
            if value not in ("", None, False):
                shown = (
                    wareki(value) if spec.kind == "date" else ("はい" if value is True else value)
                )
                click.echo(f"{spec.label}: {shown}")
        click.echo(f"\n{wareki(day)}時点の担当:")
        for role, label in reg.PERSON_ROLES.items():
            holder = holders[role]
            text = "未登録"
            if holder is not None:
                text = holder.name + (
                    f"（{holder.department_name}）" if holder.department_name else ""
                )
                text += f" {wareki(holder.since)}から" if holder.since else ""
                if not holder.active:
                    text += " ※アカウント無効"
            click.echo(f"  {label}: {text}")


@register_group.command("export")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(register_exports.FORMATS),
    required=True,
    help="形式",
)
@click.option("-o", "--output", required=True, metavar="FILE", help="書き出すファイル")
@click.option("--department", default=None, metavar="NAME", help="この部局の項目だけを書き出す")
@with_appcontext
def export_command(file_format: str, output: str, department: str | None) -> None:
    """台帳を Word・CSV・Excel に書き出します。"""
    with database().connection_context():
        try:
            result = register_exports.export_register(SYSTEM_READER, file_format, department)
        except ServiceError as exc:
            fail(exc.message)
    try:
        Path(output).write_bytes(result.data)
    except OSError as exc:
        fail(f"ファイル「{output}」に書き込めません（{os_reason(exc)}）。")
    click.echo(f"台帳 {result.count} 件を {output} に書き出しました。")


@register_group.command("import")
@click.argument("file", metavar="FILE")
@click.option("--dry-run", is_flag=True, help="確認だけを行い、何も書き込まない")
@with_appcontext
def import_command(file: str, dry_run: bool) -> None:
    """既存の台帳（CSV・Excel）を取り込みます。問題のある行が1行でもあれば何も書き込みません。"""
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        fail(f"ファイル「{file}」を読み込めません（{os_reason(exc)}）。")
    with database().connection_context():
        try:
            report = register_import.import_register(
                Actor.system("vendorcheck register import"), SYSTEM_READER, data, dry_run=dry_run
            )
        except ServiceError as exc:
            fail(exc.message)
    for rejected in report.rejected:
        click.echo(f"{rejected.line}行目: {rejected.reason}")
    click.echo(
        f"{report.rows} 行のうち、取り込める行 {report.accepted} 件、問題のある行 {len(report.rejected)} 件。"
    )
    if report.written:
        click.echo(f"{report.accepted} 件を台帳に取り込みました。")
    elif dry_run:
        click.echo("確認だけを行いました（--dry-run）。何も書き込んでいません。")
    else:
        fail(
            "問題のある行があるため、何も書き込みませんでした。修正してからもう一度実行してください。"
        )


@command("check-official-links")
@with_appcontext
def check_official_links_command() -> None:
    """SNS アカウントが公式ウェブサイトのページに掲載されているかを確認して記録します。"""
    config = current_app.config
    settings = official_links.FetchSettings(
        timeout_seconds=config["OFFICIAL_LINKS_TIMEOUT_SECONDS"],
        max_bytes=config["OFFICIAL_LINKS_MAX_KB"] * 1024,
        allow_private=config["OFFICIAL_LINKS_ALLOW_PRIVATE"],
    )
    with database().connection_context():
        run = official_links.check_official_links(settings)
    for result in run.results:
        state = {True: "掲載あり", False: "掲載なし", None: "確認できず"}[result.listed]
        click.echo(f"{result.entry_id:>5}  {result.name}: {state}（{result.note}）")
    if run.results:
        click.echo(f"{len(run.results)} 件を確認しました。")
    elif not run.busy:
        click.echo("確認する SNS アカウント（承認済み・利用中・休止中）はありません。")
    if run.busy:
        click.echo(
            f"{run.busy} 件は別の check-official-links が確認中のため、今回は確認しませんでした。"
        )
    if run.left:
        click.echo(
            f"{run.left} 件は時間の上限に達したため確認していません。次回の実行で確認します。"
        )
