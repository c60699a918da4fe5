"""Indexes for the list sorts and filters that had none (issue 17): the audit log sorted or
filtered by who acted (its filter and the form's choices find the distinct values along an
index), in time order with the id as tie breaker, and the
vendor list sorted by contact, address or date of change. Each ends with the id, the tie
breaker of every list, so a page is read straight off the index on PostgreSQL as on SQLite."""

INDEXES = (  # table, columns
    ("audit_event", ("actor_label", "at", "id")),
    ("audit_event", ("at", "id")),
    ("vendor", ("contact_name", "id")),
    ("vendor", ("contact_email", "id")),
    ("vendor", ("updated_at", "id")),
)


def up(migrator, db):
    for table, columns in INDEXES:
        name = f"{table}_{'_'.join(columns)}_list"
        quoted = ", ".join(f'"{column}"' for column in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({quoted})')
