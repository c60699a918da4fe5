"""Facts derived once: the certificate and evidence expiry dates of each assessment's newest
submission (table expiry_fact), back-filled from the submissions already stored; and indexes
for the lists that are paged and sorted in the database."""

import json

from peewee import CharField, DateField, ForeignKeyField, IntegerField, Model, TextField

from vendorcheck.domain.expiry_dates import expiry_dates
from vendorcheck.domain.questionnaire import Questionnaire

INDEXES = (  # table, columns: the sorts and filters of the paged lists
    ("case", ("created_at",)),
    ("case", ("closed", "created_at")),
    ("assessment", ("status", "deadline")),
    ("assessment", ("invited_at",)),
    ("vendor", ("created_at",)),
    ("audit_event", ("object_type", "object_id")),
    ("audit_event", ("object_type", "at")),
    ("audit_event", ("action", "at")),
    ("audit_event", ("actor_kind", "actor_id", "at")),
    ("register_entry", ("updated_at",)),
    ("contract", ("ends_on",)),
    ("ismap_entry", ("service",)),
)

NEWEST_SUBMISSIONS = """
SELECT s.assessment_id, s.version, s.answers, q.id, q.content
FROM submission s
JOIN assessment a ON a.id = s.assessment_id
JOIN questionnaire_snapshot q ON q.id = a.snapshot_id
WHERE s.version = (SELECT MAX(n.version) FROM submission n WHERE n.assessment_id = s.assessment_id)
ORDER BY s.assessment_id
"""


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Assessment(Base):  # existing table, referenced only
        pass

    class ExpiryFact(Base):
        assessment = ForeignKeyField(Assessment, on_delete="CASCADE")
        submission_version = IntegerField()
        kind = CharField(max_length=12)
        question_id = CharField(max_length=100)
        expires_on = DateField()
        label = TextField(default="")

        class Meta:
            indexes = (
                (("assessment", "kind", "question_id"), True),
                (("kind", "expires_on"), False),
            )

    db.create_tables([ExpiryFact])
    for table, columns in INDEXES:
        name = f"{table}_{'_'.join(columns)}_scale"
        quoted = ", ".join(f'"{column}"' for column in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({quoted})')
    _back_fill(db, ExpiryFact)


def _back_fill(db, ExpiryFact):
    questionnaires: dict[int, Questionnaire] = {}
    rows = []
    for assessment_id, version, answers, snapshot_id, content in db.execute_sql(
        NEWEST_SUBMISSIONS
    ).fetchall():
        if snapshot_id not in questionnaires:
            questionnaires[snapshot_id] = Questionnaire.from_snapshot(json.loads(content))
        try:
            parsed = json.loads(answers or "{}")
        except ValueError:
            parsed = {}
        for fact in expiry_dates(
            questionnaires[snapshot_id], parsed if isinstance(parsed, dict) else {}
        ):
            rows.append(
                {
                    "assessment": assessment_id,
                    "submission_version": version,
                    "kind": fact.kind,
                    "question_id": fact.question_id,
                    "expires_on": fact.expires_on,
                    "label": fact.label,
                }
            )
    for start in range(0, len(rows), 500):
        ExpiryFact.insert_many(rows[start : start + 500]).execute()
