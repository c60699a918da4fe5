"""Serving the application with waitress."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from waitress import serve

from vendorcheck.cli.common import command
from vendorcheck.cli.setup import prepare_database


@command("serve")
@click.option("--host", default=None, help="待ち受けアドレス（既定は設定 HOST）")
@click.option("--port", default=None, type=int, help="待ち受けポート（既定は設定 PORT）")
@with_appcontext
def serve_command(host: str | None, port: int | None) -> None:
    """データベースを準備し（必要なら最初の管理者も作成）、waitress でサーバーを起動します。"""
    prepare_database()
    config = current_app.config
    host = host or config["HOST"]
    port = port or config["PORT"]
    click.echo(f"vendorcheck を http://{host}:{port}/ で起動します（終了は Ctrl+C）。")
    serve(
        current_app._get_current_object(),
        host=host,
        port=port,
        threads=config["THREADS"],
        ident="vendorcheck",
        clear_untrusted_proxy_headers=True,
    )
