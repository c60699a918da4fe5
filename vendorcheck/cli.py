"""The vendorcheck command: serve, migrate, create-staff, settings and the checks."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from vendorcheck.config import describe_settings
from vendorcheck.domain import assessment_status
from vendorcheck.domain import ismap as ismap_lists
from vendorcheck.domain.clauses import ClauseError
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.roles import ROLES
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import cases as case_service
from vendorcheck.services import comparison as comparison_service
from vendorcheck.services import demo as demo_service
from vendorcheck.services import ismap as ismap_service
from vendorcheck.services import ismap_import, ismap_sync
from vendorcheck.services import mail as mail_service
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services import reminders as reminder_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services.assessments import get_assessment
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.invitations import LinkSettings
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


@click.command("send-mail")
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
    """Deliver the outbox; exit 1 only when the SMTP server cannot be reached at all."""
    with _db().connection_context():
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
        click.echo(error, err=True)
        sys.exit(1)


def _print_outbox(outbox: mail_service.OutboxStatus) -> None:
    click.echo(
        f"送信待ち {outbox.due} 件、再試行待ち {outbox.waiting} 件、"
        f"送信済み {outbox.sent} 件、失敗 {outbox.failed} 件"
    )
    for row in outbox.recent_failures:
        click.echo(f"  #{row.id} {row.to_address}  {row.subject}")
        click.echo(f"      試行 {row.attempts} 回: {row.last_error}")


def _parse_day(value: str | None, option: str = "--today") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        click.echo(
            f"{option} の値「{value}」は日付として読めません。YYYY-MM-DD の形で指定してください（例: 2025-04-01）。",
            err=True,
        )
        sys.exit(2)


@click.command("remind")
@click.option(
    "--today", "today_text", default=None, help="この日付として実行する（YYYY-MM-DD、既定は今日）"
)
@with_appcontext
def remind_command(today_text: str | None) -> None:
    """Queue deadline reminders to vendors (7, 3, 1 days before), overdue notices to staff,
    overdue remediation notices and expiring certificate reminders."""
    today = _parse_day(today_text)
    with _db().connection_context():
        report = reminder_service.queue_reminders(today)
    click.echo(
        f"{report.today.isoformat()}: 事業者へのリマインダー {report.vendor} 件、"
        f"期限超過の職員への通知 {report.overdue} 件を送信待ちに追加しました。"
    )
    click.echo(
        f"期限を過ぎた是正措置の通知 {report.remediation} 件、"
        f"90日以内に有効期限を迎える認証のお知らせ {report.expiry} 件を送信待ちに追加しました。"
    )
    click.echo(f"有効期限が近い ISMAP 登録のお知らせ {report.ismap} 件を送信待ちに追加しました。")
    if report.no_address:
        click.echo(
            f"宛先（メールアドレス）がないため送れないものが {report.no_address} 件あります。"
        )
    if report.queued:
        click.echo("メールは vendorcheck send-mail で送信されます。")


def _assessment_row(assessment, today: dt.date) -> dict:
    effective = case_service.effective(assessment, today)
    return {
        "id": assessment.id,
        "vendor": assessment.vendor.name,
        "status": effective,
        "status_label": assessment_status.LABELS[effective],
        "deadline": _iso(assessment.deadline),
        "submitted_version": assessment.submitted_version,
    }


def _case_rows(today: dt.date) -> list[dict]:
    rows = []
    for row in reversed(case_service.list_cases(case_service.CaseFilter(), today=today)):
        case = row.case
        rows.append(
            {
                "id": case.id,
                "title": case.title,
                "kind": case.kind,
                "kind_label": case_service.KIND_LABELS.get(case.kind, case.kind),
                "department": case.department.name if case.department_id else None,
                "classification_level": case.classification_level,
                "tier": case.tier,
                "answer_deadline": _iso(case.answer_deadline),
                "closed": case.closed,
                "assessments": [
                    _assessment_row(assessment, today)
                    for assessment in case_service.assessments_of(case)
                ],
            }
        )
    return rows


@click.command("cases")
@click.option("--json", "as_json", is_flag=True, help="JSON で出力する")
@with_appcontext
def cases_command(as_json: bool) -> None:
    """List the cases and their assessments (effective status, deadline, submitted version)."""
    with _db().connection_context():
        rows = _case_rows(today_jst())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("案件はありません。")
    for case in rows:
        click.echo(f"案件 {case['id']}  {case['title']}{'（終了）' if case['closed'] else ''}")
        click.echo(
            f"    種類 {case['kind_label']}  部局 {case['department'] or '－'}  "
            f"区分 {case['classification_level']}（段階{case['tier']}）"
        )
        for item in case["assessments"]:
            version = f"第{item['submitted_version']}版" if item["submitted_version"] else "未提出"
            click.echo(
                f"    - 回答 {item['id']}  {item['vendor']}  {item['status_label']}  "
                f"期限 {item['deadline'] or 'なし'}  {version}"
            )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demonstration data into an empty database and print the logins and vendor links."""
    apply_migrations(_db())
    config = current_app.config
    links = LinkSettings.from_config(config)
    catalogue = questionnaire_service.catalogue(config)
    with _db().connection_context():
        try:
            result = demo_service.load_demo(
                lambda kind: next(iter(catalogue.for_kind(kind)), None),
                links,
                max_evidence_bytes=config["MAX_EVIDENCE_MB"] * 1024 * 1024,
                clauses=annex_service.clause_library(config),
                positions=annex_service.clause_positions(config),
            )
        except ServiceError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
    base_url = config["BASE_URL"].rstrip("/")
    click.echo(
        f"デモデータを読み込みました（{demo_service.ORGANISATION}: 案件 {result.cases} 件、"
        f"事業者 {result.vendors} 社、回答 {result.assessments} 件）。"
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
    click.echo(
        "\n招待・提出などのメールが送信待ちに入っています。宛先は example.jp の架空のアドレスです。"
    )


@click.command("check-clauses")
@with_appcontext
def check_clauses_command() -> None:
    """Check the clause files (format, questions, numbering, coverage); exit 1 on any problem."""
    directory = current_app.config["CLAUSES_DIR"]
    problems, count = annex_service.check_library(current_app.config)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"条文に {len(problems)} 件の問題があります（{directory}）。", err=True)
        sys.exit(1)
    click.echo(f"条文 {count} 件を確認しました。問題はありません。")


@click.command("annex")
@click.argument("assessment_id", metavar="ASSESSMENT_ID")
@click.option(
    "-o", "--output", default=None, metavar="FILE", help="書き出す Word ファイル（.docx）"
)
@click.option(
    "--optional", "optional", multiple=True, metavar="ID", help="含める任意の条文の条項ID（複数可）"
)
@click.option(
    "--check",
    "check",
    is_flag=True,
    help="作成せずに契約上の相違を一覧し、未解決があれば終了コード1",
)
@with_appcontext
def annex_command(
    assessment_id: str, output: str | None, optional: tuple[str, ...], check: bool
) -> None:
    """Generate the contract annex of an assessment as a new stored version and write the .docx."""
    if not assessment_id.isdigit():
        click.echo(
            f"回答ID「{assessment_id}」は数字で指定してください（例: vendorcheck annex 12 -o 特記事項.docx）。",
            err=True,
        )
        sys.exit(2)
    if check:
        _annex_check(int(assessment_id))
        return
    if not output:
        click.echo("書き出すファイルを -o で指定してください（例: -o 特記事項.docx）。", err=True)
        sys.exit(2)
    with _db().connection_context():
        try:
            assessment = get_assessment(int(assessment_id))
            clauses = annex_service.clause_library(current_app.config)
            positions = annex_service.clause_positions(current_app.config)
            inputs = annex_service.gather(assessment, clauses=clauses, positions=positions)
            annex_service.refuse_final(assessment, inputs)  # refuses before writing
            annex_service.preview(assessment, optional, clauses=clauses, positions=positions)
        except ClauseError as exc:
            click.echo("\n".join(exc.errors), err=True)
            click.echo(
                "条文ファイルに誤りがあります。vendorcheck check-clauses で確認してください。",
                err=True,
            )
            sys.exit(1)
        except ServiceError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
        try:
            target = open(output, "wb")  # noqa: SIM115 - opened before storing, closed below
        except OSError as exc:
            click.echo(f"ファイル「{output}」に書き込めません（{_os_reason(exc)}）。", err=True)
            sys.exit(1)
        with target:
            try:
                row = annex_service.generate(
                    Actor.system("コマンド annex"),
                    assessment,
                    optional,
                    clauses=clauses,
                    positions=positions,
                )
            except ServiceError as exc:
                target.close()
                Path(output).unlink(missing_ok=True)
                click.echo(exc.message, err=True)
                sys.exit(1)
            target.write(annex_service.docx_bytes(row))
    articles = len(annex_service.clause_ids_of(row))
    click.echo(
        f"特記事項の第{row.version}版（{articles} 条、SHA-256 {row.content_hash}）を {output} に書き出しました。"
    )


def _annex_check(assessment_id: int) -> None:
    """List the contract conflicts of an assessment's annex; exit 1 while one is unresolved."""
    with _db().connection_context():
        try:
            assessment = get_assessment(assessment_id)
            clauses = annex_service.clause_library(current_app.config)
            positions = annex_service.clause_positions(current_app.config)
            inputs = annex_service.gather(assessment, clauses=clauses, positions=positions)
        except ClauseError as exc:
            click.echo("\n".join(exc.errors), err=True)
            sys.exit(1)
        except ServiceError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
    for line in annex_service.check_lines(inputs):
        click.echo(line)
    if inputs.unresolved:
        click.echo(f"未解決の契約上の相違が {len(inputs.unresolved)} 件あります。", err=True)
        sys.exit(1)
    click.echo(f"契約上の相違 {len(inputs.conflicts)} 件はすべて解決済みです。")


def _os_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "フォルダーがありません"
    if isinstance(error, IsADirectoryError):
        return "同じ名前のフォルダーがあります"
    if isinstance(error, PermissionError):
        return "書き込む権限がありません"
    return error.strerror or str(error)


def _write_output(output: str, data: bytes) -> None:
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        click.echo(f"ファイル「{output}」に書き込めません（{exc.strerror or exc}）。", err=True)
        sys.exit(1)


def _numeric_id(value: str, label: str, example: str) -> int:
    if not value.isdigit():
        click.echo(f"{label}「{value}」は数字で指定してください（例: {example}）。", err=True)
        sys.exit(2)
    return int(value)


@click.command("compare")
@click.argument("case_id", metavar="CASE_ID")
@click.option(
    "--format",
    "file_format",
    default=None,
    metavar="docx|csv",
    help="docx（選定委員会用の報告書）か csv（比較表）。省略時は -o の拡張子から決めます",
)
@click.option("-o", "--output", default=None, metavar="FILE", help="書き出すファイル")
@with_appcontext
def compare_command(case_id: str, file_format: str | None, output: str | None) -> None:
    """Write the bid comparison of a case as a Word report or as CSV for Excel."""
    number = _numeric_id(case_id, "案件ID", "vendorcheck compare 3 --format docx -o 比較.docx")
    if not output:
        click.echo("書き出すファイルを -o で指定してください（例: -o 比較.docx）。", err=True)
        sys.exit(2)
    file_format = (file_format or Path(output).suffix.removeprefix(".")).lower()
    if file_format not in {"docx", "csv"}:
        click.echo(
            f"形式「{file_format}」は使えません。--format に docx か csv を指定してください。",
            err=True,
        )
        sys.exit(2)
    with _db().connection_context():
        try:
            case = comparison_service.get_case(number)
            build = (
                comparison_service.comparison_docx
                if file_format == "docx"
                else comparison_service.comparison_csv_bytes
            )
            comparison = comparison_service.compare_case(case)
            data = build(case, comparison)
        except ServiceError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
    _write_output(output, data)
    click.echo(
        f"案件「{case.title}」の比較（事業者 {len(comparison.bidders)} 社、"
        f"提出済み {len(comparison.submitted)} 社）を {output} に書き出しました。"
    )


@click.command("report")
@click.argument("assessment_id", metavar="ASSESSMENT_ID")
@click.option(
    "-o", "--output", default=None, metavar="FILE", help="書き出す Word ファイル（.docx）"
)
@with_appcontext
def report_command(assessment_id: str, output: str | None) -> None:
    """Write one assessment's answers and scorecard as a Word report for the approval file."""
    number = _numeric_id(assessment_id, "回答ID", "vendorcheck report 12 -o 報告書.docx")
    if not output:
        click.echo("書き出すファイルを -o で指定してください（例: -o 報告書.docx）。", err=True)
        sys.exit(2)
    with _db().connection_context():
        try:
            assessment = get_assessment(number)
            data = comparison_service.assessment_report_docx(assessment)
        except ServiceError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
    _write_output(output, data)
    click.echo(f"{assessment.vendor.name} の確認結果報告書を {output} に書き出しました。")


@click.group("ismap")
def ismap_group() -> None:
    """ISMAP・ISMAP-LIU クラウドサービスリストの取り込み・同期・照合。"""


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
    """リストのファイル（CSV・XLSX・保存した HTML）を取り込む（問題があれば何も変えない）。"""
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        click.echo(f"ファイル「{file}」を読めません（{_os_reason(exc)}）。", err=True)
        sys.exit(1)
    settings = ismap_import.ListSettings.from_config(current_app.config)
    try:
        with _db().connection_context():
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
        click.echo(exc.message, err=True)
        sys.exit(1)
    for line in report.lines():
        click.echo(line)


@ismap_group.command("sync")
@with_appcontext
def ismap_sync_command() -> None:
    """設定した URL からリストを取得して取り込む（変わっていなければ何もしない。cron 向け）。"""
    settings = ismap_sync.SyncSettings.from_config(current_app.config)
    if not settings.urls:
        click.echo(
            "同期する URL が設定されていません（設定 ISMAP_SYNC_URL / ISMAP_LIU_SYNC_URL）。",
            err=True,
        )
        sys.exit(2)
    list_settings = ismap_import.ListSettings.from_config(current_app.config)
    with _db().connection_context():
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
    """登録番号をリストと照合して結果を表示する（問題があれば終了コード 1）。"""
    until = _parse_day(until_text, "--until")
    with _db().connection_context():
        check = ismap_service.check_claim(number, provider=provider, service=service, until=until)
    for line in ismap_service.check_lines(check):
        click.echo(line)
    if check.findings:
        sys.exit(1)


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
    ismap_group,
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
