"""Generated contract annexes: the stored .docx with its clause ids, inputs and hash."""

import datetime

from peewee import (
    BlobField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

# Every column but created_by_id, which a deleted staff member's ON DELETE SET NULL may clear.
FROZEN_COLUMNS = (
    "id",
    "assessment_id",
    "version",
    "submission_version",
    "clause_ids",
    "inputs",
    "content_hash",
    "docx",
    "created_at",
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):  # existing table, referenced only
        pass

    class Assessment(Base):  # existing table, referenced only
        pass

    class GeneratedAnnex(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        version = IntegerField()
        submission_version = IntegerField()
        clause_ids = TextField()
        inputs = TextField()
        content_hash = CharField(max_length=64)
        docx = BlobField()
        created_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            indexes = ((("assessment", "version"), True),)

    db.create_tables([GeneratedAnnex])
    _make_annexes_immutable(db)


def _make_annexes_immutable(db):
    """A stored annex is what was attached to a contract: it is never changed in place."""
    message = "generated annex is immutable"
    columns = ", ".join(FROZEN_COLUMNS)
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            f"CREATE TRIGGER generated_annex_no_update BEFORE UPDATE OF {columns} "
            f"ON generated_annex BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        db.execute_sql(
            "CREATE TRIGGER generated_annex_no_new_author BEFORE UPDATE OF created_by_id "
            "ON generated_annex WHEN NEW.created_by_id IS NOT NULL "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION generated_annex_refuse_update() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
    )
    db.execute_sql(
        f"CREATE TRIGGER generated_annex_immutable BEFORE UPDATE OF {columns} "
        "ON generated_annex FOR EACH ROW EXECUTE FUNCTION generated_annex_refuse_update()"
    )
    db.execute_sql(
        "CREATE TRIGGER generated_annex_no_new_author BEFORE UPDATE OF created_by_id "
        "ON generated_annex FOR EACH ROW WHEN (NEW.created_by_id IS NOT NULL) "
        "EXECUTE FUNCTION generated_annex_refuse_update()"
    )
