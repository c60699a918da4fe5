"""Cases: listing the cases and their assessments."""

from __future__ import annotations

import datetime as dt
import json

import click
from flask.cli import with_appcontext

from vendorcheck.cli.common import command, database, iso
from vendorcheck.domain import assessment_status
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import cases as case_service


def _assessment_row(assessment, today: dt.date) -> dict:
    effective = case_service.effective(assessment, today)
    return {
        "id": assessment.id,
        "vendor": assessment.vendor.name,
        "status": effective,
        "status_label": assessment_status.LABELS[effective],
        "deadline": iso(assessment.deadline),
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
                "answer_deadline": iso(case.answer_deadline),
                "closed": case.closed,
                "assessments": [
                    _assessment_row(assessment, today)
                    for assessment in case_service.assessments_of(case)
                ],
            }
        )
    return rows


@command("cases")
@click.option("--json", "as_json", is_flag=True, help="JSON で出力する")
@with_appcontext
def cases_command(as_json: bool) -> None:
    """案件と回答の一覧（実際の状態、期限、提出版）を表示します。"""
    with database().connection_context():
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
