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
)


# --- contract terms (migration 0010) ---------------------------------------------------------


class ContractLimitSetting(BaseModel):
    """The single row of the time limits annexes state, beside the first-report hours."""

    written_report_days = IntegerField(default=7)
    return_days = IntegerField(default=30)
    erasure_certificate_days = IntegerField(default=14)
    corrective_plan_days = IntegerField(default=14)
    updated_at = DateTimeField(default=utcnow)


class CaseInformationHandling(BaseModel):
    """Whether a case handles personal information and 特定個人情報 (one row per case)."""

    case = ForeignKeyField(Case, unique=True, backref="handling", on_delete="CASCADE")
    personal_information = BooleanField(default=False)
    specific_personal_information = BooleanField(default=False)


class ConflictResolution(BaseModel):
    """Staff's decision on one contract conflict: accept the vendor's position or remediate."""

    assessment = ForeignKeyField(Assessment, backref="conflict_resolutions", on_delete="CASCADE")
    question_id = CharField(max_length=100)
    answer_value = CharField(max_length=100)
    decision = CharField(max_length=20)  # accept | remediate
    condition_text = TextField()  # the individual condition, or the remediation asked for
    reason = TextField(default="")
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class OrganisationWording(BaseModel):
    """How the organisation calls itself in questionnaires (当団体, 当組合, 当市 …)."""

    self_term = CharField(max_length=20, default="当団体")


ALL_MODELS += (
    ContractLimitSetting,
    CaseInformationHandling,
    ConflictResolution,
    OrganisationWording,
)
