"""Facts derived once, when the event that creates them happens (migration 0008).

The dashboard and the reminders read these rows with indexed queries instead of parsing every
submission on every view; services/expiry_facts.py writes them in the transaction of the
submission and can recompute them all to check them.
"""

from __future__ import annotations

from peewee import CharField, DateField, ForeignKeyField, IntegerField, TextField

from vendorcheck.store.models.base import BaseModel
from vendorcheck.store.models.vetting import Assessment


class ExpiryFact(BaseModel):
    """A certificate or evidence expiry date in an assessment's newest submitted answers."""

    assessment = ForeignKeyField(Assessment, backref="+", on_delete="CASCADE")
    submission_version = IntegerField()
    kind = CharField(max_length=12)  # certificate, evidence (domain/expiry_dates.py)
    question_id = CharField(max_length=100)
    expires_on = DateField()
    label = TextField(default="")  # the question's Japanese text, as in the snapshot

    class Meta:
        indexes = (
            (("assessment", "kind", "question_id"), True),
            (("kind", "expires_on"), False),
        )
