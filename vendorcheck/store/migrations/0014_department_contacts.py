"""Departments get a contact person, phone and mail, shown to vendors in the portal's help box."""

from peewee import CharField

COLUMNS = (
    ("contact_name", 100),
    ("phone", 30),
    ("email", 254),
)


def up(migrator, db):
    migrator.migrate(
        *(
            migrator.add_column("department", name, CharField(max_length=length, default=""))
            for name, length in COLUMNS
        )
    )
