"""Mail: delivering the outbox and queueing the reminders."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorcheck.cli.common import command, database, fail, parse_day
from vendorcheck.domain.jp import wareki
from vendorcheck.services import mail as mail_service
from vendorcheck.services import reminders as reminder_service
from vendorcheck.services.contract_links import ContractLinkSettings


@command("send-mail")
@click.option(
    "--status",
    "show_status",
    is_flag=True,
    help="送信せず、送信待ち・失敗の件数と失敗したメールを表示する",
)
@click.option(
    "--batch-size", default=100, type=click.IntRange(1, 1000), help="一度に取り出すメールの件数"
)
@with_appcontext
def send_mail_command(show_status: bool, batch_size: int) -> None:
    """送信待ちのメールを送ります（SMTP サーバーにまったく接続できないときだけ終了コード 1）。"""
    with database().connection_context():
        if show_status:
            _print_outbox(mail_service.outbox_status())
            return
        settings = mail_service.SmtpSettings.from_config(current_app.config)
        sent = retried = failed = 0
        error = ""
        while True:
            report = mail_service.deliver_pending(settings, batch_size=batch_size)
            sent, retried, failed = (
                sent + report.sent,
                retried + report.retried,
                failed + report.failed,
            )
            error = report.error
            if error or report.attempted < batch_size:
                break
    click.echo(f"送信 {sent} 件、再試行待ち {retried} 件、失敗 {failed} 件")
    if failed:
        click.echo(
            "送信をあきらめたメールがあります（vendorcheck send-mail --status で確認できます）。"
        )
    if error:
        fail(error)


def _print_outbox(outbox: mail_service.OutboxStatus) -> None:
    click.echo(
        f"送信待ち {outbox.due} 件、再試行待ち {outbox.waiting} 件、"
        f"送信済み {outbox.sent} 件、失敗 {outbox.failed} 件"
    )
    for row in outbox.recent_failures:
        click.echo(f"  #{row.id} {row.to_address}  {row.subject}")
        click.echo(f"      試行 {row.attempts} 回: {row.last_error}")


@command("remind")
@click.option(
    "--today", "today_text", default=None, help="この日付として実行する（YYYY-MM-DD、既定は今日）"
)
@with_appcontext
def remind_command(today_text: str | None) -> None:
    """回答期限のリマインダー（7・3・1日前）、期限超過・是正措置・認証期限のお知らせを送信待ちに入れます。"""
    today = parse_day(today_text)
    with database().connection_context():
        report = reminder_service.queue_reminders(
            today, ContractLinkSettings.from_config(current_app.config)
        )
    click.echo(
        f"{wareki(report.today)}: 事業者へのリマインダー {report.vendor} 件、"
        f"期限超過の職員への通知 {report.overdue} 件を送信待ちに追加しました。"
    )
    click.echo(
        f"期限を過ぎた是正措置の通知 {report.remediation} 件、"
        f"90日以内に有効期限を迎える認証のお知らせ {report.expiry} 件を送信待ちに追加しました。"
    )
    click.echo(f"有効期限が近い ISMAP 登録のお知らせ {report.ismap} 件を送信待ちに追加しました。")
    click.echo(
        f"定期点検の期限を過ぎた台帳の項目について、責任者への通知 {report.register_reviews} 件を"
        "送信待ちに追加しました。"
    )
    click.echo(
        f"契約履行中（定期報告・是正要求）のリマインダー {report.monitoring} 件を送信待ちに追加しました。"
    )
    if report.no_address:
        click.echo(
            f"宛先（メールアドレス）がないため送れないものが {report.no_address} 件あります。"
        )
    if report.queued:
        click.echo("メールは vendorcheck send-mail で送信されます。")
