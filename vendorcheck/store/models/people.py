"""Organisation, departments, staff, logins, the audit trail, the outbox."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from vendorcheck.store.models.base import BaseModel, utcnow


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
    # The requesting section's contact, shown to vendors on every portal page (migration 0014).
    contact_name = CharField(max_length=100, default="")
    phone = CharField(max_length=30, default="")
    email = CharField(max_length=254, default="")


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


class MailMessage(BaseModel):
    """The outbox: written in the transaction of the event; `vendorcheck send-mail` delivers."""

    to_address = CharField(max_length=254)
    subject = CharField(max_length=300)
    body = TextField()
    dedupe_key = CharField(max_length=200, null=True, unique=True)  # cron-safe reminders
    status = CharField(max_length=10, default="pending", index=True)  # pending, sent, failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    last_error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)


class PortalFailure(BaseModel):
    """A request with a wrong, expired or revoked vendor link: for rate limiting per address."""

    client_address = CharField(max_length=64, index=True)
    at = DateTimeField(default=utcnow, index=True)
