"""Leased rows: how the periodic commands (``send-mail``, ``check-official-links``) take work
so that two runs at once, on one machine or several, never take the same row.

A run selects the rows that are due and not leased, and stamps them leased until a time, in one
short transaction. On PostgreSQL the select is ``FOR UPDATE SKIP LOCKED``, so a concurrent run
skips what this one is taking instead of waiting for it; SQLite's IMMEDIATE transactions already
make runs take turns. A run that dies leaves its lease, which simply ends: the work is delayed,
never lost or done twice."""

from __future__ import annotations

import datetime as dt

from peewee import Field, ModelSelect

from vendorcheck.store.db import is_sqlite


def lease_rows(query: ModelSelect, leased_until: Field, until: dt.datetime) -> list:
    """The rows of ``query`` (which selects only due, unleased rows), leased until ``until``.

    Call inside the transaction that takes the work; the caller's filter decides what is due."""
    if not is_sqlite():
        query = query.for_update("FOR UPDATE SKIP LOCKED")
    rows = list(query)
    if rows:
        model = query.model
        model.update({leased_until: until}).where(model.id.in_([row.id for row in rows])).execute()
    return rows
