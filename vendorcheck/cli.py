"""The vendorcheck command: serve, migrate, create-staff, settings and the checks."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from vendorcheck.config import describe_settings
from vendorcheck.domain.roles import ROLES
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.migrate import apply_migrations, migration_status


def _db():
    return current_app.extensions["vendorcheck_db"]


def prepare_database(echo=click.echo) -> None:
    """Apply pending migrations and, on an empty database, create the first administrator."""
    applied = apply_migrations(_db())
    for name in applied:
        echo(f"マイグレーションを適用しました: {name}")
    with _db().connection_context():
        created = staff_service.bootstrap_admin()
    base_url = current_app.config["BASE_URL"].rstrip("/")
    if created:
        staff, password = created
        echo("")
        echo("=" * 64)
        echo("最初の管理者アカウントを作成しました。")
        echo(f"  ログイン画面: {base_url}/login")
        echo(f"  ログイン ID : {staff.login_id}")
        echo(f"  仮パスワード: {password}")
        echo("  初回ログイン時にパスワードの変更が求められます。この表示は一度だけです。")
        echo("=" * 64)
        echo("")
    else:
        echo(f"ログイン画面: {base_url}/login")


@click.command("serve")
@click.option("--host", default=None, help="待ち受けアドレス（既定は設定 HOST）")
@click.option("--port", default=None, type=int, help="待ち受けポート（既定は設定 PORT）")
@with_appcontext
def serve_command(host: str | None, port: int | None) -> None:
    """Migrate, create the first administrator if needed, and serve with waitress."""
    from waitress import serve

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


@click.command("migrate")
@click.option(
    "--status", "show_status", is_flag=True, help="適用済み・未適用の一覧を表示するだけにする"
)
@with_appcontext
def migrate_command(show_status: bool) -> None:
    """Apply pending database migrations (or list them with --status)."""
    if show_status:
        for row in migration_status(_db()):
            click.echo(
                f"{'適用済み ' + row.applied_at if row.applied_at else '未適用':<28} {row.name}"
            )
        return
    applied = apply_migrations(_db())
    click.echo(
        "\n".join(f"適用しました: {n}" for n in applied) or "未適用のマイグレーションはありません。"
    )


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and the first administrator, without serving."""
    prepare_database()


@click.command("create-staff")
@click.option("--login-id", required=True, help="ログイン ID")
@click.option("--name", "display_name", required=True, help="氏名")
@click.option("--role", type=click.Choice([r.id for r in ROLES]), required=True, help="役割")
@click.option("--email", default="", help="メールアドレス")
@with_appcontext
def create_staff_command(login_id: str, display_name: str, role: str, email: str) -> None:
    """Create a staff account and print its one-time password."""
    apply_migrations(_db())
    with _db().connection_context():
        try:
            staff, password = staff_service.create_staff(
                Actor.system("コマンド create-staff"),
                login_id=login_id,
                display_name=display_name,
                role=role,
                email=email,
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
    click.echo(f"職員 {staff.login_id} を作成しました。仮パスワード: {password}")


@click.command("settings")
@with_appcontext
def settings_command() -> None:
    """Print the effective settings (secrets masked)."""
    for env_name, value, help_text in describe_settings(current_app.config):
        click.echo(f"{env_name}={value}")
        click.echo(f"    # {help_text}")


@click.command("check-questionnaires")
@with_appcontext
def check_questionnaires_command() -> None:
    """Check every questionnaire file; print each problem and exit 1 when there is any."""
    catalogue = questionnaire_service.QuestionnaireCatalogue(
        current_app.config["QUESTIONNAIRES_DIR"]
    )
    errors = catalogue.errors
    for error in errors:
        click.echo(error)
    if errors:
        click.echo(
            f"確認書に {len(errors)} 件の問題があります（{catalogue.directory}）。", err=True
        )
        sys.exit(1)
    loaded = catalogue.all()
    questions = sum(len(questionnaire.questions) for questionnaire in loaded)
    click.echo(
        f"確認書 {len(loaded)} 件（質問 計 {questions} 問）を確認しました。問題はありません。"
    )


@click.command("questionnaires")
@with_appcontext
def questionnaires_command() -> None:
    """List the questionnaires: id, version, kinds and number of questions."""
    catalogue = questionnaire_service.catalogue(current_app.config)
    for questionnaire in catalogue.all():
        click.echo(
            f"{questionnaire.id:<16} 第{questionnaire.version}版  "
            f"種別 {', '.join(questionnaire.kinds):<24} 質問 {len(questionnaire.questions)} 問  "
            f"{questionnaire.title.ja}"
        )
    for broken in catalogue.broken:
        click.echo(f"{broken.name}: 読み込めません（問題 {len(broken.errors)} 件）", err=True)
    if catalogue.errors:
        click.echo("問題の内容は vendorcheck check-questionnaires で確認できます。", err=True)


COMMANDS = (
    serve_command,
    migrate_command,
    init_command,
    create_staff_command,
    settings_command,
    check_questionnaires_command,
    questionnaires_command,
)


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
