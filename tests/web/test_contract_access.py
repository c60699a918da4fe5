"""Contracts under the department rule: every contract route refuses staff of another
department (403 in Japanese, nothing changed); viewers read their own; ciso and admin see all.
The contract list on the list pattern: filters, sort, pages, Excel, constant queries."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from tests.conftest import csrf_token
from tests.monitoring_helpers import make_contract
from tests.registers_helpers import as_user, department_id, staff_of
from tests.web.test_cases import _count_queries
from vendorcheck.services import incidents, inspections, periodic_reports
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import AuditEvent, Contract, ContractEndItem

SYSTEM = Actor.system("test")
CONTRACT_BLUEPRINTS = ("contracts", "contract_review", "contract_registers")


@pytest.fixture
def owned(app, db):
    """A contract of 事務部局 with one of everything of its period to name in URLs."""
    contract, _url = make_contract(app)
    report = periodic_reports.reports_of(contract)[0]
    incident = incidents.report(
        SYSTEM,
        contract,
        incidents.IncidentInput(
            found_at=dt.datetime(2026, 5, 1, 0, 0),
            reported_at=dt.datetime(2026, 5, 1, 1, 0),
            channel="phone",
            classification="leak",
            summary="誤送信",
        ),
        severity=incidents.severity_from_config(app.config),
        by_staff=True,
        now=dt.datetime(2026, 5, 2, 0, 0),
    )
    request = inspections.issue_corrective(
        SYSTEM, contract, "手順書を直す", dt.date(2026, 9, 1), today=dt.date(2026, 5, 2)
    )
    item = ContractEndItem.create(contract=contract, key="return", label="返還")
    return {
        "contract_id": contract.id,
        "report_id": report.id,
        "incident_id": incident.id,
        "request_id": request.id,
        "item_id": item.id,
        "row_id": 1,
        "evidence_id": 1,
    }


def _contract_urls(app, owned):
    """Every route naming a contract, filled in with the owned objects."""
    for rule in app.url_map.iter_rules():
        if "contract_id" not in rule.arguments:
            continue
        values = {name: owned.get(name, 1) for name in rule.arguments}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.endpoint, app.url_for(rule.endpoint, **values)


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_every_contract_route_refuses_staff_of_another_department(
    app, client, make_staff, owned, role
):
    as_user(client, staff_of(make_staff, role, department="消防部局"))
    token = csrf_token(client, "/")
    before = AuditEvent.select().count()
    with app.test_request_context():
        urls = list(_contract_urls(app, owned))
    checked = set()
    for method, endpoint, url in urls:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(
                url,
                data={"csrf_token": token, "decision": "accept", "register_entry": "0"},
            )
        assert response.status_code == 403, (method, url, response.status_code)
        text = response.get_data(as_text=True)
        assert "他の部局" in text or "変更できるのは" in text, url
        checked.add(endpoint)
    assert AuditEvent.select().count() == before
    assert {endpoint.split(".")[0] for endpoint in checked} == set(CONTRACT_BLUEPRINTS)
    assert len(checked) >= 17, sorted(checked)
    assert Contract.get_by_id(owned["contract_id"]).status == "active"


def test_a_viewer_of_the_department_reads_and_cannot_change(app, client, make_staff, owned):
    as_user(client, staff_of(make_staff, "viewer"))
    contract_id = owned["contract_id"]
    assert client.get(f"/contracts/{contract_id}").status_code == 200
    path = f"/contracts/{contract_id}/reports/{owned['report_id']}"
    assert client.get(path).status_code == 200
    token = csrf_token(client, "/")
    response = client.post(f"/contracts/{contract_id}/end", data={"csrf_token": token})
    assert response.status_code == 403
    assert Contract.get_by_id(contract_id).status == "active"


def test_an_officer_of_the_department_changes_and_ciso_sees_everything(
    app, client, make_staff, owned
):
    contract_id = owned["contract_id"]
    as_user(client, staff_of(make_staff, "officer"))
    token = csrf_token(client, f"/contracts/{contract_id}")
    response = client.post(f"/contracts/{contract_id}/link", data={"csrf_token": token})
    assert response.status_code == 302
    as_user(client, make_staff("ciso", department_id=department_id("消防部局")))
    assert client.get(f"/contracts/{contract_id}").status_code == 200
    assert "R8-契-001" in client.get("/contracts/").get_data(as_text=True)


def test_lists_and_dashboard_show_only_the_own_department(app, client, make_staff, owned):
    other, _ = make_contract(app, number="R8-消防-001", vendor_name="消防設備株式会社")
    Contract.update(department=department_id("消防部局")).where(Contract.id == other.id).execute()
    as_user(client, staff_of(make_staff, "viewer", department="消防部局"))
    page = client.get("/contracts/").get_data(as_text=True)
    assert "R8-消防-001" in page and "R8-契-001" not in page
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/contracts/?format=xlsx").data))
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row]
    assert "R8-消防-001" in cells and "R8-契-001" not in cells
    home = client.get("/").get_data(as_text=True)
    assert "履行中の契約 1 件" in home
    assert "R8-契-001" not in home


def _copies(contract_id: int, count: int) -> None:
    """More contracts like the owned one (rows only: the list reads nothing else)."""
    source = Contract.get_by_id(contract_id)
    values = {
        field.name: getattr(source, field.name)
        for field in Contract._meta.sorted_fields
        if field.name != "id"
    }
    for n in range(count):
        Contract.create(**{**values, "number": f"R8-追加-{n:02d}", "next_due_on": None})


def test_contract_list_filters_sorts_pages_and_downloads_what_is_shown(
    app, client, login_as, owned
):
    login_as("viewer")
    second, _ = make_contract(app, number="R8-契-002", vendor_name="株式会社筑紫データ")
    Contract.update(next_due_on=None, next_due_label="", status="completed").where(
        Contract.id == second.id
    ).execute()
    page = client.get("/contracts/?status=completed").get_data(as_text=True)
    assert "R8-契-002" in page and "R8-契-001" not in page
    page = client.get("/contracts/?due=none").get_data(as_text=True)
    assert "R8-契-002" in page and "R8-契-001" not in page
    page = client.get("/contracts/?text=筑紫").get_data(as_text=True)
    assert "R8-契-002" in page and "R8-契-001" not in page
    page = client.get("/contracts/?text=ｒ８－契－００１").get_data(as_text=True)  # full width
    assert "R8-契-001" in page and "R8-契-002" not in page
    overdue = client.get("/contracts/?due=overdue").get_data(as_text=True)
    assert "R8-契-001" in overdue  # its first report was due in 令和8年
    ordered = client.get("/contracts/?sort=number&order=desc").get_data(as_text=True)
    assert ordered.index("R8-契-002") < ordered.index("R8-契-001")
    assert "status=completed" in client.get("/contracts/?status=completed").get_data(
        as_text=True
    )  # the filter rides along in the sort and download links
    shown = client.get("/contracts/?status=completed&format=xlsx")
    assert shown.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(shown.data)).active.values)
    assert rows[0][0] == "契約番号" and [row[0] for row in rows[1:]] == ["R8-契-002"]
    refused = client.get("/contracts/?status=<script>&due=x&department=99999999999999999999")
    assert refused.status_code == 200 and "R8-契-001" in refused.get_data(as_text=True)


def test_contract_list_pages_keep_the_filter(app, client, login_as, owned):
    login_as("viewer")
    _copies(owned["contract_id"], 51)
    first = client.get("/contracts/?text=追加&sort=number").get_data(as_text=True)
    assert "全 51 件（1〜50 件目を表示）" in first and "R8-契-001" not in first
    assert "page=2" in first and "text=" in first
    second = client.get("/contracts/?text=追加&sort=number&page=2").get_data(as_text=True)
    assert "R8-追加-50" in second and "R8-追加-49" not in second


def test_contract_list_uses_the_same_queries_however_many_contracts(
    app, client, login_as, owned, db, monkeypatch
):
    login_as("viewer")
    client.get("/contracts/")
    executed = _count_queries(db, monkeypatch)
    assert client.get("/contracts/").status_code == 200
    few = len(executed)
    monkeypatch.undo()
    _copies(owned["contract_id"], 4)
    executed = _count_queries(db, monkeypatch)
    page = client.get("/contracts/")
    assert page.status_code == 200 and "全 5 件" in page.get_data(as_text=True)
    assert len(executed) == few, executed
