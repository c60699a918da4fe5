"""vendorcheck cases: every case with its assessments, as text or JSON."""

from __future__ import annotations

import datetime as dt
import json

from vendorcheck.domain.jp import today_jst
from vendorcheck.services import cases as case_service
from vendorcheck.services import invitations
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services import vendors as vendor_service
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import Assessment, Department


def _setup(app, make_staff):
    officer = make_staff("officer")
    actor = Actor("staff", officer.id, officer.display_name)
    department = Department.get(Department.name == "消防部局").id
    case = case_service.create_case(
        actor,
        case_service.CaseInput("消防指令システムの保守業務", "system", department, "3"),
    )
    empty = case_service.create_case(
        actor, case_service.CaseInput("公式 X アカウントの運用", "sns", department, "1")
    )
    vendors = [
        vendor_service.create_vendor(actor, name=name)
        for name in ("株式会社あおば通信", "株式会社こだま電子")
    ]
    links = invitations.invite(
        actor,
        case,
        [vendor.id for vendor in vendors],
        questionnaire_service.catalogue(app.config).for_kind("system")[0],
        deadline=today_jst() + dt.timedelta(days=5),
        language="ja",
        settings=invitations.LinkSettings("http://vendorcheck.test"),
    )
    overdue = links[1].assessment
    Assessment.update(deadline=today_jst() - dt.timedelta(days=3), status="in_progress").where(
        Assessment.id == overdue.id
    ).execute()
    submitted = links[0].assessment
    Assessment.update(status="submitted", submitted_version=2).where(
        Assessment.id == submitted.id
    ).execute()
    return case, empty, submitted, overdue


def test_cases_lists_each_case_with_its_assessments(app, db, runner, make_staff):
    case, empty, submitted, overdue = _setup(app, make_staff)
    result = runner.invoke(args=["cases"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"案件 {case.id}  消防指令システムの保守業務"
    assert "種類 情報システムに関する業務委託  部局 消防部局  区分 3（段階3）" in lines[1]
    assert any(
        f"回答 {submitted.id}  株式会社あおば通信  提出済み" in line and "第2版" in line
        for line in lines
    )
    assert any(
        f"回答 {overdue.id}  株式会社こだま電子  期限切れ" in line and "未提出" in line
        for line in lines
    )
    assert f"案件 {empty.id}  公式 X アカウントの運用" in result.output


def test_cases_json_keeps_japanese_readable_and_shows_effective_status(app, db, runner, make_staff):
    case, empty, submitted, overdue = _setup(app, make_staff)
    result = runner.invoke(args=["cases", "--json"])
    assert result.exit_code == 0, result.output
    assert "消防指令システム" in result.output  # ensure_ascii=False: not \u6d88...
    data = json.loads(result.output)
    assert [row["id"] for row in data] == [case.id, empty.id]
    first = data[0]
    assert first["kind"] == "system" and first["tier"] == 3
    assert first["department"] == "消防部局" and first["classification_level"] == "3"
    by_id = {item["id"]: item for item in first["assessments"]}
    assert by_id[submitted.id] == {
        "id": submitted.id,
        "vendor": "株式会社あおば通信",
        "status": "submitted",
        "status_label": "提出済み",
        "deadline": (today_jst() + dt.timedelta(days=5)).isoformat(),
        "submitted_version": 2,
    }
    assert by_id[overdue.id]["status"] == "expired"
    assert data[1]["assessments"] == []


def test_cases_on_an_empty_database(runner, db):
    assert "案件はありません。" in runner.invoke(args=["cases"]).output
    assert json.loads(runner.invoke(args=["cases", "--json"]).output) == []
