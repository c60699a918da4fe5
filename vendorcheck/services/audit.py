"""Audit events (AUD-01): written in the same transaction as the change they record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vendorcheck.store.db import database
from vendorcheck.store.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who did something: a staff member, a vendor (by assessment) or the system."""

    kind: str
    id: int | None
    label: str
    address: str = ""

    @classmethod
    def system(cls, label: str = "システム") -> Actor:
        return cls("system", None, label)


def _as_json(value: Mapping[str, Any] | None) -> str:
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; call inside the transaction of the change."""
    return AuditEvent.create(
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        before=_as_json(before),
        after=_as_json(after),
        client_address=actor.address[:64],
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    text: str = ""  # a keyword in the summary or the object id
    order: str = "at"  # one of SORTABLE
    descending: bool = True


SORTABLE = {
    "at": AuditEvent.at,
    "actor": AuditEvent.actor_label,
    "action": AuditEvent.action,
    "object": AuditEvent.object_type,
}


def _filtered(criteria: AuditFilter):
    query = AuditEvent.select()
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.object_type:
        query = query.where(AuditEvent.object_type == criteria.object_type)
    if criteria.actor:
        query = query.where(AuditEvent.actor_label.contains(criteria.actor))
    if criteria.since:
        query = query.where(AuditEvent.at >= criteria.since)
    if criteria.until:
        query = query.where(AuditEvent.at < criteria.until)
    text = criteria.text.strip()
    if text:
        query = query.where(AuditEvent.summary.contains(text) | (AuditEvent.object_id == text))
    column = SORTABLE.get(criteria.order, AuditEvent.at)
    if criteria.descending:
        return query.order_by(column.desc(), AuditEvent.id.desc())
    return query.order_by(column, AuditEvent.id)


def search(
    criteria: AuditFilter, *, page: int = 1, per_page: int = 50
) -> tuple[list[AuditEvent], int]:
    """Return one page of matching events (newest first) and the total count."""
    query = _filtered(criteria)
    return list(query.paginate(page, per_page)), query.count()


def newest(limit: int = 10) -> list[AuditEvent]:
    """The newest events, without counting them all (the dashboard's panel)."""
    return list(_filtered(AuditFilter()).limit(limit))


def iter_all(criteria: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching event, streamed in batches, for CSV export.

    It holds its own connection: a streamed response outlives the request's connection.
    """
    with database.connection_context():
        yield from _filtered(criteria).iterator()


def known_actions() -> list[str]:
    return [
        row.action
        for row in AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ]


def known_object_types() -> list[str]:
    query = AuditEvent.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    return [row.object_type for row in query]


def recent_by(actor_kind: str, actor_id: int, limit: int = 10) -> list[AuditEvent]:
    """The newest events one actor caused (the dashboard's "my recent actions")."""
    query = (
        AuditEvent.select()
        .where(AuditEvent.actor_kind == actor_kind, AuditEvent.actor_id == actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(query)
