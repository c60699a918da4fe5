"""When each assessment's newest version was submitted, kept on the assessment (issue 17): the
dashboard's "waiting for review" list is the newest submissions first, and reading that time
from the submissions meant reading past each one's answers (the JSON before it in the row) for
every submitted assessment and sorting them all. services/answers.submit writes it with the
new version; here it is back-filled from the submissions, and an index gives the list in order."""

from peewee import DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("assessment", "last_submitted_at", DateTimeField(null=True))
    )
    back_fill(db)
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "assessment_status_last_submitted_at_id" '
        'ON "assessment" ("status", "last_submitted_at", "id")'
    )


def back_fill(db):
    db.execute_sql(
        'UPDATE "assessment" SET "last_submitted_at" = (SELECT s."submitted_at" FROM '
        '"submission" AS s WHERE s."assessment_id" = "assessment"."id" '
        'AND s."version" = "assessment"."submitted_version")'
    )
