"""The contract period: contracts, vendor contract links, periodic reports (frozen versions),
evidence, incidents and follow-ups, inspections, findings, corrective requests, end items."""

import datetime

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

FROZEN_TABLES = ("periodic_report_version", "incident_update")


def up(migrator, db):
    now = datetime.datetime.utcnow

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Assessment(Base):  # existing tables, referenced only
        pass

    class GeneratedAnnex(Base):
        pass

    class Vendor(Base):
        pass

    class Department(Base):
        pass

    class Staff(Base):
        pass

    class Contract(Base):
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
        articles = TextField()
        conditions = TextField(default="[]")
        status = CharField(max_length=20, default="active", index=True)
        next_due_on = DateField(null=True, index=True)
        next_due_label = CharField(max_length=200, default="")
        created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
        created_at = DateTimeField(default=now)
        closing_at = DateTimeField(null=True)
        completed_at = DateTimeField(null=True)

    class ContractToken(Base):
        contract = ForeignKeyField(Contract, backref="tokens", on_delete="CASCADE")
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField(default=now)
        expires_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)

    class PeriodicReport(Base):
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

    class PeriodicReportVersion(Base):
        report = ForeignKeyField(PeriodicReport, backref="versions", on_delete="CASCADE")
        version = IntegerField()
        content = TextField()
        submitted_at = DateTimeField(default=now)

        class Meta:
            indexes = ((("report", "version"), True),)

    class ContractEvidence(Base):
        contract = ForeignKeyField(Contract, backref="evidence", on_delete="CASCADE")
        subject = CharField(max_length=120, index=True)
        filename = CharField(max_length=255)
        content_type = CharField(max_length=100)
        file_kind = CharField(max_length=10)
        size = IntegerField()
        sha256 = CharField(max_length=64)
        data = BlobField()
        uploaded_by_kind = CharField(max_length=10)
        uploaded_at = DateTimeField(default=now)

    class Incident(Base):
        contract = ForeignKeyField(Contract, backref="incidents", on_delete="CASCADE")
        occurred_at = DateTimeField(null=True)
        found_at = DateTimeField()
        reported_at = DateTimeField()
        report_deadline_at = DateTimeField()
        recorded_by_kind = CharField(max_length=10)
        channel = CharField(max_length=20)
        classification = CharField(max_length=30)
        summary = TextField()
        information = TextField(default="")
        personal_records = IntegerField(default=0)
        measures = TextField(default="")
        severe = BooleanField(default=False)
        late = BooleanField(default=False)
        status = CharField(max_length=10, default="open", index=True)
        closed_at = DateTimeField(null=True)
        created_at = DateTimeField(default=now)

    class IncidentUpdate(Base):
        incident = ForeignKeyField(Incident, backref="updates", on_delete="CASCADE")
        body = TextField()
        author_kind = CharField(max_length=10)
        author_label = CharField(max_length=200)
        at = DateTimeField(default=now)

    class Inspection(Base):
        contract = ForeignKeyField(Contract, backref="inspections", on_delete="CASCADE")
        inspected_on = DateField()
        inspectors = CharField(max_length=300)
        scope = TextField(default="")
        checklist = TextField(default="{}")
        notes = TextField(default="")
        created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="+")
        created_at = DateTimeField(default=now)

    class Finding(Base):
        contract = ForeignKeyField(Contract, backref="findings", on_delete="CASCADE")
        source = CharField(max_length=20)
        source_id = IntegerField(null=True)
        text = TextField()
        severity = CharField(max_length=10)
        created_at = DateTimeField(default=now)

    class CorrectiveRequest(Base):
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
        created_at = DateTimeField(default=now)

    class ContractEndItem(Base):
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

    class Reconfirmation(Base):
        contract = ForeignKeyField(Contract, on_delete="CASCADE")
        base_assessment = ForeignKeyField(Assessment, on_delete="RESTRICT", backref="+")
        assessment = ForeignKeyField(Assessment, on_delete="RESTRICT", backref="+")
        asked_on = DateField()
        base_version = IntegerField()
        base_verdict = CharField(max_length=20)
        verdict = CharField(max_length=20, default="")
        changed = TextField(default="[]")
        corrective = ForeignKeyField(
            CorrectiveRequest, null=True, on_delete="SET NULL", backref="+"
        )
        created_at = DateTimeField(default=now)
        evaluated_at = DateTimeField(null=True)

    db.create_tables(
        [
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
        ]
    )
    for table in FROZEN_TABLES:
        _refuse_updates(db, table)


def _refuse_updates(db, table):
    """A submitted report and a follow-up report are never changed in place (AUD-03)."""
    message = f"{table} is immutable"
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        return
    db.execute_sql(
        f"CREATE OR REPLACE FUNCTION {table}_refuse_update() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
    )
    db.execute_sql(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_update()"
    )
