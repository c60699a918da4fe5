"""peewee models: the tables of the running application.

Migrations in ``migrations/`` hold frozen copies; change both together and
add a numbered migration for every schema change.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from vendorcheck.store.db import database


def utcnow() -> dt.datetime:
    """Naive UTC now: every timestamp is stored in UTC and shown in JST."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Organisation(BaseModel):
    """The single row of organisation-wide settings."""

    name = CharField(max_length=200)
    classification_scheme = CharField(max_length=20, default="classic")
    classification_extra_levels = TextField(default="")  # "2A=2\n2B=2": local sub-levels
    party_terms = CharField(max_length=20, default="itaku")  # itaku: 委託者/受託者, kou: 甲/乙
    incident_report_hours = IntegerField(default=24)
    updated_at = DateTimeField(default=utcnow)


class Department(BaseModel):
    name = CharField(max_length=100, unique=True)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Staff(BaseModel):
    login_id = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=100)
    email = CharField(max_length=254, default="")
    role = CharField(max_length=20)
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
    password_hash = CharField(max_length=255)
    must_change_password = BooleanField(default=True)
    active = BooleanField(default=True)
    # Changing this invalidates every session that was issued before.
    session_nonce = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)
    password_changed_at = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)


class LoginAttempt(BaseModel):
    login_id = CharField(max_length=64, index=True)
    client_address = CharField(max_length=64, index=True)
    succeeded = BooleanField()
    at = DateTimeField(default=utcnow, index=True)


class AuditEvent(BaseModel):
    """Append-only: database triggers refuse UPDATE and DELETE."""

    at = DateTimeField(default=utcnow, index=True)
    actor_kind = CharField(max_length=10)  # staff / vendor / system
    actor_id = IntegerField(null=True)
    actor_label = CharField(max_length=200)
    action = CharField(max_length=64, index=True)
    object_type = CharField(max_length=40, index=True)
    object_id = CharField(max_length=64, default="")
    summary = TextField(default="")
    before = TextField(default="")
    after = TextField(default="")
    client_address = CharField(max_length=64, default="")


ALL_MODELS: tuple[type[BaseModel], ...] = (
    Organisation,
    Department,
    Staff,
    LoginAttempt,
    AuditEvent,
)
