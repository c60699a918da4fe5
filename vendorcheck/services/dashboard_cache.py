"""The dashboard's panels, kept between views until the data changes.

Every change writes an audit event in its own transaction, so the newest audit events are a
version stamp of the data: one indexed query tells whether anything has changed since a panel
was computed. Each panel is kept per scope (role and department, or the staff member for the
panels that depend on who asks) together with the stamp it was computed at; a view with the
same stamp reuses it, any change shows at once. The stamp comes from the database, so the
cache each application keeps in its process is right however many processes serve.

The stamp is the newest id together with how many events the last STAMP_WINDOW ids hold: on
PostgreSQL a transaction that took a lower id may commit after one with a higher id, which
leaves the newest id unchanged but raises the count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from peewee import fn

from vendorcheck.store.models import AuditEvent
from vendorcheck.store.prepared import PreparedQuery

T = TypeVar("T")
STAMP_WINDOW = 1000  # ids behind the newest whose late commits the stamp still notices
MAX_ENTRIES = 512  # panels kept per process (least recently used go first)


def _stamp_query():
    window_start = AuditEvent.select(fn.MAX(AuditEvent.id) - STAMP_WINDOW)
    return AuditEvent.select(fn.MAX(AuditEvent.id), fn.COUNT(AuditEvent.id)).where(
        AuditEvent.id > window_start
    )


_STAMP = PreparedQuery(_stamp_query)  # asked at every view: its text is built once


def data_stamp() -> tuple[int, int]:
    """The version of the data: (newest audit event id, events among the last ids)."""
    row = _STAMP.row() or (0, 0)
    return int(row[0] or 0), int(row[1] or 0)


class PanelCache:
    """Panels by (name, scope), each with the stamp it was computed at; one per application."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, Hashable], tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def panel(self, name: str, scope: Hashable, stamp: Hashable, compute: Callable[[], T]) -> T:
        """The panel `name` for `scope`, computed again only when the stamp has moved."""
        key = (name, scope)
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] == stamp:
                self._entries.move_to_end(key)
                return kept[1]
        value = compute()
        with self._lock:
            self._entries[key] = (stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)
