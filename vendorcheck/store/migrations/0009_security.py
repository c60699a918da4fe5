"""Proofs (issue 18): the hash of the list content last imported from each ISMAP sync source,
so a second sync that fetches the same bytes (another process, a server without ETag or
Last-Modified) imports nothing twice."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("ismap_source", "content_sha256", CharField(max_length=64, default=""))
    )
