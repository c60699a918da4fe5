"""Organisation, departments, staff, login attempts and the append-only audit log."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

DEPARTMENTS = ("事務部局", "監査委員部局", "消防部局", "議会事務局")
SEEDS = ("organisation", "department")  # rows every new instance starts with


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Organisation(Base):
        name = CharField(max_length=200)
        classification_scheme = CharField(max_length=20, default="classic")
        classification_extra_levels = TextField(default="")
        party_terms = CharField(max_length=20, default="itaku")
        incident_report_hours = IntegerField(default=24)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

    class Department(Base):
        name = CharField(max_length=100, unique=True)
        sort_order = IntegerField(default=0)
        active = BooleanField(default=True)

    class Staff(Base):
        login_id = CharField(max_length=64, unique=True)
        display_name = CharField(max_length=100)
        email = CharField(max_length=254, default="")
        role = CharField(max_length=20)
        department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
        password_hash = CharField(max_length=255)
        must_change_password = BooleanField(default=True)
        active = BooleanField(default=True)
        session_nonce = CharField(max_length=64)
        created_at = DateTimeField()
        password_changed_at = DateTimeField(null=True)
        last_login_at = DateTimeField(null=True)

    class LoginAttempt(Base):
        login_id = CharField(max_length=64, index=True)
        client_address = CharField(max_length=64, index=True)
        succeeded = BooleanField()
        at = DateTimeField(index=True)

    class AuditEvent(Base):
        at = DateTimeField(index=True)
        actor_kind = CharField(max_length=10)
        actor_id = IntegerField(null=True)
        actor_label = CharField(max_length=200)
        action = CharField(max_length=64, index=True)
        object_type = CharField(max_length=40, index=True)
        object_id = CharField(max_length=64, default="")
        summary = TextField(default="")
        before = TextField(default="")
        after = TextField(default="")
        client_address = CharField(max_length=64, default="")

    db.create_tables([Organisation, Department, Staff, LoginAttempt, AuditEvent])
    _make_audit_append_only(db)
    Organisation.create(name="（団体名を設定してください）", updated_at=datetime.datetime.utcnow())
    for order, name in enumerate(DEPARTMENTS, start=1):
        Department.create(name=name, sort_order=order)


def _make_audit_append_only(db):
    message = "audit_event is append-only"
    if isinstance(db, SqliteDatabase):
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
    )
    db.execute_sql(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()"
    )
