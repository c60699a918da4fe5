"""The role column of register_person holds "administrator" (13 characters): widen it to 20.

Migration 0005 made it varchar(12), which PostgreSQL enforces, so naming a 管理者・担当者 failed
there. SQLite does not enforce a varchar length; its table is left as it is."""

from peewee import PostgresqlDatabase

ROLE_LENGTH = 20


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"ALTER TABLE register_person ALTER COLUMN role TYPE varchar({ROLE_LENGTH})")
