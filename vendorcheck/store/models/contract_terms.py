"""Contract terms of annexes: the time limits they state, personal information per case,
staff's resolutions of contract conflicts and the organisation's term in questionnaires."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from vendorcheck.store.models.base import BaseModel, utcnow
from vendorcheck.store.models.people import Staff
from vendorcheck.store.models.vetting import Assessment, Case


class ContractLimitSetting(BaseModel):
    """The single row of the time limits annexes state, beside the first-report hours."""

    written_report_days = IntegerField(default=7)
    return_days = IntegerField(default=30)
    erasure_certificate_days = IntegerField(default=14)
    corrective_plan_days = IntegerField(default=14)
    updated_at = DateTimeField(default=utcnow)


class CaseInformationHandling(BaseModel):
    """Whether a case handles personal information and 特定個人情報 (one row per case)."""

    case = ForeignKeyField(Case, unique=True, backref="handling", on_delete="CASCADE")
    personal_information = BooleanField(default=False)
    specific_personal_information = BooleanField(default=False)


class ConflictResolution(BaseModel):
    """Staff's decision on one contract conflict: accept the vendor's position or remediate."""

    assessment = ForeignKeyField(Assessment, backref="conflict_resolutions", on_delete="CASCADE")
    question_id = CharField(max_length=100)
    answer_value = CharField(max_length=100)
    decision = CharField(max_length=20)  # accept | remediate
    condition_text = TextField()  # the individual condition, or the remediation asked for
    reason = TextField(default="")
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)


class OrganisationWording(BaseModel):
    """How the organisation calls itself in questionnaires (当団体, 当組合, 当市 …)."""

    self_term = CharField(max_length=20, default="当団体")
