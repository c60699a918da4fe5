"""Contract terms: the time limits annexes state, personal information handled per case,
staff's resolutions of contract conflicts, and the organisation's own term in questionnaires."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

SEEDS = ("contract_limit_setting", "organisation_wording")  # one row of defaults each


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):  # existing table, referenced only
        pass

    class Case(Base):  # existing table, referenced only
        pass

    class Assessment(Base):  # existing table, referenced only
        pass

    class ContractLimitSetting(Base):
        written_report_days = IntegerField(default=7)
        return_days = IntegerField(default=30)
        erasure_certificate_days = IntegerField(default=14)
        corrective_plan_days = IntegerField(default=14)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

    class CaseInformationHandling(Base):
        case = ForeignKeyField(Case, unique=True, on_delete="CASCADE")
        personal_information = BooleanField(default=False)
        specific_personal_information = BooleanField(default=False)

    class ConflictResolution(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        question_id = CharField(max_length=100)
        answer_value = CharField(max_length=100)
        decision = CharField(max_length=20)
        condition_text = TextField()
        reason = TextField(default="")
        staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

    class OrganisationWording(Base):
        self_term = CharField(max_length=20, default="当団体")

    db.create_tables(
        [ContractLimitSetting, CaseInformationHandling, ConflictResolution, OrganisationWording]
    )
    ContractLimitSetting.create()
    OrganisationWording.create()
