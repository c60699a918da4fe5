"""Every POST route refuses a request without a CSRF token (400). The routes come from the URL
map, so a new route is covered by itself; its URL is filled with ids of real rows, and a route
whose parameters this test cannot fill fails the suite by name."""

from __future__ import annotations

import datetime as dt

import pytest

from vendorcheck.services import contract_links
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store import models
from vendorcheck.store.models import Department, Remediation, Staff, VendorCertification

# Parameters of the register and contract routes, each filled with the first row the demo makes.
FIRST_ROW_OF = {
    "application_id": "UseApplication",
    "entry_id": "RegisterEntry",
    "contract_id": "Contract",
    "report_id": "PeriodicReport",
    "incident_id": "Incident",
    "request_id": "CorrectiveRequest",
    "item_id": "ContractEndItem",
    "row_id": "Reconfirmation",
    "upload_id": "ChecksheetUpload",
    "approver_id": "ApplicationApprover",
}


@pytest.fixture
def rows(app, runner, invite, login_as):
    """Real rows of every kind a POST route names: the demonstration data and one invitation."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    path, assessment = invite("cloud")
    login_as("admin")
    if not models.Reconfirmation.select().exists():  # the demo asks for no 年次再確認 yet
        models.Reconfirmation.create(
            contract=models.Contract.select().order_by(models.Contract.id).first(),
            base_assessment=assessment,
            assessment=assessment,
            asked_on=dt.date.today(),
            base_version=1,
            base_verdict="",
        )
    if not models.ChecksheetUpload.select().exists():  # the demo uploads no チェックシート
        models.ChecksheetUpload.create(
            assessment=assessment, filename="sheet.xlsx", sha256="0" * 64, data=b"", base_revision=0
        )
    if not models.ApplicationApprover.select().exists():  # the demo names no approver
        models.ApplicationApprover.create(staff=Staff.get(Staff.role == "officer"))
    contract = models.Contract.select().order_by(models.Contract.id).first()
    link = contract_links.issue(contract, contract_links.ContractLinkSettings("http://t"))
    remediation = Remediation.select().order_by(Remediation.id).first()
    certification = VendorCertification.select().order_by(VendorCertification.id).first()
    assert remediation is not None and certification is not None, "the demo makes both"
    return {
        "assessment": assessment,
        "token": path.strip("/").split("/")[1],
        "contract_token": link.url.rstrip("/").rsplit("/", 1)[1],
        "remediation": remediation,
        "certification": certification,
        "staff": Staff.select().order_by(Staff.id).first(),
        "department": Department.select().order_by(Department.id).first(),
    }


def _values(rule, rows) -> dict[str, object]:
    """The URL parameters of a rule, from real rows that belong together."""
    assessment = rows["assessment"]
    known: dict[str, object] = {
        "token": rows["token"],
        "section_id": questionnaire_of(assessment).sections[0].id,
        "assessment_id": assessment.id,
        "case_id": assessment.case_id,
        "vendor_id": assessment.vendor_id,
        "staff_id": rows["staff"].id,
        "department_id": rows["department"].id,
    }
    if "remediation_id" in rule.arguments:
        known["remediation_id"] = rows["remediation"].id
        known["assessment_id"] = rows["remediation"].assessment_id
    if "certification_id" in rule.arguments:
        known["certification_id"] = rows["certification"].id
        known["vendor_id"] = rows["certification"].vendor_id
    for name, model_name in FIRST_ROW_OF.items():
        model = getattr(models, model_name, None)
        row = model.select().order_by(model.id).first() if model is not None else None
        if row is not None and name in rule.arguments:
            known[name] = row.id
    if rule.rule.startswith("/c/"):  # the contract portal: a contract's own link
        known["token"] = rows["contract_token"]
    for name in rule.arguments:
        items = getattr(rule._converters[name], "items", None)
        if items:
            known[name] = sorted(items)[0]
    return {name: known[name] for name in rule.arguments if name in known}


def test_every_post_route_refuses_a_request_without_a_csrf_token(app, client, rows):
    post_rules = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]
    assert len(post_rules) > 20
    unfilled, accepted = [], []
    for rule in post_rules:
        values = _values(rule, rows)
        missing = rule.arguments - set(values)
        if missing:
            unfilled.append(f"{rule.rule}（{', '.join(sorted(missing))}）")
            continue
        url = rule.build(values, append_unknown=False)[1]
        response = client.post(url, data={"confirm": "1"})
        if response.status_code != 400 or "正しくない送信です" not in response.get_data(
            as_text=True
        ):
            accepted.append(f"{url}: {response.status_code}")
    assert unfilled == [], f"add these parameters to tests/security/test_csrf.py: {unfilled}"
    assert accepted == [], f"POST without a CSRF token was not refused: {accepted}"
