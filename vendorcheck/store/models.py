"""peewee models: the tables of the running application.

Migrations in ``migrations/`` hold frozen copies; change both together and
add a numbered migration for every schema change.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from vendorcheck.store.db import database


def utcnow() -> dt.datetime:
    """Naive UTC now: every timestamp is stored in UTC and shown in JST."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Organisation(BaseModel):
    """The single row of organisation-wide settings."""

    name = CharField(max_length=200)
    classification_scheme = CharField(max_length=20, default="classic")
    classification_extra_levels = TextField(default="")  # "2A=2\n2B=2": local sub-levels
    party_terms = CharField(max_length=20, default="itaku")  # itaku: 委託者/受託者, kou: 甲/乙
    incident_report_hours = IntegerField(default=24)
    updated_at = DateTimeField(default=utcnow)


class Department(BaseModel):
    name = CharField(max_length=100, unique=True)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Staff(BaseModel):
    login_id = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=100)
    email = CharField(max_length=254, default="")
    role = CharField(max_length=20)
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
    password_hash = CharField(max_length=255)
    must_change_password = BooleanField(default=True)
    active = BooleanField(default=True)
    # Changing this invalidates every session that was issued before.
    session_nonce = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)
    password_changed_at = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)


class LoginAttempt(BaseModel):
    login_id = CharField(max_length=64, index=True)
    client_address = CharField(max_length=64, index=True)
    succeeded = BooleanField()
    at = DateTimeField(default=utcnow, index=True)


class AuditEvent(BaseModel):
    """Append-only: database triggers refuse UPDATE and DELETE."""

    at = DateTimeField(default=utcnow, index=True)
    actor_kind = CharField(max_length=10)  # staff / vendor / system
    actor_id = IntegerField(null=True)
    actor_label = CharField(max_length=200)
    action = CharField(max_length=64, index=True)
    object_type = CharField(max_length=40, index=True)
    object_id = CharField(max_length=64, default="")
    summary = TextField(default="")
    before = TextField(default="")
    after = TextField(default="")
    client_address = CharField(max_length=64, default="")


class Vendor(BaseModel):
    """事業者: a contractor, cloud provider or SNS operator."""

    name = CharField(max_length=200)
    name_normalized = CharField(max_length=200, index=True)  # NFKC, case-folded: for search
    corporate_number = CharField(max_length=13, null=True, unique=True)
    address = CharField(max_length=300, default="")
    contact_name = CharField(max_length=100, default="")
    contact_email = CharField(max_length=254, default="")
    website = CharField(max_length=500, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class VendorCertification(BaseModel):
    vendor = ForeignKeyField(Vendor, backref="certifications", on_delete="CASCADE")
    kind = CharField(max_length=20)  # isms, pmark, ismap, ismap_liu, soc2, other
    number = CharField(max_length=100, default="")
    scope = TextField(default="")
    expires_on = DateField(null=True)
    created_at = DateTimeField(default=utcnow)


class QuestionnaireSnapshot(BaseModel):
    """The exact questionnaire content an assessment was issued with."""

    questionnaire_id = CharField(max_length=40)
    version = IntegerField()
    content_hash = CharField(max_length=64, unique=True)
    content = TextField()  # JSON of Questionnaire.to_snapshot()
    created_at = DateTimeField(default=utcnow)


class Case(BaseModel):
    """案件: one procurement or one service to vet, with one assessment per vendor."""

    title = CharField(max_length=200)
    kind = CharField(max_length=20)
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
    classification_level = CharField(max_length=20)
    tier = IntegerField()
    contract_start = DateField(null=True)
    contract_end = DateField(null=True)
    answer_deadline = DateField(null=True)
    description = TextField(default="")
    created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    closed = BooleanField(default=False)


class Assessment(BaseModel):
    """One vendor's answers to one questionnaire snapshot within a case."""

    case = ForeignKeyField(Case, backref="assessments", on_delete="CASCADE")
    vendor = ForeignKeyField(Vendor, backref="assessments", on_delete="RESTRICT")
    snapshot = ForeignKeyField(QuestionnaireSnapshot, on_delete="RESTRICT")
    language = CharField(max_length=2, default="ja")
    deadline = DateField(null=True)
    status = CharField(max_length=20, default="invited", index=True)
    draft_answers = TextField(default="{}")  # JSON: question id -> value
    draft_revision = IntegerField(default=0)  # raised at every save: stale saves are refused
    last_saved_at = DateTimeField(null=True)
    submitted_version = IntegerField(default=0)
    invited_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    invited_at = DateTimeField(default=utcnow)
    decided_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")
    review_due = DateField(null=True)  # AUD-02: next periodic confirmation (OUT-18)


class AccessToken(BaseModel):
    """A vendor's link: only the SHA-256 of the token is stored."""

    assessment = ForeignKeyField(Assessment, backref="tokens", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)


class Submission(BaseModel):
    """A submitted, frozen version of an assessment's answers (AUD-03: never changed)."""

    assessment = ForeignKeyField(Assessment, backref="submissions", on_delete="CASCADE")
    version = IntegerField()
    answers = TextField()
    submitted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("assessment", "version"), True),)


class Evidence(BaseModel):
    """An uploaded file, kept in the database (no shared disk needed to scale out)."""

    assessment = ForeignKeyField(Assessment, backref="evidence", on_delete="CASCADE")
    question_id = CharField(max_length=100)
    filename = CharField(max_length=255)
    content_type = CharField(max_length=100)
    file_kind = CharField(max_length=10)  # pdf, image, office
    size = IntegerField()
    sha256 = CharField(max_length=64)
    data = BlobField()
    uploaded_at = DateTimeField(default=utcnow)
    removed_at = DateTimeField(null=True)


class ReviewComment(BaseModel):
    assessment = ForeignKeyField(Assessment, backref="comments", on_delete="CASCADE")
    question_id = CharField(max_length=100, default="")  # empty: about the whole assessment
    body = TextField()
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    for_version = IntegerField()
    created_at = DateTimeField(default=utcnow)


class ReviewScore(BaseModel):
    """A reviewer's score for one question, with the reason; the newest row counts."""

    assessment = ForeignKeyField(Assessment, backref="review_scores", on_delete="CASCADE")
    question_id = CharField(max_length=100)
    score = FloatField()
    reason = TextField()
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class Remediation(BaseModel):
    """A condition the vendor must meet for a gap: what, by when, accepted or not."""

    assessment = ForeignKeyField(Assessment, backref="remediations", on_delete="CASCADE")
    question_id = CharField(max_length=100)
    action = TextField()
    due_on = DateField(null=True)
    accepted = BooleanField(default=False)
    done_at = DateTimeField(null=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class MailMessage(BaseModel):
    """The outbox: written in the transaction of the event; `vendorcheck send-mail` delivers."""

    to_address = CharField(max_length=254)
    subject = CharField(max_length=300)
    body = TextField()
    dedupe_key = CharField(max_length=200, null=True, unique=True)  # cron-safe reminders
    status = CharField(max_length=10, default="pending", index=True)  # pending, sent, failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    last_error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)


class PortalFailure(BaseModel):
    """A request with a wrong, expired or revoked vendor link: for rate limiting per address."""

    client_address = CharField(max_length=64, index=True)
    at = DateTimeField(default=utcnow, index=True)


class GeneratedAnnex(BaseModel):
    """A contract annex as generated: never changed (a trigger refuses UPDATE); a new one is a
    new version, so the file attached to a contract can always be downloaded again as it was."""

    assessment = ForeignKeyField(Assessment, backref="annexes", on_delete="CASCADE")
    version = IntegerField()
    submission_version = IntegerField()  # the submitted answers it was built from
    clause_ids = TextField()  # JSON list, in article order
    inputs = TextField()  # JSON: names, dates, party terms, answers used, remediations, choices
    content_hash = CharField(max_length=64)  # sha256 of docx
    docx = BlobField()
    created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("assessment", "version"), True),)


class IsmapEntry(BaseModel):
    """A service on the ISMAP or ISMAP-LIU list; never deleted: a vanished one gets removed_on."""

    number = CharField(max_length=40, unique=True)
    list_kind = CharField(max_length=10, index=True)  # ismap, ismap_liu
    service = CharField(max_length=300)
    provider = CharField(max_length=200)
    corporate_number = CharField(max_length=13, default="")
    registered_on = DateField(null=True)
    audited_period_end = DateField(null=True)
    valid_until = DateField(null=True, index=True)
    valid_until_computed = BooleanField(default=False)  # from the audited period, not the list
    scope = TextField(default="")  # 言明の対象範囲
    regions = CharField(max_length=500, default="")
    url = CharField(max_length=500, default="")
    search_text = TextField(default="")  # NFKC, case-folded number, service and provider
    source = CharField(max_length=500, default="")
    first_seen_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    removed_on = DateField(null=True)


class IsmapImport(BaseModel):
    """One import of a list (a file or a sync) with what it changed."""

    at = DateTimeField(default=utcnow, index=True)
    source = CharField(max_length=500)
    how = CharField(max_length=10)  # file, sync
    actor_label = CharField(max_length=200, default="")
    read = IntegerField(default=0)
    added = IntegerField(default=0)
    changed = IntegerField(default=0)
    removed = IntegerField(default=0)
    rejected = IntegerField(default=0)
    report = TextField(default="{}")  # JSON: numbers added, changed, removed; rejections; headers


class IsmapSource(BaseModel):
    """A URL the list is synced from: validators for conditional requests, last result, lock."""

    url = CharField(max_length=500, unique=True)
    etag = CharField(max_length=300, default="")
    last_modified = CharField(max_length=100, default="")
    checked_at = DateTimeField(null=True)
    synced_at = DateTimeField(null=True)  # when the list last came from here (imported)
    result = TextField(default="")  # the last outcome, in Japanese
    succeeded = BooleanField(default=False)
    locked_until = DateTimeField(null=True)  # a running sync holds the lock until then


# --- registers (migration 0005) ------------------------------------------------------------


class RegisterEntry(BaseModel):
    """One external service or SNS account in the register, from application to retirement."""

    entry_type = CharField(max_length=10, index=True)  # service, sns
    name = CharField(max_length=200)
    name_normalized = CharField(max_length=200, index=True)  # NFKC, case-folded: for search
    status = CharField(max_length=12, index=True)  # applied, approved, active, suspended, retired
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL", index=True)
    provider_name = CharField(max_length=200, default="")
    vendor = ForeignKeyField(Vendor, null=True, on_delete="SET NULL")
    url = CharField(max_length=500, default="")
    purpose = TextField(default="")
    classification_level = CharField(max_length=20, default="")
    case = ForeignKeyField(Case, null=True, on_delete="SET NULL")
    assessment = ForeignKeyField(Assessment, null=True, on_delete="SET NULL")
    annex = ForeignKeyField(GeneratedAnnex, null=True, on_delete="SET NULL")
    ismap_number = CharField(max_length=40, default="")
    data_location = CharField(max_length=200, default="")
    governing_law = CharField(max_length=200, default="")
    platform = CharField(max_length=40, default="")
    account_name = CharField(max_length=200, default="")
    account_handle = CharField(max_length=200, default="")
    audience = CharField(max_length=300, default="")
    content = TextField(default="")
    posters = CharField(max_length=300, default="")
    response_hours = CharField(max_length=200, default="")
    notes = TextField(default="")
    mfa_enabled = BooleanField(default=False)
    platform_verified = BooleanField(default=False)
    official_page_url = CharField(max_length=500, default="")
    last_post_on = DateField(null=True)  # for the dormant-account flag
    listed_on_website = BooleanField(null=True)  # last check-official-links result
    link_checked_at = DateTimeField(null=True)
    link_check_note = CharField(max_length=300, default="")
    start_date = DateField(null=True)
    next_review_on = DateField(null=True, index=True)
    retired_on = DateField(null=True)
    retirement_note = TextField(default="")
    needs_responsible = BooleanField(default=False, index=True)  # 責任者 vacant or disabled
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class UseApplication(BaseModel):
    """利用申請: a section applies to use a service or open an SNS account, with its self-check."""

    entry = ForeignKeyField(RegisterEntry, backref="applications", on_delete="CASCADE")
    kind = CharField(max_length=20)  # cloud_light, sns, cloud
    status = CharField(max_length=12, index=True)  # draft, submitted, returned, approved, rejected
    snapshot = ForeignKeyField(QuestionnaireSnapshot, null=True, on_delete="RESTRICT")
    tier = IntegerField(default=1)
    draft_answers = TextField(default="{}")
    draft_revision = IntegerField(default=0)
    last_saved_at = DateTimeField(null=True)
    submitted_answers = TextField(default="{}")
    submitted_version = IntegerField(default=0)
    submitted_at = DateTimeField(null=True)
    applicant = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    decided_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")


class ApplicationEvidence(BaseModel):
    """A file attached to a self-check answer (kept in the database like vendor evidence)."""

    application = ForeignKeyField(UseApplication, backref="evidence", on_delete="CASCADE")
    question_id = CharField(max_length=100)
    filename = CharField(max_length=255)
    content_type = CharField(max_length=100)
    file_kind = CharField(max_length=10)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    data = BlobField()
    uploaded_at = DateTimeField(default=utcnow)
    removed_at = DateTimeField(null=True)


class RegisterPerson(BaseModel):
    """One dated assignment of a role: rows are only added, so every past date can be answered.

    The assignment in force on a day is the latest row of that role whose effective_from is
    on or before the day; a row without staff and name leaves the role vacant from then on.
    """

    entry = ForeignKeyField(RegisterEntry, backref="people", on_delete="CASCADE")
    role = CharField(max_length=12)  # responsible, deputy, administrator
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    name = CharField(max_length=100, default="")
    department_name = CharField(max_length=100, default="")
    effective_from = DateField()
    reason = TextField(default="")
    changed_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    recorded_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entry", "role", "effective_from"), False),)


class RegisterReview(BaseModel):
    """A periodic review (AUD-02): the checklist answered and its result."""

    entry = ForeignKeyField(RegisterEntry, backref="reviews", on_delete="CASCADE")
    reviewed_on = DateField()
    checklist = TextField()  # JSON: item id -> true/false
    result = CharField(max_length=10)  # ok, action
    note = TextField(default="")
    next_review_on = DateField(null=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)


class OperatingProcedure(BaseModel):
    """An SNS 運用手順書 as generated: each generation is a new version, never changed."""

    entry = ForeignKeyField(RegisterEntry, backref="procedures", on_delete="CASCADE")
    version = IntegerField()
    inputs = TextField()
    content_hash = CharField(max_length=64)
    docx = BlobField()
    created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entry", "version"), True),)


class RetirementEvidence(BaseModel):
    """Proof that a retired entry's data was disposed of and its accounts deleted (CLD-16)."""

    entry = ForeignKeyField(RegisterEntry, backref="retirement_files", on_delete="CASCADE")
    filename = CharField(max_length=255)
    content_type = CharField(max_length=100)
    file_kind = CharField(max_length=10)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    data = BlobField()
    uploaded_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
    uploaded_at = DateTimeField(default=utcnow)


# --- the contract period (migration 0006) ---------------------------------------------------


class Contract(BaseModel):
    """A contract made from an accepted assessment and one stored annex version."""

    assessment = ForeignKeyField(Assessment, backref="contracts", on_delete="RESTRICT")
    annex = ForeignKeyField(GeneratedAnnex, on_delete="RESTRICT", backref="+")
    vendor = ForeignKeyField(Vendor, on_delete="RESTRICT", backref="contracts")
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL", backref="+")
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


class ContractEvidence(BaseModel):
    """A file the vendor or staff attached in the contract period (report, incident, proof)."""

    contract = ForeignKeyField(Contract, backref="evidence", on_delete="CASCADE")
    subject = CharField(max_length=120, index=True)  # e.g. report.3, end.certificate
    filename = CharField(max_length=255)
    content_type = CharField(max_length=100)
    file_kind = CharField(max_length=10)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    data = BlobField()
    uploaded_by_kind = CharField(max_length=10)
    uploaded_at = DateTimeField(default=utcnow)


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
    created_at = DateTimeField(default=utcnow)
    evaluated_at = DateTimeField(null=True)


class ChecksheetUpload(BaseModel):
    """An uploaded チェックシート: previewed first, applied to the draft only when confirmed."""

    assessment = ForeignKeyField(Assessment, backref="+", on_delete="CASCADE")
    filename = CharField(max_length=255)
    sha256 = CharField(max_length=64)
    data = BlobField()
    base_revision = IntegerField()  # the draft revision the preview was made against
    entered_by = ForeignKeyField(
        Staff, null=True, on_delete="SET NULL", backref="+"
    )  # staff import
    uploaded_at = DateTimeField(default=utcnow)
    applied_at = DateTimeField(null=True)


ALL_MODELS: tuple[type[BaseModel], ...] = (
    Organisation,
    Department,
    Staff,
    LoginAttempt,
    AuditEvent,
    Vendor,
    VendorCertification,
    QuestionnaireSnapshot,
    Case,
    Assessment,
    AccessToken,
    Submission,
    Evidence,
    ReviewComment,
    ReviewScore,
    Remediation,
    MailMessage,
    PortalFailure,
    GeneratedAnnex,
    IsmapEntry,
    IsmapImport,
    IsmapSource,
    RegisterEntry,
    UseApplication,
    ApplicationEvidence,
    RegisterPerson,
    RegisterReview,
    OperatingProcedure,
    RetirementEvidence,
    Contract,
    ContractToken,
    PeriodicReport,
    PeriodicReportVersion,
    ContractEvidence,
    Incident,
    IncidentUpdate,
    Inspection,
    Finding,
    CorrectiveRequest,
    ContractEndItem,
    Reconfirmation,
    ChecksheetUpload,
)
