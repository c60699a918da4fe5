"""The stored ISMAP and ISMAP-LIU lists: look entries up, check a claimed registration
(`check_claim`, for answers, vendor certifications and register entries), search, and the
lists' status (counts, sync sources, what the last import changed). Importing is in
`ismap_import`, syncing in `ismap_sync`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from peewee import fn

from vendorcheck.domain import ismap as lists
from vendorcheck.domain.ismap_checks import Claim, ClaimCheck, Entry
from vendorcheck.domain.ismap_checks import check_claim as judge_claim
from vendorcheck.domain.jp import normalize, today_jst, wareki
from vendorcheck.services.paging import Page, PageRequest, page_of
from vendorcheck.store.models import IsmapEntry, IsmapImport, IsmapSource
from vendorcheck.store.prepared import MAX_LISTED, PreparedSelect, given

SEARCH_LIMIT = 200


# --- looking up and checking -----------------------------------------------------------------


def as_entry(row: IsmapEntry) -> Entry:
    return Entry(
        row.number,
        row.list_kind,
        row.service,
        row.provider,
        row.corporate_number,
        row.valid_until,
        row.valid_until_computed,
        row.scope,
        row.removed_on,
    )


# What a check reads of an entry (not its search text, source or sighting times).
_ENTRY_FIELDS = (
    IsmapEntry.number,
    IsmapEntry.list_kind,
    IsmapEntry.service,
    IsmapEntry.provider,
    IsmapEntry.corporate_number,
    IsmapEntry.valid_until,
    IsmapEntry.valid_until_computed,
    IsmapEntry.scope,
    IsmapEntry.removed_on,
)
# Scoring looks up a few numbers at each view: the text is built once per database and count.
_ENTRIES = PreparedSelect(
    lambda _key, *numbers: IsmapEntry.select(*_ENTRY_FIELDS).where(
        IsmapEntry.number.in_(given(numbers))
    )
)


def entries_for(numbers: Iterable[str]) -> dict[str, Entry]:
    """The stored entries of these numbers (normalised), in one query."""
    wanted = sorted({lists.normalise_number(n) for n in numbers if n})
    if not wanted:
        return {}
    if len(wanted) <= MAX_LISTED:
        rows = _ENTRIES.rows(None, *wanted)
    else:
        rows = IsmapEntry.select(*_ENTRY_FIELDS).where(IsmapEntry.number.in_(wanted))
    return {row.number: as_entry(row) for row in rows}


def check_claims(claims: Iterable[Claim], today: dt.date | None = None) -> list[ClaimCheck]:
    """Check many claims with one query."""
    claims = list(claims)
    today = today or today_jst()
    entries = entries_for(claim.number for claim in claims)
    return [
        judge_claim(claim, entries.get(lists.normalise_number(claim.number)), today)
        for claim in claims
    ]


def check_claim(
    number: str,
    *,
    provider: str = "",
    corporate_number: str = "",
    service: str = "",
    until: dt.date | None = None,
    list_kind: str | None = None,
    partly_out_of_scope: bool = False,
    today: dt.date | None = None,
) -> ClaimCheck:
    """Check one claimed registration (an answer, a vendor certification or a register entry)."""
    claim = Claim(
        lists.normalise_number(number),
        list_kind,
        provider,
        corporate_number,
        service,
        until,
        partly_out_of_scope,
    )
    return check_claims([claim], today)[0]


def check_lines(check: ClaimCheck) -> list[str]:
    """A check in Japanese, one line each: for the command."""
    entry = check.entry
    lines = [f"登録番号 {check.claim.number}: {check.state_label}"]
    if entry is not None:
        validity = wareki(entry.valid_until) if entry.valid_until else "記載なし"
        computed = "（監査対象期間の末日から算出）" if entry.valid_until_computed else ""
        lines += [
            f"  リスト: {lists.LIST_NAMES[entry.list_kind]}",
            f"  サービス: {entry.service}",
            f"  事業者: {entry.provider}",
            f"  有効期限: {validity}{computed}",
        ]
        if entry.removed_on:
            lines.append(f"  リストから削除: {wareki(entry.removed_on)}")
    lines += [f"  指摘（重大度「{label}」）: {reason}" for label, reason in check.labelled_findings]
    lines += [f"  確認: {note}" for note in check.notes]
    return lines


def _matching(text: str, list_kind: str, include_removed: bool):
    query = IsmapEntry.select()
    for word in normalize(text).split():
        query = query.where(IsmapEntry.search_text.contains(word))
    if list_kind in lists.LIST_NAMES:
        query = query.where(IsmapEntry.list_kind == list_kind)
    if not include_removed:
        query = query.where(IsmapEntry.removed_on.is_null())
    return query


def search(text: str = "", list_kind: str = "", include_removed: bool = False):
    """Entries whose number, service or provider contains the text (NFKC, case-folded)."""
    query = _matching(text, list_kind, include_removed).order_by(IsmapEntry.number)
    return list(query.limit(SEARCH_LIMIT))


def page_of_search(
    text: str, list_kind: str, include_removed: bool, *, page: int = 1, per_page: int = 50
) -> Page:
    """One page of the search, by registration number (its unique index): three queries."""
    wanted = PageRequest("number", False, page, per_page)
    return page_of(
        _matching(text, list_kind, include_removed), {"number": ()}, wanted, IsmapEntry.number
    )


@dataclass(frozen=True)
class ListStatus:
    counts: dict[str, int]
    removed: int
    sources: list[IsmapSource]
    last_import: IsmapImport | None
    last_report: dict

    @property
    def empty(self) -> bool:
        return not any(self.counts.values()) and not self.removed


def list_status() -> ListStatus:
    """Entries per list, the sync sources and what the last import changed."""
    counts = {kind: 0 for kind in lists.LIST_NAMES}
    removed = 0
    gone = IsmapEntry.removed_on.is_null(False)
    grouped = IsmapEntry.select(IsmapEntry.list_kind, gone, fn.COUNT(IsmapEntry.id))
    for kind, is_removed, n in grouped.group_by(IsmapEntry.list_kind, gone).tuples():
        if is_removed:
            removed += n
        else:
            counts[kind] = counts.get(kind, 0) + n
    last = IsmapImport.select().order_by(IsmapImport.id.desc()).first()
    return ListStatus(
        counts,
        removed,
        list(IsmapSource.select().order_by(IsmapSource.url)),
        last,
        json.loads(last.report) if last else {},
    )
