"""The ISMAP and ISMAP-LIU lists as imported, and where they are synced from (migration 0004)."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, IntegerField, TextField

from vendorcheck.store.models.base import BaseModel, utcnow


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
    content_sha256 = CharField(max_length=64, default="")  # the bytes last imported from here
