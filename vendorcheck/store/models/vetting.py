"""Vendors, cases, assessments with their links, submissions, evidence and review."""

from __future__ import annotations

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from vendorcheck.store.models.base import BaseModel, StoredFile, utcnow
from vendorcheck.store.models.people import Department, Staff


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
    last_submitted_at = DateTimeField(null=True)  # of submitted_version (answers.submit)
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
    comments = TextField(default="{}")  # JSON question id -> the vendor's comment (migration 0013)
    submitted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("assessment", "version"), True),)


class Evidence(StoredFile):
    """An uploaded file, kept in the database (no shared disk needed to scale out)."""

    assessment = ForeignKeyField(Assessment, backref="evidence", on_delete="CASCADE")
    question_id = CharField(max_length=100)
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
