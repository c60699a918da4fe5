"""The contract period: each contract's next due item, the yearly report to the CISO."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from vendorcheck.cli.common import USAGE_ERROR, command_group, database, fail, write_output
from vendorcheck.services import monitoring_board
from vendorcheck.services import monitoring_report as monitoring_report_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError


@command_group("monitoring")
def monitoring_group() -> None:
    """契約履行中の管理: 契約の一覧と次の期限、統括情報セキュリティ責任者への年度報告。"""


@monitoring_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON で出力する")
@with_appcontext
def monitoring_list_command(as_json: bool) -> None:
    """契約ごとに状態と次の期限（定期報告・是正要求・終了時の確認）を表示します。"""
    with database().connection_context():
        rows = monitoring_board.contract_rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("契約はまだありません。")
        return
    for row in rows:
        due = (
            f"{row['next_due']} {row['next_due_on']}{'（期限超過）' if row['overdue'] else ''}"
            if row["next_due_on"]
            else "次の期限なし"
        )
        click.echo(
            f"{row['number']}\t{row['status_label']}\t{row['title']}（{row['vendor']}）\t{due}"
        )


@monitoring_group.command("report")
@click.option("--fiscal-year", required=True, type=int, help="年度（西暦、例 2026 は令和8年度）")
@click.option(
    "--department", "department_id", type=int, default=None, help="部局 ID（省略時は全部局）"
)
@click.option("-o", "--output", required=True, metavar="FILE", help="書き出す Word ファイル")
@with_appcontext
def monitoring_report_command(fiscal_year: int, department_id: int | None, output: str) -> None:
    """年度・部局ごとの実施状況報告（契約、定期報告の受領と遅延、事故、検査、未完了の是正要求）を Word に書き出します。"""
    with database().connection_context():
        try:
            data, report = monitoring_report_service.yearly_report_docx(
                Actor.system("コマンド monitoring report"), fiscal_year, department_id=department_id
            )
        except ServiceError as exc:
            fail(exc.message, USAGE_ERROR)
    write_output(output, data)
    count = sum(len(part.contracts) for part in report.departments)
    click.echo(
        f"{report.fiscal_year_label}の実施状況報告（契約 {count} 件）を {output} に書き出しました。"
    )
