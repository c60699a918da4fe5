"""Uploaded チェックシート waiting for confirmation (and kept as the record of what was read)."""

import datetime

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):  # existing table, referenced only
        pass

    class Assessment(Base):  # existing table, referenced only
        pass

    class ChecksheetUpload(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        filename = CharField(max_length=255)
        sha256 = CharField(max_length=64)
        data = BlobField()
        base_revision = IntegerField()
        entered_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        uploaded_at = DateTimeField(default=datetime.datetime.utcnow)
        applied_at = DateTimeField(null=True)

    db.create_tables([ChecksheetUpload])
