"""Contracts link to the register entry of the service they are for; a re-confirmation records
the register entry's review that asked for it."""

from peewee import ForeignKeyField, Model
from playhouse.migrate import migrate


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class RegisterEntry(Base):  # existing tables, referenced only
        pass

    class RegisterReview(Base):
        pass

    migrate(
        migrator.add_column(
            "contract",
            "register_entry_id",
            ForeignKeyField(RegisterEntry, field=RegisterEntry.id, null=True, on_delete="SET NULL"),
        ),
        migrator.add_column(
            "reconfirmation",
            "register_review_id",
            ForeignKeyField(
                RegisterReview, field=RegisterReview.id, null=True, on_delete="SET NULL"
            ),
        ),
    )
