"""ISMAP and ISMAP-LIU lists: entries with history, imports with what they changed, sync sources."""

import datetime

from peewee import BooleanField, CharField, DateField, DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class IsmapEntry(Base):
        number = CharField(max_length=40, unique=True)
        list_kind = CharField(max_length=10, index=True)
        service = CharField(max_length=300)
        provider = CharField(max_length=200)
        corporate_number = CharField(max_length=13, default="")
        registered_on = DateField(null=True)
        audited_period_end = DateField(null=True)
        valid_until = DateField(null=True, index=True)
        valid_until_computed = BooleanField(default=False)
        scope = TextField(default="")
        regions = CharField(max_length=500, default="")
        url = CharField(max_length=500, default="")
        search_text = TextField(default="")
        source = CharField(max_length=500, default="")
        first_seen_at = DateTimeField(default=datetime.datetime.utcnow)
        last_seen_at = DateTimeField(default=datetime.datetime.utcnow)
        removed_on = DateField(null=True)

    class IsmapImport(Base):
        at = DateTimeField(default=datetime.datetime.utcnow, index=True)
        source = CharField(max_length=500)
        how = CharField(max_length=10)
        actor_label = CharField(max_length=200, default="")
        read = IntegerField(default=0)
        added = IntegerField(default=0)
        changed = IntegerField(default=0)
        removed = IntegerField(default=0)
        rejected = IntegerField(default=0)
        report = TextField(default="{}")

    class IsmapSource(Base):
        url = CharField(max_length=500, unique=True)
        etag = CharField(max_length=300, default="")
        last_modified = CharField(max_length=100, default="")
        checked_at = DateTimeField(null=True)
        synced_at = DateTimeField(null=True)
        result = TextField(default="")
        succeeded = BooleanField(default=False)
        locked_until = DateTimeField(null=True)

    db.create_tables([IsmapEntry, IsmapImport, IsmapSource])
