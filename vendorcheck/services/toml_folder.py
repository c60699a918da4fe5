"""One cache for the folders of TOML files staff edit (questionnaires, clauses).

A folder is read again only when a file is added, removed or changed (name, mtime or size),
so pages and commands see an edit at once without re-parsing on every request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

Stamp = tuple[tuple[str, int, int], ...]
T = TypeVar("T")


def folder_stamp(directory: Path) -> Stamp:
    """Name, mtime and size of each *.toml file of the folder (empty when it is missing)."""
    entries = []
    for path in sorted(directory.glob("*.toml")):
        try:
            status = path.stat()
        except FileNotFoundError:  # removed between glob and stat
            continue
        entries.append((path.name, status.st_mtime_ns, status.st_size))
    return tuple(entries)


class TomlFolder(Generic[T]):
    """What ``read(directory)`` makes of one folder, kept until a file changes."""

    def __init__(self, directory: Path | str, read: Callable[[Path], T]) -> None:
        self.directory = Path(directory)
        self._read = read
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._value: T | None = None

    def current(self) -> T:
        stamp = folder_stamp(self.directory)
        if stamp == self._stamp:
            return self._value  # type: ignore[return-value]
        with self._lock:
            if stamp != self._stamp:
                self._value = self._read(self.directory)
                self._stamp = stamp
            return self._value  # type: ignore[return-value]


_shared: dict[tuple[Path, Callable], TomlFolder] = {}
_shared_lock = threading.Lock()


def shared_folder(directory: Path | str, read: Callable[[Path], T]) -> TomlFolder[T]:
    """The one cache of this folder read this way, shared by every request and thread."""
    key = (Path(directory).resolve(), read)
    with _shared_lock:
        found = _shared.get(key)
        if found is None:
            found = _shared[key] = TomlFolder(key[0], read)
    return found
