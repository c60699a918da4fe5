"""The one evidence quota of every table of stored files: what an owner (an assessment, a use
application, a register entry, a contract) already holds per subject (a question, a report, an
item) and in all, checked before a file is stored, inside the storing transaction.

The owner's row is locked first on PostgreSQL (SELECT … FOR UPDATE), so two uploads at once
cannot both squeeze past the limit; SQLite transactions here take the write lock when they
begin (IMMEDIATE), which serialises them anyway."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peewee import Field, Model, fn

from vendorcheck.domain.uploads import (
    ANSWER_WORDS,
    EvidenceQuota,
    QuotaWords,
    StoredEvidence,
    quota_problem,
    with_file,
)
from vendorcheck.store.db import database

_MB = 1024 * 1024


@dataclass(frozen=True)
class NewFile:
    """A file about to be stored: its subject, its size and the name the vendor gave it."""

    subject: str
    size: int
    filename: str


@dataclass(frozen=True)
class Holder:
    """Where one table keeps its files: the owner's column, the subject's column (None when the
    owner holds one pile only) and the words of its messages."""

    model: type[Model]
    owner: Field
    subject: Field | None = None
    words: QuotaWords = ANSWER_WORDS


def quota_from_settings(config: Mapping[str, object]) -> EvidenceQuota:
    """The quota from the EVIDENCE_MAX_* settings (one set for every table of evidence)."""
    return EvidenceQuota(
        files_per_question=int(config["EVIDENCE_MAX_FILES_PER_QUESTION"]),  # type: ignore[call-overload]
        bytes_per_question=int(config["EVIDENCE_MAX_MB_PER_QUESTION"]) * _MB,  # type: ignore[call-overload]
        files_per_assessment=int(config["EVIDENCE_MAX_FILES_PER_ASSESSMENT"]),  # type: ignore[call-overload]
        bytes_per_assessment=int(config["EVIDENCE_MAX_MB_PER_ASSESSMENT"]) * _MB,  # type: ignore[call-overload]
    )


def stored(holder: Holder, owner_id: int) -> StoredEvidence:
    """The owner's live files, counted and summed per subject in one query."""
    model = holder.model
    subject = holder.subject if holder.subject is not None else fn.MIN("")
    query = model.select(subject, fn.COUNT(model.id), fn.SUM(model.size)).where(
        holder.owner == owner_id
    )
    if "removed_at" in model._meta.fields:
        query = query.where(model.removed_at.is_null())
    if holder.subject is not None:
        query = query.group_by(holder.subject)
    by_subject: dict[str, tuple[int, int]] = {}
    for key, files, size in query.tuples():
        if files:
            by_subject[str(key or "")] = (int(files), int(size or 0))
    files = sum(f for f, _ in by_subject.values())
    return StoredEvidence(by_subject, files, sum(s for _, s in by_subject.values()))


def problem(
    holder: Holder, owner_id: int, new_files: Sequence[NewFile], quota: EvidenceQuota
) -> tuple[NewFile, str] | None:
    """The first new file that would pass the quota and why, or None. Call inside the
    transaction that stores the files, after any removal of the same save."""
    owner_model = holder.owner.rel_model if hasattr(holder.owner, "rel_model") else None
    if database.for_update and owner_model is not None:
        list(owner_model.select(owner_model.id).where(owner_model.id == owner_id).for_update())
    holdings = stored(holder, owner_id)
    for new in new_files:
        subject = new.subject if holder.subject is not None else ""
        reason = quota_problem(quota, holdings, subject, new.size, holder.words)
        if reason:
            return new, reason
        holdings = with_file(holdings, subject, new.size)
    return None
