"""Registers, second part: frozen versions of use applications, approvers named in the
organisation settings, and the people history made append-only by the database (like the
audit log): UPDATE and DELETE on register_person and application_version are refused."""

import datetime

from peewee import DateTimeField, ForeignKeyField, IntegerField, Model, SqliteDatabase, TextField

APPEND_ONLY_TABLES = ("register_person", "application_version")


def up(migrator, db):
    now = datetime.datetime.utcnow

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):  # existing tables, referenced only
        pass

    class Staff(Base):
        pass

    class UseApplication(Base):
        submitted_version = IntegerField()
        submitted_answers = TextField()
        submitted_at = DateTimeField(null=True)

    class ApplicationVersion(Base):
        application = ForeignKeyField(UseApplication, on_delete="CASCADE")
        version = IntegerField()
        fields = TextField(default="{}")
        responsible = TextField(default="{}")
        answers = TextField(default="{}")
        submitted_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        submitted_at = DateTimeField(default=now)

        class Meta:
            indexes = ((("application", "version"), True),)

    class ApplicationApprover(Base):
        staff = ForeignKeyField(Staff, on_delete="CASCADE")
        department = ForeignKeyField(Department, null=True, on_delete="CASCADE")
        added_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        added_at = DateTimeField(default=now)

    db.create_tables([ApplicationVersion, ApplicationApprover])
    # Applications submitted before this migration kept only their latest answers: that
    # version is recorded (its fields were not kept, so they stay empty).
    for application in UseApplication.select().where(UseApplication.submitted_version > 0):
        ApplicationVersion.create(
            application=application.id,
            version=application.submitted_version,
            answers=application.submitted_answers or "{}",
            submitted_at=application.submitted_at or now(),
        )
    for table in APPEND_ONLY_TABLES:
        _refuse_changes(db, table)


def _refuse_changes(db, table):
    """Rows are only ever added: a change of people is a new dated row, never an edit."""
    message = f"{table} is append-only"
    if isinstance(db, SqliteDatabase):
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        return
    db.execute_sql(
        f"CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
    )
    db.execute_sql(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()"
    )
