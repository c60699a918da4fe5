"""Checking and listing the files staff edit: questionnaires and clauses."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from vendorcheck.cli.common import command, fail
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import questionnaires as questionnaire_service


@command("check-questionnaires")
@with_appcontext
def check_questionnaires_command() -> None:
    """確認書ファイルをすべて検査し、問題を表示します（問題があれば終了コード 1）。"""
    catalogue = questionnaire_service.QuestionnaireCatalogue(
        current_app.config["QUESTIONNAIRES_DIR"]
    )
    errors = catalogue.errors
    for error in errors:
        click.echo(error)
    if errors:
        fail(f"確認書に {len(errors)} 件の問題があります（{catalogue.directory}）。")
    loaded = catalogue.all()
    questions = sum(len(questionnaire.questions) for questionnaire in loaded)
    click.echo(
        f"確認書 {len(loaded)} 件（質問 計 {questions} 問）を確認しました。問題はありません。"
    )


@command("questionnaires")
@with_appcontext
def questionnaires_command() -> None:
    """確認書の一覧（ID、版、種別、質問数）を表示します。"""
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


@command("check-clauses")
@with_appcontext
def check_clauses_command() -> None:
    """特記事項の条文ファイル（形式、質問との対応、番号、網羅）を検査します（問題があれば終了コード 1）。"""
    directory = current_app.config["CLAUSES_DIR"]
    problems, count = clause_service.check_library(current_app.config)
    for problem in problems:
        click.echo(problem)
    if problems:
        fail(f"条文に {len(problems)} 件の問題があります（{directory}）。")
    click.echo(f"条文 {count} 件を確認しました。問題はありません。")
