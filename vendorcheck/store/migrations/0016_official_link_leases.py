"""check-official-links leases the SNS accounts it checks, so runs at the same time check each
account once (a lease left by a run that died ends by itself)."""

from peewee import DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("register_entry", "link_check_leased_until", DateTimeField(null=True))
    )
