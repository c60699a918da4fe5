"""A submitted version keeps the vendor's comments beside its answers (the チェックシート's
comment cells): a JSON object of question id to comment."""

from peewee import TextField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_column("submission", "comments", TextField(default="{}")))
