"""Setting up an instance: init, migrate, create-staff, settings and the demonstration data."""

from __future__ import annotations

import json
import secrets
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorcheck.cli.common import command, database, fail
from vendorcheck.config import describe_settings
from vendorcheck.domain.clauses import ClauseError
from vendorcheck.domain.roles import ROLES
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import demo as demo_service
from vendorcheck.services import demo_scale, shipped_templates
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.services.contract_links import ContractLinkSettings
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.store.migrate import apply_migrations, migration_status


def prepare_database(echo=click.echo) -> None:
    """Apply pending migrations and, on an empty database, create the first administrator."""
    applied = apply_migrations(database())
    for name in applied:
        echo(f"マイグレーションを適用しました: {name}")
    with database().connection_context():
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


@command("init")
@click.option(
    "--copy-templates",
    "copy_to",
    default=None,
    metavar="DIR",
    help="同梱の確認書と条文を DIR/questionnaires と DIR/clauses にコピーして終了する（編集用）",
)
@with_appcontext
def init_command(copy_to: str | None) -> None:
    """データベースを作成・更新し、最初の管理者を作成します（サーバーは起動しません）。"""
    if copy_to is None:
        prepare_database()
        return
    try:
        copied = shipped_templates.copy_templates(copy_to)
    except ServiceError as exc:
        fail(exc.message)
    click.echo(f"同梱の確認書と条文 {copied.files} 件をコピーしました。")
    click.echo(
        "編集したものを使うには、インスタンスフォルダーの config.toml に次の 2 行を書きます:"
    )
    click.echo(
        f"  QUESTIONNAIRES_DIR = {json.dumps(str(copied.questionnaires), ensure_ascii=False)}"
    )
    click.echo(f"  CLAUSES_DIR = {json.dumps(str(copied.clauses), ensure_ascii=False)}")
    click.echo(
        "編集後は vendorcheck check-questionnaires と vendorcheck check-clauses で確認してください。"
    )


@command("migrate")
@click.option(
    "--status", "show_status", is_flag=True, help="適用済み・未適用の一覧を表示するだけにする"
)
@with_appcontext
def migrate_command(show_status: bool) -> None:
    """未適用のデータベースマイグレーションを適用します（--status で一覧表示）。"""
    if show_status:
        for row in migration_status(database()):
            click.echo(
                f"{'適用済み ' + row.applied_at if row.applied_at else '未適用':<28} {row.name}"
            )
        return
    applied = apply_migrations(database())
    click.echo(
        "\n".join(f"適用しました: {n}" for n in applied) or "未適用のマイグレーションはありません。"
    )


@command("create-staff")
@click.option("--login-id", required=True, help="ログイン ID")
@click.option("--name", "display_name", required=True, help="氏名")
@click.option("--role", type=click.Choice([r.id for r in ROLES]), required=True, help="役割")
@click.option("--email", default="", help="メールアドレス")
@with_appcontext
def create_staff_command(login_id: str, display_name: str, role: str, email: str) -> None:
    """職員アカウントを作成し、仮パスワードを一度だけ表示します。"""
    apply_migrations(database())
    with database().connection_context():
        try:
            staff, password = staff_service.create_staff(
                Actor.system("コマンド create-staff"),
                login_id=login_id,
                display_name=display_name,
                role=role,
                email=email,
            )
        except ServiceError as exc:
            fail(exc.message)
    click.echo(f"職員 {staff.login_id} を作成しました。仮パスワード: {password}")


@command("settings")
@with_appcontext
def settings_command() -> None:
    """実際に使われる設定の値を表示します（秘密の値は伏せます）。"""
    for env_name, value, help_text in describe_settings(
        current_app.config, current_app.instance_path
    ):
        click.echo(f"{env_name}={value}")
        click.echo(f"    # {help_text}")


@command("demo")
@click.option(
    "--scale",
    type=click.Choice(sorted(demo_scale.SCALES)),
    default=None,
    help="規模検証用の長期間のデータを読み込みます（10y: 10年分。速度の計測用）",
)
@with_appcontext
def demo_command(scale: str | None) -> None:
    """空のデータベースにデモデータを読み込み、ログイン情報と事業者用リンクを表示します。"""
    apply_migrations(database())
    config = current_app.config
    if scale is not None:
        _scale_demo(scale, config)
        return
    links = LinkSettings.from_config(config)
    catalogue = questionnaire_service.catalogue(config)
    with database().connection_context():
        try:
            result = demo_service.load_demo(
                lambda kind, respondent: next(iter(catalogue.for_kind(kind, respondent)), None),
                links,
                max_evidence_bytes=config["MAX_EVIDENCE_MB"] * 1024 * 1024,
                contracts=(
                    clause_service.clause_library(config),
                    ContractLinkSettings.from_config(config),
                ),
                positions=clause_service.clause_positions(config),
            )
        except ClauseError as exc:
            fail("条文ファイルを読み込めません: " + " ".join(exc.errors))
        except ServiceError as exc:
            fail(exc.message)
    base_url = config["BASE_URL"].rstrip("/")
    click.echo(
        f"デモデータを読み込みました（{demo_service.ORGANISATION}: 案件 {result.cases} 件、"
        f"事業者 {result.vendors} 社、回答 {result.assessments} 件、台帳 {result.register_entries} 件）。"
    )
    if result.ismap_entries:
        click.echo(
            f"デモ用の ISMAP リスト（架空のサービス {result.ismap_entries} 件）を取り込みました。"
            "クラウド案件の入札者の登録番号は、このリストと照合されます。"
        )
    click.echo(f"\nログイン画面: {base_url}/login")
    for login in result.logins:
        password = (
            login.password or "（既存のアカウントです。設定済みのパスワードを使ってください）"
        )
        click.echo(f"  ログイン ID {login.login_id:<10} 仮パスワード {password}  （{login.role}）")
    click.echo("  仮パスワードは初回ログイン時に変更が求められます。この表示は一度だけです。")
    click.echo("\n回答受付中の事業者用リンク（事業者になったつもりで回答できます）:")
    for link in result.links:
        click.echo(f"  {link.case_title} / {link.vendor_name}（{link.state}）")
        click.echo(f"    {link.url}")
    click.echo("\n契約履行中の事業者用リンク（定期報告・事故報告・返還・消去の報告ができます）:")
    for contract_link in result.contract_links:
        click.echo(f"  {contract_link.title}（{contract_link.state}）")
        click.echo(f"    {contract_link.url}")
    click.echo(
        "\n招待・提出などのメールが送信待ちに入っています。宛先は example.jp の架空のアドレスです。"
    )


def _scale_demo(scale: str, config) -> None:
    catalogue = questionnaire_service.catalogue(config)
    password = secrets.token_urlsafe(12)
    started = time.monotonic()
    with database().connection_context():
        try:
            result = demo_scale.load_scale(
                lambda kind: next(iter(catalogue.for_kind(kind)), None),
                password=password,
                scale=demo_scale.SCALES[scale],
            )
        except ServiceError as exc:
            fail(exc.message)
    counts = "、".join(
        f"{demo_scale.COUNT_LABELS.get(key, key)} {value:,} 件"
        for key, value in result.counts.items()
    )
    click.echo(
        f"規模検証用のデータ（{scale}）を {time.monotonic() - started:.0f} 秒で読み込みました: {counts}。"
    )
    click.echo(f"職員 {'、'.join(result.login_ids)} ほかのパスワード: {password}")
