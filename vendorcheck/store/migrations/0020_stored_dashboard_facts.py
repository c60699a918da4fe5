"""Facts the dashboard reads, stored at the event that makes them (issue 17): the ISMAP check
of each register entry's recorded registration number (services/register_ismap.py keeps it
when the entry is saved and when the lists change), back-filled here from the stored lists;
and the indexes the dashboard's panels read along."""

from peewee import BooleanField, CharField, DateField, Model, TextField

from vendorcheck.domain.ismap import normalise_number
from vendorcheck.domain.ismap_checks import Claim, Entry, lasting_check

BATCH = 500


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("register_entry", "ismap_check_failed", BooleanField(default=False)),
        migrator.add_column("register_entry", "ismap_listed_until", DateField(null=True)),
    )
    _back_fill(db)


def _back_fill(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class RegisterEntry(Base):
        entry_type = CharField()
        name = CharField()
        provider_name = CharField()
        ismap_number = CharField()
        next_review_on = DateField(null=True)
        ismap_check_failed = BooleanField(default=False)
        ismap_listed_until = DateField(null=True)

    class IsmapEntry(Base):
        number = CharField()
        list_kind = CharField()
        service = CharField()
        provider = CharField()
        corporate_number = CharField()
        valid_until = DateField(null=True)
        valid_until_computed = BooleanField()
        scope = TextField()
        removed_on = DateField(null=True)

    claimed = [
        row
        for row in RegisterEntry.select().where(RegisterEntry.entry_type == "service")
        if row.ismap_number.strip()
    ]
    listed = {
        row.number: Entry(
            row.number,
            row.list_kind,
            row.service,
            row.provider,
            row.corporate_number,
            row.valid_until,
            row.valid_until_computed,
            row.scope,
            row.removed_on,
        )
        for row in IsmapEntry.select()
    }
    by_fact: dict[tuple, list[int]] = {}
    for row in claimed:
        claim = Claim(
            normalise_number(row.ismap_number),
            provider=row.provider_name,
            service=row.name,
            until=row.next_review_on,
        )
        fact = lasting_check(claim, listed.get(claim.number))
        by_fact.setdefault(fact, []).append(row.id)
    for (failed, until), ids in by_fact.items():
        for start in range(0, len(ids), BATCH):
            RegisterEntry.update(ismap_check_failed=failed, ismap_listed_until=until).where(
                RegisterEntry.id.in_(ids[start : start + BATCH])
            ).execute()
