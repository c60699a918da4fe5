"""The Excel チェックシート round trip for staff: write an assessment's workbook, and read one
received by mail back in on the vendor's behalf (or only preview it with --dry-run)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorcheck.cli.common import (
    command_group,
    database,
    fail,
    numeric_id,
    os_reason,
    write_output,
)
from vendorcheck.documents.checksheet_reader import MAX_WORKBOOK_BYTES
from vendorcheck.services import checksheet_import
from vendorcheck.services.assessments import get_assessment
from vendorcheck.services.checksheet_download import build_checksheet
from vendorcheck.services.checksheets import ChecksheetPreview, RowNote
from vendorcheck.services.errors import Forbidden, ServiceError

SHOWN_ROWS = 200  # rows of each part of the preview printed; the counts are always complete


@command_group("checksheet")
def checksheet_group() -> None:
    """Excel チェックシートの書き出しと、郵送・メールで受け取ったチェックシートの読み込み（事業者に代わって入力）。"""


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


@checksheet_group.command("export")
@click.argument("assessment_id", metavar="ASSESSMENT_ID")
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="書き出す Excel ファイル（.xlsx）"
)
@with_appcontext
def export_command(assessment_id: str, output: str) -> None:
    """回答（ASSESSMENT_ID）のチェックシートを、いまの下書きを記入した状態で書き出します。"""
    number = numeric_id(assessment_id, "回答ID", "vendorcheck checksheet export 12 -o シート.xlsx")
    with database().connection_context():
        try:
            data, _name = build_checksheet(get_assessment(number), _secret())
        except ServiceError as exc:
            fail(exc.message)
    write_output(output, data)
    click.echo(f"回答 {number} のチェックシートを {output} に書き出しました。")


def _read_file(file: str) -> bytes:
    path = Path(file)
    try:
        size = path.stat().st_size
        if path.is_dir():
            fail(
                f"「{file}」はフォルダーです。チェックシートのファイル（.xlsx）を指定してください。"
            )
        if size > MAX_WORKBOOK_BYTES:
            fail(
                f"ファイル「{file}」が大きすぎます（{size // 1024} KB、上限 "
                f"{MAX_WORKBOOK_BYTES // (1024 * 1024)} MB）。ダウンロードしたチェックシートに記入したものを指定してください。"
            )
        with path.open("rb") as handle:
            return handle.read(MAX_WORKBOOK_BYTES + 1)
    except OSError as exc:
        fail(f"ファイル「{file}」を読めません（{os_reason(exc)}）。")


def _place(row: RowNote) -> str:
    return f"シート「{row.sheet}」{row.row}行目（{row.number}）{row.question}"


def _part(title: str, rows: tuple[RowNote, ...], line) -> None:
    click.echo(f"{title}: {len(rows)} 件")
    for row in rows[:SHOWN_ROWS]:
        click.echo(f"  {line(row)}")
    if len(rows) > SHOWN_ROWS:
        click.echo(f"  ……ほか {len(rows) - SHOWN_ROWS} 件")


def _print_preview(preview: ChecksheetPreview) -> None:
    _part("変更される回答", preview.changes, lambda r: f"{_place(r)}: {r.old} → {r.new}")
    _part("変更されるコメント", preview.comments, lambda r: f"{_place(r)}: {r.old} → {r.new}")
    _part("受け付けられない行", preview.rejected, lambda r: f"{_place(r)}: ✗ {r.reason}")
    _part("未回答の質問", preview.empty, _place)


@checksheet_group.command("import")
@click.argument("assessment_id", metavar="ASSESSMENT_ID")
@click.argument("file", metavar="FILE")
@click.option(
    "--staff",
    "login_id",
    required=True,
    metavar="LOGIN_ID",
    help="事業者に代わって入力する職員のログイン ID（監査記録に残ります）",
)
@click.option("--dry-run", is_flag=True, help="読み込んだ結果を表示するだけで、何も保存しない")
@with_appcontext
def import_command(assessment_id: str, file: str, login_id: str, dry_run: bool) -> None:
    """受け取ったチェックシート（FILE）を回答（ASSESSMENT_ID）の下書きに、事業者に代わって読み込みます。画面と同じ検証を行い、職員・ファイル名・SHA-256 を監査記録に残し、事業者にメールで知らせます。"""
    example = "vendorcheck checksheet import 12 回答.xlsx --staff sato --dry-run"
    number = numeric_id(assessment_id, "回答ID", example)
    data = _read_file(file)
    with database().connection_context():
        try:
            assessment = get_assessment(number)
            staff = checksheet_import.staff_for_import(login_id, assessment)
            result = checksheet_import.import_for_vendor(
                assessment, Path(file).name, data, _secret(), staff, dry_run=dry_run
            )
        except Forbidden as exc:
            fail(exc.message)
        except ServiceError as exc:
            fail(f"チェックシート「{file}」を読み込めません: {exc.message}")
    preview = result.preview
    state = (
        "保存しました"
        if result.saved
        else "確認だけを行いました（--dry-run）。何も保存していません"
    )
    click.echo(f"チェックシート「{file}」（SHA-256 {result.sha256}）: {state}。")
    _print_preview(preview)
    if result.saved:
        click.echo(
            f"{staff.display_name} が事業者に代わって入力した記録を残しました。"
            "事業者への通知メールは vendorcheck send-mail で送られます。"
        )
    elif preview.has_changes:
        click.echo("この内容で保存するには、--dry-run を付けずにもう一度実行してください。")
