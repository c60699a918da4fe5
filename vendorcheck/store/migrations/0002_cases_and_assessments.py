"""Vendors, cases, assessments, vendor links, submissions, evidence, reviews and the mail outbox."""

import datetime

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
    SqliteDatabase,
    TextField,
)


def up(migrator, db):
    now = datetime.datetime.utcnow

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):  # existing table, referenced only
        pass

    class Staff(Base):  # existing table, referenced only
        pass

    class Vendor(Base):
        name = CharField(max_length=200)
        name_normalized = CharField(max_length=200, index=True)
        corporate_number = CharField(max_length=13, null=True, unique=True)
        address = CharField(max_length=300, default="")
        contact_name = CharField(max_length=100, default="")
        contact_email = CharField(max_length=254, default="")
        website = CharField(max_length=500, default="")
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

    class VendorCertification(Base):
        vendor = ForeignKeyField(Vendor, on_delete="CASCADE")
        kind = CharField(max_length=20)
        number = CharField(max_length=100, default="")
        scope = TextField(default="")
        expires_on = DateField(null=True)
        created_at = DateTimeField(default=now)

    class QuestionnaireSnapshot(Base):
        questionnaire_id = CharField(max_length=40)
        version = IntegerField()
        content_hash = CharField(max_length=64, unique=True)
        content = TextField()
        created_at = DateTimeField(default=now)

    class Case(Base):
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
        created_at = DateTimeField(default=now)
        closed = BooleanField(default=False)

    class Assessment(Base):
        case = ForeignKeyField(Case, on_delete="CASCADE")
        vendor = ForeignKeyField(Vendor, on_delete="RESTRICT")
        snapshot = ForeignKeyField(QuestionnaireSnapshot, on_delete="RESTRICT")
        language = CharField(max_length=2, default="ja")
        deadline = DateField(null=True)
        status = CharField(max_length=20, default="invited", index=True)
        draft_answers = TextField(default="{}")
        draft_revision = IntegerField(default=0)
        last_saved_at = DateTimeField(null=True)
        submitted_version = IntegerField(default=0)
        invited_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
        invited_at = DateTimeField(default=now)
        decided_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default="")
        review_due = DateField(null=True)

    class AccessToken(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField(default=now)
        expires_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)

    class Submission(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        version = IntegerField()
        answers = TextField()
        submitted_at = DateTimeField(default=now)

        class Meta:
            indexes = ((("assessment", "version"), True),)

    class Evidence(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        question_id = CharField(max_length=100)
        filename = CharField(max_length=255)
        content_type = CharField(max_length=100)
        file_kind = CharField(max_length=10)
        size = IntegerField()
        sha256 = CharField(max_length=64)
        data = BlobField()
        uploaded_at = DateTimeField(default=now)
        removed_at = DateTimeField(null=True)

    class ReviewComment(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        question_id = CharField(max_length=100, default="")
        body = TextField()
        staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        for_version = IntegerField()
        created_at = DateTimeField(default=now)

    class ReviewScore(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        question_id = CharField(max_length=100)
        score = FloatField()
        reason = TextField()
        staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=now)

    class Remediation(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        question_id = CharField(max_length=100)
        action = TextField()
        due_on = DateField(null=True)
        accepted = BooleanField(default=False)
        done_at = DateTimeField(null=True)
        staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=now)

    class MailMessage(Base):
        to_address = CharField(max_length=254)
        subject = CharField(max_length=300)
        body = TextField()
        dedupe_key = CharField(max_length=200, null=True, unique=True)
        status = CharField(max_length=10, default="pending", index=True)
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(default=now)
        last_error = TextField(default="")
        created_at = DateTimeField(default=now)
        sent_at = DateTimeField(null=True)

    class PortalFailure(Base):
        client_address = CharField(max_length=64, index=True)
        at = DateTimeField(default=now, index=True)

    db.create_tables(
        [
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
        ]
    )
    _make_submissions_immutable(db)


def _make_submissions_immutable(db):
    """AUD-03: a submitted version is never changed in place."""
    message = "submission is immutable"
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            f"CREATE TRIGGER submission_no_update BEFORE UPDATE ON submission "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION submission_refuse_update() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
    )
    db.execute_sql(
        "CREATE TRIGGER submission_immutable BEFORE UPDATE ON submission "
        "FOR EACH ROW EXECUTE FUNCTION submission_refuse_update()"
    )
