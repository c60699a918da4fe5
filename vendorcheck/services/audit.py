"""Audit events (AUD-01): written in the same transaction as the change they record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from peewee import Field, Select, fn

from vendorcheck.store.db import database
from vendorcheck.store.models import AuditEvent
from vendorcheck.store.prepared import PreparedSelect, as_given


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


SORTABLE = {  # each along an index ending in (at, id) or id
    "at": (AuditEvent.at,),
    "actor": (AuditEvent.actor_label, AuditEvent.at),  # each actor's events in time order
    "action": (AuditEvent.action,),
    "object": (AuditEvent.object_type,),
}


def _filtered(criteria: AuditFilter):
    query = AuditEvent.select()
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.object_type:
        query = query.where(AuditEvent.object_type == criteria.object_type)
    if criteria.actor:
        query = query.where(_actor_condition(criteria.actor))
    if criteria.since:
        query = query.where(AuditEvent.at >= criteria.since)
    if criteria.until:
        query = query.where(AuditEvent.at < criteria.until)
    text = criteria.text.strip()
    if text:
        query = query.where(AuditEvent.summary.contains(text) | (AuditEvent.object_id == text))
    columns = [*SORTABLE.get(criteria.order, SORTABLE["at"]), AuditEvent.id]
    if criteria.descending:
        return query.order_by(*(column.desc() for column in columns))
    return query.order_by(*columns)


def _actor_condition(text: str):
    """The labels containing the text are looked up first (along the index): none matches,
    nothing to read; one, the events of that actor along (actor_label, at, id); several,
    the text is matched along the time index, where a page fills quickly."""
    labels = actors_like(text)
    if len(labels) == 1:
        return AuditEvent.actor_label == labels[0]
    if not labels:
        return AuditEvent.id.is_null()
    return AuditEvent.actor_label.contains(text)


COUNT_LIMIT = 10_000  # the log counts its matches up to this many, then says "or more"


@dataclass(frozen=True)
class EventPage:
    rows: list[AuditEvent]
    total: int  # at most COUNT_LIMIT
    page: int  # the page shown: the one asked for, or the last one counted
    more: bool  # more than COUNT_LIMIT events match


def search(criteria: AuditFilter, *, page: int = 1, per_page: int = 50) -> EventPage:
    """One page of matching events and their count, bounded by COUNT_LIMIT: counting stops
    at the limit, so the cost does not grow with years of history (two queries)."""
    query = _filtered(criteria)
    counted = query.order_by().limit(COUNT_LIMIT + 1).count()
    total = min(counted, COUNT_LIMIT)
    page = max(1, min(page, -(-total // per_page)))
    return EventPage(list(query.paginate(page, per_page)), total, page, counted > COUNT_LIMIT)


# What the dashboard's lists show of an event (not the before and after it records): their
# text built once per database (and limit).
_LISTED = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.actor_label,
    AuditEvent.action,
    AuditEvent.summary,
)
_NEWEST = PreparedSelect(lambda limit: _filtered(AuditFilter()).select(*_LISTED).limit(limit))
_BY_ACTOR = PreparedSelect(
    lambda limit, kind, actor_id: (
        AuditEvent.select(*_LISTED)
        .where(AuditEvent.actor_kind == as_given(kind), AuditEvent.actor_id == as_given(actor_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
)


def newest(limit: int = 10) -> list[AuditEvent]:
    """The newest events, without counting them all (the dashboard's panel: their time, actor,
    action and summary)."""
    return _NEWEST.rows(limit)


def iter_all(criteria: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching event, streamed in batches, for CSV export.

    It holds its own connection: a streamed response outlives the request's connection. The
    database is the one bound when the stream starts, not whatever the proxy names when the
    stream is closed (a stream dropped unread is closed whenever it is collected).
    """
    with database.obj.connection_context():
        yield from _filtered(criteria).iterator()


def _distinct(column: Field) -> list[str]:
    """The distinct values of an indexed column, smallest first, by one index probe per value
    (a recursive skip scan) instead of reading every event: the same cost at any size."""
    seen = AuditEvent.select(fn.MIN(column).alias("v")).cte("seen", recursive=True)
    following = AuditEvent.select(fn.MIN(column)).where(column > seen.c.v)
    seen = seen.union_all(Select([seen], [following]).where(seen.c.v.is_null(False)))
    query = seen.select_from(seen.c.v).where(seen.c.v.is_null(False))
    return [value for (value,) in query.tuples()]


def known_actions() -> list[str]:
    return _distinct(AuditEvent.action)


def known_object_types() -> list[str]:
    return _distinct(AuditEvent.object_type)


def actors_like(text: str) -> list[str]:
    """The actor labels containing the text, found among the distinct labels (indexed)."""
    wanted = text.casefold()
    return [label for label in _distinct(AuditEvent.actor_label) if wanted in label.casefold()]


def recent_by(actor_kind: str, actor_id: int, limit: int = 10) -> list[AuditEvent]:
    """The newest events one actor caused (the dashboard's "my recent actions": their time,
    action and summary)."""
    return _BY_ACTOR.rows(limit, actor_kind, actor_id)
