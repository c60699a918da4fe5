"""The contract period: reports, incidents, inspections, corrective requests, the end (migration
0006; the register entry link and the review behind a re-confirmation: 0012)."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from vendorcheck.store.models.base import BaseModel, StoredFile, utcnow
from vendorcheck.store.models.people import Department, Staff
from vendorcheck.store.models.registers import RegisterEntry, RegisterReview
from vendorcheck.store.models.vetting import Assessment, GeneratedAnnex, Vendor


class Contract(BaseModel):
    """A contract made from an accepted assessment and one stored annex version."""

    assessment = ForeignKeyField(Assessment, backref="contracts", on_delete="RESTRICT")
    annex = ForeignKeyField(GeneratedAnnex, on_delete="RESTRICT", backref="+")
    vendor = ForeignKeyField(Vendor, on_delete="RESTRICT", backref="contracts")
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL", backref="+")
    register_entry = ForeignKeyField(  # the service in the register this contract is for
        RegisterEntry, null=True, on_delete="SET NULL", backref="contracts", index=True
    )
    number = CharField(max_length=100, unique=True)
    title = CharField(max_length=200)
    kind = CharField(max_length=20)
    starts_on = DateField()
    ends_on = DateField()
    responsible_person = CharField(max_length=100)
    contacts = TextField(default="")
    contact_email = CharField(max_length=254)
    report_frequency = CharField(max_length=20)
    report_due_days = IntegerField(default=10)
    incident_report_hours = IntegerField()
    articles = TextField()  # JSON [{number, clause_id, title}] as in the stored annex
    conditions = TextField(default="[]")  # JSON [{action, due}]: individual conditions
    status = CharField(max_length=20, default="active", index=True)
    next_due_on = DateField(null=True, index=True)  # derived whenever an item changes
    next_due_label = CharField(max_length=200, default="")
    created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    closing_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)


class ContractToken(BaseModel):
    """A vendor's contract link: only the SHA-256 is stored; it opens exactly one contract."""

    contract = ForeignKeyField(Contract, backref="tokens", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)


class PeriodicReport(BaseModel):
    """定期報告 for one period: due, submitted (versions), returned or accepted."""

    contract = ForeignKeyField(Contract, backref="reports", on_delete="CASCADE")
    sequence = IntegerField()
    period_start = DateField()
    period_end = DateField()
    due_on = DateField(index=True)
    status = CharField(max_length=20, default="pending", index=True)
    draft = TextField(default="{}")
    submitted_version = IntegerField(default=0)
    first_submitted_at = DateTimeField(null=True)
    late = BooleanField(default=False)
    return_reason = TextField(default="")
    reviewed_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    reviewed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("contract", "sequence"), True),)


class PeriodicReportVersion(BaseModel):
    """A submitted periodic report, frozen (a trigger refuses UPDATE)."""

    report = ForeignKeyField(PeriodicReport, backref="versions", on_delete="CASCADE")
    version = IntegerField()
    content = TextField()
    submitted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("report", "version"), True),)


class ContractEvidence(StoredFile):
    """A file the vendor or staff attached in the contract period (report, incident, proof)."""

    contract = ForeignKeyField(Contract, backref="evidence", on_delete="CASCADE")
    subject = CharField(max_length=120, index=True)  # e.g. report.3, end.certificate
    uploaded_by_kind = CharField(max_length=10)


class Incident(BaseModel):
    """事故報告: reported by link or recorded by staff, checked against the annex's time limit."""

    contract = ForeignKeyField(Contract, backref="incidents", on_delete="CASCADE")
    occurred_at = DateTimeField(null=True)
    found_at = DateTimeField()
    reported_at = DateTimeField()
    report_deadline_at = DateTimeField()
    recorded_by_kind = CharField(max_length=10)  # vendor / staff
    channel = CharField(max_length=20)  # link / phone / mail / other
    classification = CharField(max_length=30)
    summary = TextField()
    information = TextField(default="")
    personal_records = IntegerField(default=0)
    measures = TextField(default="")
    severe = BooleanField(default=False)
    late = BooleanField(default=False)
    status = CharField(max_length=10, default="open", index=True)
    closed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)


class IncidentUpdate(BaseModel):
    """A follow-up report on an incident (never changed)."""

    incident = ForeignKeyField(Incident, backref="updates", on_delete="CASCADE")
    body = TextField()
    author_kind = CharField(max_length=10)
    author_label = CharField(max_length=200)
    at = DateTimeField(default=utcnow)


class Inspection(BaseModel):
    """実地検査・監査 with its checklist from the articles in force."""

    contract = ForeignKeyField(Contract, backref="inspections", on_delete="CASCADE")
    inspected_on = DateField()
    inspectors = CharField(max_length=300)
    scope = TextField(default="")
    checklist = TextField(default="{}")  # JSON item key -> {"result", "note"}
    notes = TextField(default="")
    created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)


class Finding(BaseModel):
    """A finding in the contract period: from an inspection, a late incident report, a report."""

    contract = ForeignKeyField(Contract, backref="findings", on_delete="CASCADE")
    source = CharField(max_length=20)  # inspection / incident / report / reassessment
    source_id = IntegerField(null=True)
    text = TextField()
    severity = CharField(max_length=10)
    created_at = DateTimeField(default=utcnow)


class CorrectiveRequest(BaseModel):
    """是正要求: due date, the vendor's plan and completion report, staff verification."""

    contract = ForeignKeyField(Contract, backref="corrective_requests", on_delete="CASCADE")
    finding = ForeignKeyField(Finding, null=True, on_delete="SET NULL", backref="+")
    request = TextField()
    due_on = DateField(index=True)
    status = CharField(max_length=20, default="open", index=True)
    plan = TextField(default="")
    plan_at = DateTimeField(null=True)
    completion = TextField(default="")
    completion_at = DateTimeField(null=True)
    staff_note = TextField(default="")
    closed_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    closed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)


class ContractEndItem(BaseModel):
    """One return/disposal step of the end of a contract: open, submitted, confirmed or waived."""

    contract = ForeignKeyField(Contract, backref="end_items", on_delete="CASCADE")
    key = CharField(max_length=20)
    label = CharField(max_length=200)
    status = CharField(max_length=20, default="open")
    vendor_note = TextField(default="")
    method = CharField(max_length=300, default="")
    done_on = DateField(null=True)
    submitted_at = DateTimeField(null=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    decided_at = DateTimeField(null=True)
    waive_reason = TextField(default="")

    class Meta:
        indexes = ((("contract", "key"), True),)


class Reconfirmation(BaseModel):
    """年次再確認: a re-assessment pre-filled from the last accepted answers, scored again."""

    contract = ForeignKeyField(Contract, backref="reconfirmations", on_delete="CASCADE")
    base_assessment = ForeignKeyField(Assessment, on_delete="RESTRICT", backref="+")
    assessment = ForeignKeyField(Assessment, on_delete="RESTRICT", backref="+")
    asked_on = DateField()  # the Japanese day it was asked for (the anniversary check)
    base_version = IntegerField()
    base_verdict = CharField(max_length=20)
    verdict = CharField(max_length=20, default="")
    changed = TextField(default="[]")  # JSON question ids changed from the base answers
    corrective = ForeignKeyField(CorrectiveRequest, null=True, on_delete="SET NULL", backref="+")
    register_review = ForeignKeyField(  # the register entry's review that asked for it, if any
        RegisterReview, null=True, on_delete="SET NULL", backref="reconfirmations"
    )
    created_at = DateTimeField(default=utcnow)
    evaluated_at = DateTimeField(null=True)
