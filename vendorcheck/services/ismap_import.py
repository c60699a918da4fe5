"""Importing an ISMAP / ISMAP-LIU list file (CSV, XLSX, saved HTML) all or nothing: new
entries added, changed ones updated, vanished ones marked removed (never deleted), and a
report of rows read, added, changed, removed and rejected with reasons."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from peewee import IntegrityError

from vendorcheck.documents.table_files import TableFileError, read_table
from vendorcheck.domain import ismap as lists
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.services import audit, register_flags
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.db import database
from vendorcheck.store.models import IsmapEntry, IsmapImport, utcnow

BATCH = 200
CONCURRENT = (
    "同じ時刻に別の取り込み（又は同期）がリストを変更したため、何も変更していません。"
    "もう一度実行してください。"
)
CONTENT_FIELDS = (
    "list_kind",
    "service",
    "provider",
    "corporate_number",
    "registered_on",
    "audited_period_end",
    "valid_until",
    "scope",
    "regions",
    "url",
)


class ImportRefused(ServiceError):
    """The file has a fatal problem: nothing was changed."""

    def __init__(self, message: str, report: ImportReport | None = None) -> None:
        super().__init__(message, field="file")
        self.report = report


@dataclass(frozen=True)
class ListSettings:
    """How list files are read: the header mapping and the number patterns of each list."""

    headers: Mapping[str, tuple[str, ...]]
    patterns: Mapping[str, str]
    max_bytes: int = 20 * 1024 * 1024

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> ListSettings:
        return cls(
            headers=lists.header_mapping(config.get("ISMAP_HEADER_MAP") or {}),  # type: ignore[arg-type]
            patterns={
                lists.ISMAP: str(
                    config.get("ISMAP_NUMBER_PATTERN") or lists.DEFAULT_PATTERNS[lists.ISMAP]
                ),
                lists.LIU: str(
                    config.get("ISMAP_LIU_NUMBER_PATTERN") or lists.DEFAULT_PATTERNS[lists.LIU]
                ),
            },
            max_bytes=int(config.get("ISMAP_MAX_MB") or 20) * 1024 * 1024,  # type: ignore[call-overload]
        )


@dataclass
class ImportReport:
    source: str
    format: str = ""
    encoding: str = ""
    read: int = 0
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # number -> fields changed
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[lists.Rejection] = field(default_factory=list)
    unmapped_headers: list[str] = field(default_factory=list)
    dry_run: bool = False
    import_id: int | None = None

    def lines(self) -> list[str]:
        """The report in Japanese, one line each, for the command and the page."""
        head = "（試行: 何も変更していません）" if self.dry_run else ""
        out = [
            f"{self.source}{head}",
            f"読み込んだ行 {self.read} 件、追加 {len(self.added)} 件、変更 {len(self.changed)} 件、"
            f"削除（リストから消えた） {len(self.removed)} 件、変更なし {self.unchanged} 件、"
            f"取り込めなかった行 {len(self.rejected)} 件",
        ]
        out += [f"  追加: {number}" for number in self.added[:50]]
        out += [
            f"  変更: {number}（{'、'.join(names)}）"
            for number, names in list(self.changed.items())[:50]
        ]
        out += [f"  削除: {number}" for number in self.removed[:50]]
        out += [f"  取り込めなかった行 {r.line}: {r.reason}" for r in self.rejected[:100]]
        if self.unmapped_headers:
            out.append(f"対応づけなかった見出し: {'、'.join(self.unmapped_headers)}")
        return out

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": self.format,
                "encoding": self.encoding,
                "added": self.added,
                "changed": self.changed,
                "removed": self.removed,
                "rejected": [[r.line, r.number, r.reason] for r in self.rejected],
                "unmapped_headers": self.unmapped_headers,
            },
            ensure_ascii=False,
        )


def _is_header(settings: ListSettings):
    def is_header(cells) -> bool:
        columns, _ = lists.map_headers(cells, settings.headers)
        return "number" in columns and ("service" in columns or "provider" in columns)

    return is_header


def parse_file(data: bytes, filename: str, settings: ListSettings, default_list: str | None = None):
    """Read and clean a list file; raise ImportRefused for a fatal problem."""
    if len(data) > settings.max_bytes:
        raise ImportRefused(
            f"ファイルが大きすぎます（上限 {settings.max_bytes // (1024 * 1024)} MB）。何も変更していません。"
        )
    try:
        table = read_table(data, filename, _is_header(settings))
    except TableFileError as error:
        raise ImportRefused(f"{error} 何も変更していません。") from error
    parsed = lists.parse_rows(
        table.headers, table.rows, settings.headers, settings.patterns, default_list
    )
    report = ImportReport(
        filename,
        table.format,
        table.encoding,
        parsed.read,
        rejected=parsed.rejected,
        unmapped_headers=parsed.unmapped_headers,
    )
    if parsed.fatal:
        raise ImportRefused(f"{parsed.fatal} 何も変更していません。", report)
    return parsed, report


def _search_text(row: lists.ListedService) -> str:
    return normalize(f"{row.number} {row.service} {row.provider} {row.corporate_number}")


def _values(
    row: lists.ListedService, source: str, fields: Iterable[str] = CONTENT_FIELDS
) -> dict[str, object]:
    values: dict[str, object] = {
        "number": row.number,
        **{name: getattr(row, name) for name in fields},
        "search_text": _search_text(row),
        "source": source[:500],
    }
    if "valid_until" in fields:
        values["valid_until_computed"] = row.valid_until_computed
    return values


def _changes(existing: IsmapEntry, row: lists.ListedService, fields: Sequence[str]) -> list[str]:
    names = [
        lists.FIELDS.get(name, name)
        for name in fields
        if getattr(existing, name) != getattr(row, name)
    ]
    if existing.removed_on is not None:
        names.insert(0, "リストに再掲載")
    return names


def import_rows(
    parsed: lists.ParsedList,
    report: ImportReport,
    actor: Actor,
    *,
    how: str = "file",
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Apply cleaned rows in one transaction: add, change, mark vanished entries removed."""
    today = today or today_jst()
    report.dry_run = dry_run
    now = utcnow()
    kinds = sorted({row.list_kind for row in parsed.rows})
    fields = [name for name in CONTENT_FIELDS if name in parsed.fields]  # silent columns stay
    keep = {r.number for r in parsed.rejected if r.number}  # a bad row removes nothing
    with database.atomic() as transaction:
        existing = {entry.number: entry for entry in IsmapEntry.select()}
        new_rows, seen = [], []
        for row in parsed.rows:
            entry = existing.get(row.number)
            if entry is None:
                report.added.append(row.number)
                new_rows.append(_values(row, report.source))
                continue
            names = _changes(entry, row, fields)
            if names:
                report.changed[row.number] = names
                if not dry_run:
                    IsmapEntry.update(
                        **_values(row, report.source, fields), last_seen_at=now, removed_on=None
                    ).where(IsmapEntry.id == entry.id).execute()
            else:
                report.unchanged += 1
                seen.append(entry.id)
        listed = {row.number for row in parsed.rows} | keep
        gone = [
            entry
            for entry in existing.values()
            if entry.list_kind in kinds and entry.removed_on is None and entry.number not in listed
        ]
        report.removed = sorted(entry.number for entry in gone)
        report.added.sort()
        if dry_run:
            transaction.rollback()
            return report
        for start in range(0, len(new_rows), BATCH):
            IsmapEntry.insert_many(
                [
                    {**values, "first_seen_at": now, "last_seen_at": now}
                    for values in new_rows[start : start + BATCH]
                ]
            ).execute()
        for start in range(0, len(seen), BATCH * 5):
            IsmapEntry.update(last_seen_at=now).where(
                IsmapEntry.id.in_(seen[start : start + BATCH * 5])
            ).execute()
        for start in range(0, len(gone), BATCH * 5):
            ids = [entry.id for entry in gone[start : start + BATCH * 5]]
            IsmapEntry.update(removed_on=today).where(IsmapEntry.id.in_(ids)).execute()
        register_flags.refresh()  # the register's stored checks and flags follow at once
        record = IsmapImport.create(
            source=report.source[:500],
            how=how,
            actor_label=actor.label[:200],
            read=report.read,
            added=len(report.added),
            changed=len(report.changed),
            removed=len(report.removed),
            rejected=len(report.rejected),
            report=report.as_json(),
        )
        report.import_id = record.id
        audit.record(
            actor,
            "ismap.import",
            "ismap_import",
            record.id,
            f"ISMAPリストを取り込み（{report.source}: 追加 {len(report.added)} 件、変更 "
            f"{len(report.changed)} 件、削除 {len(report.removed)} 件、取り込めなかった行 "
            f"{len(report.rejected)} 件）",
            after={"source": report.source, "lists": kinds, "read": report.read},
        )
    return report


def import_file(
    data: bytes,
    filename: str,
    settings: ListSettings,
    actor: Actor,
    *,
    dry_run: bool = False,
    default_list: str | None = None,
    how: str = "file",
    today: dt.date | None = None,
) -> ImportReport:
    """Import a list file (CSV, XLSX, saved HTML) all or nothing; ImportRefused when fatal."""
    parsed, report = parse_file(data, filename, settings, default_list)
    try:
        return import_rows(parsed, report, actor, how=how, dry_run=dry_run, today=today)
    except IntegrityError as error:  # two imports added the same number at once
        raise ImportRefused(CONCURRENT, report) from error
