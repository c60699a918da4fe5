"""The base of every table, UTC timestamps, and the columns every stored file shares."""

from __future__ import annotations

import datetime as dt

from peewee import BlobField, CharField, DateTimeField, IntegerField, Model

from vendorcheck.store.db import database


def utcnow() -> dt.datetime:
    """Naive UTC now: every timestamp is stored in UTC and shown in JST."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class StoredFile(BaseModel):
    """The columns of an uploaded file kept in the database (no shared disk needed to scale
    out): vendor evidence, self-check evidence, retirement proof and contract evidence.

    Not a table of its own: each subclass adds what the file belongs to."""

    filename = CharField(max_length=255)
    content_type = CharField(max_length=100)
    file_kind = CharField(max_length=10)  # pdf, image, office
    size = IntegerField()
    sha256 = CharField(max_length=64)
    data = BlobField()
    uploaded_at = DateTimeField(default=utcnow)
