"""The register's flags stored (issue 17): a row per flag of each entry not retired with the
first day it is raised (domain/registers.flag_dates), their counts by department, flag and
month of that day, and the indexes the dashboard reads them along;
services/register_flags.py keeps them at every change they read.
Back-filled here from the entries, the ISMAP checks migration 0020 stored, and the
organisation's classification scheme."""

from collections import Counter

from peewee import (
    BooleanField,
    CharField,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from vendorcheck.domain import registers as reg
from vendorcheck.domain.classification import build_scheme

BATCH = 500


def up(migrator, db):
    models = _models(db)
    db.create_tables([models["RegisterFlag"], models["RegisterFlagCount"]])
    _back_fill(db)


def _models(db) -> dict[str, type[Model]]:
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Organisation(Base):
        classification_scheme = CharField()
        classification_extra_levels = TextField()

    class Department(Base):
        sort_order = IntegerField()

    class RegisterEntry(Base):
        entry_type = CharField()
        status = CharField()
        department = ForeignKeyField(Department, null=True)
        name_normalized = CharField()
        mfa_enabled = BooleanField()
        platform_verified = BooleanField()
        official_page_url = CharField()
        listed_on_website = BooleanField(null=True)
        last_post_on = DateField(null=True)
        next_review_on = DateField(null=True)
        needs_responsible = BooleanField()
        classification_level = CharField()
        ismap_number = CharField()
        ismap_check_failed = BooleanField()
        ismap_listed_until = DateField(null=True)

    class RegisterFlag(Base):
        entry = ForeignKeyField(RegisterEntry, on_delete="CASCADE", index=False)
        flag = CharField(max_length=20)
        since = DateField()
        in_use = BooleanField()
        department = ForeignKeyField(Department, null=True, on_delete="SET NULL", index=False)
        department_order = IntegerField(null=True)
        name_normalized = CharField(max_length=200)

        class Meta:
            indexes = (
                (("entry", "flag"), True),
                (("in_use", "since", "department", "flag"), False),
                (
                    ("in_use", "department_order", "name_normalized", "entry", "flag", "since"),
                    False,
                ),
                (("in_use", "department", "name_normalized", "entry", "flag", "since"), False),
            )

    class RegisterFlagCount(Base):
        department_key = IntegerField()
        flag = CharField(max_length=20)
        month = DateField()
        entries = IntegerField(default=0)

        class Meta:
            indexes = ((("department_key", "flag", "month"), True),)

    return {
        "RegisterFlagCount": RegisterFlagCount,
        "Organisation": Organisation,
        "Department": Department,
        "RegisterEntry": RegisterEntry,
        "RegisterFlag": RegisterFlag,
    }


def _scheme(organisation):
    """The organisation's scheme; its extra levels are stored as validated CODE=TIER lines."""
    if organisation is None:
        return build_scheme("classic")
    extra = {}
    for line in (organisation.classification_extra_levels or "").splitlines():
        code, _, tier = line.partition("=")
        if code.strip() and tier.strip().isdigit():
            extra[code.strip()] = int(tier.strip())
    return build_scheme(organisation.classification_scheme, extra)


def _back_fill(db):
    models = _models(db)
    Organisation, Department = models["Organisation"], models["Department"]
    RegisterEntry, RegisterFlag = models["RegisterEntry"], models["RegisterFlag"]
    scheme = _scheme(Organisation.select().order_by(Organisation.id).first())
    orders = {row.id: row.sort_order for row in Department.select()}
    rows = []
    for entry in RegisterEntry.select().order_by(RegisterEntry.id):
        facts = reg.EntryFacts(
            entry_type=entry.entry_type,
            status=entry.status,
            mfa_enabled=entry.mfa_enabled,
            platform_verified=entry.platform_verified,
            official_page_url=entry.official_page_url,
            listed_on_website=entry.listed_on_website,
            last_post_on=entry.last_post_on,
            next_review_on=entry.next_review_on,
            needs_responsible=entry.needs_responsible,
            classification_tier=scheme.tier_or_lowest(entry.classification_level),
            ismap_number=entry.ismap_number,
            ismap_check_failed=entry.ismap_check_failed,
            ismap_listed_until=entry.ismap_listed_until,
        )
        for flag, since in reg.flag_dates(facts).items():
            rows.append(
                {
                    "entry": entry.id,
                    "flag": flag,
                    "since": since,
                    "in_use": entry.status in reg.IN_USE,
                    "department": entry.department_id,
                    "department_order": orders.get(entry.department_id),
                    "name_normalized": entry.name_normalized,
                }
            )
    for start in range(0, len(rows), BATCH):
        RegisterFlag.insert_many(rows[start : start + BATCH]).execute()
    counts = Counter(
        (row["department"] or 0, row["flag"], row["since"].replace(day=1))
        for row in rows
        if row["in_use"]
    )
    values = [
        {"department_key": key[0], "flag": key[1], "month": key[2], "entries": number}
        for key, number in sorted(counts.items())
    ]
    for start in range(0, len(values), BATCH):
        models["RegisterFlagCount"].insert_many(values[start : start + BATCH]).execute()
