"""Serving the application with waitress, one access log line per request on stdout."""

from __future__ import annotations

import errno
import socket

import click
from flask import current_app
from flask.cli import with_appcontext
from waitress import create_server

from vendorcheck.cli.common import USAGE_ERROR, command, fail
from vendorcheck.cli.setup import prepare_database
from vendorcheck.web.access_log import log_to_stdout

ADDRESS_IN_USE = {errno.EADDRINUSE, 10048}  # 10048: WSAEADDRINUSE on Windows
PERMISSION_DENIED = {errno.EACCES, 10013}  # 10013: WSAEACCES on Windows


def production_problems(config) -> list[str]:
    """What --production refuses to start without."""
    missing = sorted(config.get("DEFAULTED_SETTINGS", ()))
    return [f"VENDORCHECK_{name}" for name in missing]


def _listen(app, host: str, port: int, config):
    try:
        return create_server(
            app,
            host=host,
            port=port,
            threads=config["THREADS"],
            connection_limit=config["CONNECTION_LIMIT"],
            channel_timeout=config["CHANNEL_TIMEOUT_SECONDS"],
            ident="vendorcheck",
            clear_untrusted_proxy_headers=True,
        )
    except socket.gaierror:
        fail(
            f"待ち受けアドレス「{host}」が見つかりません。--host か設定 VENDORCHECK_HOST を確認してください。"
        )
    except OSError as error:
        if error.errno in ADDRESS_IN_USE:
            fail(
                f"ポート {port} は既に使われています。--port で別のポートを指定するか、"
                "設定 VENDORCHECK_PORT を変えてください。"
            )
        if error.errno in PERMISSION_DENIED:
            fail(
                f"ポート {port} を開く権限がありません。1024 以上のポートを --port か設定 VENDORCHECK_PORT で指定してください。"
            )
        fail(
            f"{host}:{port} で待ち受けできません（{error.strerror or error}）。設定 VENDORCHECK_HOST と VENDORCHECK_PORT を確認してください。"
        )


@command("serve")
@click.option("--host", default=None, help="待ち受けアドレス（既定は設定 HOST）")
@click.option(
    "--port", default=None, type=click.IntRange(1, 65535), help="待ち受けポート（既定は設定 PORT）"
)
@click.option(
    "--production",
    is_flag=True,
    help="本番用: 設定 VENDORCHECK_SECRET_KEY と VENDORCHECK_BASE_URL がなければ起動しない",
)
@with_appcontext
def serve_command(host: str | None, port: int | None, production: bool) -> None:
    """データベースを準備し（必要なら最初の管理者も作成）、waitress でサーバーを起動します。"""
    config = current_app.config
    if production and (missing := production_problems(config)):
        fail(
            f"本番用（--production）には設定 {'、'.join(missing)} が必要です。"
            "環境変数か config.toml に設定してから起動してください。",
            USAGE_ERROR,
        )
    host = host or config["HOST"]
    port = port or config["PORT"]
    if "BASE_URL" in config.get("DEFAULTED_SETTINGS", ()):
        config["BASE_URL"] = f"http://{host}:{port}"  # the links follow --host / --port
    server = _listen(current_app._get_current_object(), host, port, config)  # port first
    try:
        prepare_database()
        log_to_stdout()
        click.echo(
            f"vendorcheck を http://{host}:{port}/ で起動しました（スレッド {config['THREADS']}、"
            f"同時接続 {config['CONNECTION_LIMIT']}。終了は Ctrl+C）。"
        )
        server.run()
    except KeyboardInterrupt:
        click.echo("停止しました。")
    finally:
        server.close()
