"""The rows and URL values the security suites fill the URL map with.

`World` is the demonstration data plus one invitation, a contract link for every contract and a
row of every kind a route names. `values(rule)` fills a rule's parameters with real rows that
belong together; `PARENTS` says, for a route naming a parent and a child, which column of the
child names its parent, so a suite can ask for a child of another parent. A route whose
parameters cannot be filled is returned by name, and the suites fail on it: a new route with
a new parameter needs a line here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask.testing import FlaskClient
from peewee import Field, Model

from vendorcheck.services import contract_links
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store import models
from vendorcheck.store.models import (
    ApplicationEvidence,
    Assessment,
    ChecksheetUpload,
    Contract,
    ContractEndItem,
    ContractEvidence,
    CorrectiveRequest,
    Department,
    Evidence,
    Incident,
    PeriodicReport,
    Reconfirmation,
    RegisterEntry,
    Remediation,
    RetirementEvidence,
    Staff,
    UseApplication,
    VendorCertification,
)

# Parameters filled with the first row of a table (the rows of the demonstration data).
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
    "remediation_id": "Remediation",
    "certification_id": "VendorCertification",
    "approver_id": "ApplicationApprover",
}

# Per URL prefix, the child parameters a route names under its parent, and the column of the
# child's table that names the parent (for "a child of another parent is a 404").
PARENTS: dict[str, dict[str, Field]] = {
    "/p/": {"evidence_id": Evidence.assessment, "upload_id": ChecksheetUpload.assessment},
    "/c/": {
        "evidence_id": ContractEvidence.contract,
        "report_id": PeriodicReport.contract,
        "incident_id": Incident.contract,
        "request_id": CorrectiveRequest.contract,
        "item_id": ContractEndItem.contract,
    },
    "/assessments/": {
        "evidence_id": Evidence.assessment,
        "remediation_id": Remediation.assessment,
        "upload_id": ChecksheetUpload.assessment,
    },
    "/cases/": {"assessment_id": Assessment.case},
    "/vendors/": {"certification_id": VendorCertification.vendor},
    "/applications/": {"evidence_id": ApplicationEvidence.application},
    "/registers/": {"file_id": RetirementEvidence.entry},
    "/contracts/": {
        "evidence_id": ContractEvidence.contract,
        "report_id": PeriodicReport.contract,
        "incident_id": Incident.contract,
        "request_id": CorrectiveRequest.contract,
        "item_id": ContractEndItem.contract,
        "row_id": Reconfirmation.contract,
    },
}
# Numbers that count within their parent (版 1, 2, …): every parent has its own 1, so another
# parent's number is not a wrong one. Listed so that the suites know they are not ids.
SEQUENCES = {"version"}
# The parameter that names the parent under each prefix (the token under /p/ and /c/).
PARENT_PARAMETER = {
    "/p/": "token",
    "/c/": "token",
    "/assessments/": "assessment_id",
    "/cases/": "case_id",
    "/vendors/": "vendor_id",
    "/applications/": "application_id",
    "/registers/": "entry_id",
    "/contracts/": "contract_id",
}


@dataclass
class World:
    assessment: Assessment
    token: str  # the invited assessment's portal token
    contract_tokens: dict[int, str]  # contract id -> the token of its link
    assessment_tokens: dict[int, str] = field(default_factory=dict)
    extra_pages: list[str] = field(default_factory=list)

    @property
    def contract_token(self) -> str:
        return self.contract_tokens[min(self.contract_tokens)]


def build_world(runner, invite) -> World:
    """The demonstration data, one invitation and a row of every kind a route names."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, (result.output, repr(result.exception))
    path, assessment = invite("cloud")
    token = path.strip("/").split("/")[1]
    contract = Contract.select().order_by(Contract.id).first()
    if not Reconfirmation.select().exists():  # the demo asks for no 年次再確認 yet
        Reconfirmation.create(
            contract=contract,
            base_assessment=assessment,
            assessment=assessment,
            asked_on=dt.date.today(),
            base_version=1,
            base_verdict="",
        )
    other = Assessment.select().where(Assessment.id != assessment.id).order_by(Assessment.id)
    for owner in (assessment, other.first()):  # the demo uploads no チェックシート
        ChecksheetUpload.create(
            assessment=owner, filename="sheet.xlsx", sha256="0" * 64, data=b"", base_revision=0
        )
    approver = getattr(models, "ApplicationApprover", None)
    if approver is not None and not approver.select().exists():  # the demo names no approver
        first = Department.select().order_by(Department.id).first()  # others left to name
        approver.create(staff=Staff.get(Staff.role == "officer"), department=first)
    stored = {"filename": "x.pdf", "content_type": "application/pdf", "file_kind": "pdf"}
    stored |= {"size": 1, "sha256": "0" * 64, "data": b"%PDF-"}
    for row in Contract.select():
        ContractEvidence.create(
            contract=row, subject="report.1", uploaded_by_kind="staff", **stored
        )
    for entry in RegisterEntry.select().order_by(RegisterEntry.id).limit(2):
        RetirementEvidence.create(entry=entry, **stored)
    tokens = {}
    for row in Contract.select():
        link = contract_links.issue(row, contract_links.ContractLinkSettings("http://t"))
        tokens[row.id] = link.url.rstrip("/").rsplit("/", 1)[1]
    return World(assessment, token, tokens, {assessment.id: token})


def values(rule, world: World, **chosen: object) -> dict[str, object]:
    """The URL parameters of a rule, from real rows that belong together (chosen ones first)."""
    assessment = world.assessment
    known: dict[str, object] = {
        "token": world.token,
        "section_id": questionnaire_of(assessment).sections[0].id,
        "assessment_id": assessment.id,
        "case_id": assessment.case_id,
        "vendor_id": assessment.vendor_id,
        "staff_id": Staff.select().order_by(Staff.id).first().id,
        "department_id": Department.select().order_by(Department.id).first().id,
        "questionnaire_id": questionnaire_of(assessment).id,
        "version": 1,
        "file_format": "csv",
    }
    for name, model_name in FIRST_ROW_OF.items():
        if name not in rule.arguments:
            continue
        model = getattr(models, model_name, None)
        row = model.select().order_by(model.id).first() if model is not None else None
        if row is not None:
            known[name] = row.id
    for name in ("remediation_id", "upload_id"):
        if name in rule.arguments and name in known:
            model = Remediation if name == "remediation_id" else ChecksheetUpload
            owner = model.get_by_id(known[name]).assessment_id
            known["assessment_id"] = owner
            known["case_id"] = Assessment.get_by_id(owner).case_id
    if "certification_id" in rule.arguments:
        known["vendor_id"] = VendorCertification.get_by_id(known["certification_id"]).vendor_id
    if "file_id" in rule.arguments:
        row = RetirementEvidence.select().order_by(RetirementEvidence.id).first()
        known["file_id"], known["entry_id"] = row.id, row.entry_id
    if "evidence_id" in rule.arguments:
        known["evidence_id"] = _evidence_for(rule.rule, known)
    if "application_id" in rule.arguments:
        known["application_id"] = _application_with_evidence()
    if rule.rule.startswith("/c/"):  # the contract portal: a contract's own link
        contract_id = known.get("contract_id", min(world.contract_tokens))
        for child, column in PARENTS["/c/"].items():
            if child in rule.arguments and child in known:
                contract_id = getattr(column.model.get_by_id(known[child]), column.name + "_id")
        known["token"] = world.contract_tokens[contract_id]
    if rule.rule.startswith("/contracts/<int:contract_id>/"):
        for child, column in PARENTS["/contracts/"].items():
            if child in rule.arguments and child in known and child != "evidence_id":
                known["contract_id"] = getattr(
                    column.model.get_by_id(known[child]), column.name + "_id"
                )
    if rule.rule.startswith("/p/") and "upload_id" in rule.arguments:
        upload = ChecksheetUpload.get(ChecksheetUpload.assessment == assessment.id)
        known["upload_id"] = upload.id
    for name in rule.arguments:
        items = getattr(rule._converters.get(name), "items", None)
        if items:
            known[name] = sorted(items)[0]
    known |= chosen
    return {name: known[name] for name in rule.arguments if name in known}


def _evidence_for(rule: str, known: dict[str, object]) -> int:
    if rule.startswith(("/c/", "/contracts/")):
        row = ContractEvidence.select().order_by(ContractEvidence.id).first()
        known["contract_id"] = row.contract_id
        return row.id
    if rule.startswith("/applications/"):
        row = ApplicationEvidence.select().order_by(ApplicationEvidence.id).first()
        known["application_id"] = row.application_id
        return row.id
    if rule.startswith("/p/"):
        row = Evidence.get_or_none(Evidence.assessment == known["assessment_id"])
        if row is None:
            row = _evidence_of(Assessment.get_by_id(known["assessment_id"]))
        return row.id
    row = Evidence.select().order_by(Evidence.id).first()
    known["assessment_id"] = row.assessment_id
    known["case_id"] = Assessment.get_by_id(row.assessment_id).case_id
    return row.id


def _evidence_of(assessment: Assessment) -> Evidence:
    stored = {"filename": "x.pdf", "content_type": "application/pdf", "file_kind": "pdf"}
    return Evidence.create(
        assessment=assessment, question_id="q", size=1, sha256="0" * 64, data=b"%PDF-", **stored
    )


def _application_with_evidence() -> int:
    row = ApplicationEvidence.select().order_by(ApplicationEvidence.id).first()
    return row.application_id if row else UseApplication.select().first().id


def plain_client(app, client) -> FlaskClient:
    """The same session in a client without the page checks of tests/page_checker.py (names,
    labels): the security suites look for what would run or leak, on pages whose wording other
    suites check."""
    plain = FlaskClient(app, app.response_class, use_cookies=True)
    plain.set_cookie("vendorcheck_session", client.get_cookie("vendorcheck_session").value)
    return plain


def submitted_case_id() -> int:
    """A case of the demonstration data with submitted answers (its comparison has bids)."""
    return Assessment.select().where(Assessment.submitted_version > 0).first().case_id


def url(rule, filled: dict[str, object]) -> str:
    return rule.build(filled, append_unknown=False)[1]


def unfilled(rule, filled: dict[str, object]) -> str | None:
    missing = rule.arguments - set(filled)
    return f"{rule.rule}（{', '.join(sorted(missing))}）" if missing else None


def parent_prefix(rule) -> str | None:
    return next((prefix for prefix in PARENTS if rule.rule.startswith(prefix)), None)


def other_parent(column: Field, child_id: int) -> int | None:
    """A row of the parent's table other than the one that owns the child."""
    parent_model: type[Model] = column.rel_model
    owner = getattr(column.model.get_by_id(child_id), column.name + "_id")
    row = parent_model.select(parent_model.id).where(parent_model.id != owner).first()
    return row.id if row else None
