"""Documents: the contract annex, the bid comparison and the assessment report."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorcheck.cli.common import (
    USAGE_ERROR,
    command,
    database,
    fail,
    numeric_id,
    os_reason,
    require_output,
    write_output,
)
from vendorcheck.domain.clauses import ClauseError
from vendorcheck.services import annexes as annex_service
from vendorcheck.services import cases as case_service
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import comparison as comparison_service
from vendorcheck.services.assessments import get_assessment
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError


@command("annex")
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
    """回答から情報セキュリティに関する特記事項（Word）の新しい版を作成して書き出します。"""
    number = numeric_id(assessment_id, "回答ID", "vendorcheck annex 12 -o 特記事項.docx")
    if check:
        _annex_check(number)
        return
    output = require_output(output, "特記事項.docx")
    with database().connection_context():
        try:
            assessment = get_assessment(number)
            clauses = clause_service.clause_library(current_app.config)
            positions = clause_service.clause_positions(current_app.config)
            inputs = annex_service.gather(assessment, clauses=clauses, positions=positions)
            annex_service.refuse_final(assessment, inputs)  # refuses before writing
            annex_service.preview(assessment, optional, clauses=clauses, positions=positions)
        except ClauseError as exc:
            fail(
                "\n".join(
                    [
                        *exc.errors,
                        "条文ファイルに誤りがあります。vendorcheck check-clauses で確認してください。",
                    ]
                )
            )
        except ServiceError as exc:
            fail(exc.message)
        try:
            target = open(output, "wb")  # noqa: SIM115 - opened before storing, closed below
        except OSError as exc:
            fail(f"ファイル「{output}」に書き込めません（{os_reason(exc)}）。")
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
                fail(exc.message)
            target.write(annex_service.docx_bytes(row))
    articles = len(annex_service.clause_ids_of(row))
    click.echo(
        f"特記事項の第{row.version}版（{articles} 条、SHA-256 {row.content_hash}）を {output} に書き出しました。"
    )


def _annex_check(assessment_id: int) -> None:
    """List the contract conflicts of an assessment's annex; exit 1 while one is unresolved."""
    with database().connection_context():
        try:
            assessment = get_assessment(assessment_id)
            clauses = clause_service.clause_library(current_app.config)
            positions = clause_service.clause_positions(current_app.config)
            inputs = annex_service.gather(assessment, clauses=clauses, positions=positions)
        except ClauseError as exc:
            fail("\n".join(exc.errors))
        except ServiceError as exc:
            fail(exc.message)
    for line in annex_service.check_lines(inputs):
        click.echo(line)
    if inputs.unresolved:
        fail(f"未解決の契約上の相違が {len(inputs.unresolved)} 件あります。")
    click.echo(f"契約上の相違 {len(inputs.conflicts)} 件はすべて解決済みです。")


@command("compare")
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
    """案件の事業者比較を Word の報告書か Excel 用の CSV で書き出します。"""
    number = numeric_id(case_id, "案件ID", "vendorcheck compare 3 --format docx -o 比較.docx")
    output = require_output(output, "比較.docx")
    file_format = (file_format or Path(output).suffix.removeprefix(".")).lower()
    if file_format not in {"docx", "csv"}:
        fail(
            f"形式「{file_format}」は使えません。--format に docx か csv を指定してください。",
            USAGE_ERROR,
        )
    with database().connection_context():
        try:
            case = case_service.get_case(number)
            build = (
                comparison_service.comparison_docx
                if file_format == "docx"
                else comparison_service.comparison_csv_bytes
            )
            comparison = comparison_service.compare_case(case)
            data = build(case, comparison)
        except ServiceError as exc:
            fail(exc.message)
    write_output(output, data)
    click.echo(
        f"案件「{case.title}」の比較（事業者 {len(comparison.bidders)} 社、"
        f"提出済み {len(comparison.submitted)} 社）を {output} に書き出しました。"
    )


@command("report")
@click.argument("assessment_id", metavar="ASSESSMENT_ID")
@click.option(
    "-o", "--output", default=None, metavar="FILE", help="書き出す Word ファイル（.docx）"
)
@with_appcontext
def report_command(assessment_id: str, output: str | None) -> None:
    """1 件の回答と評価結果を決裁用の Word 報告書として書き出します。"""
    number = numeric_id(assessment_id, "回答ID", "vendorcheck report 12 -o 報告書.docx")
    output = require_output(output, "報告書.docx")
    with database().connection_context():
        try:
            assessment = get_assessment(number)
            data = comparison_service.assessment_report_docx(assessment)
        except ServiceError as exc:
            fail(exc.message)
    write_output(output, data)
    click.echo(f"{assessment.vendor.name} の確認結果報告書を {output} に書き出しました。")
