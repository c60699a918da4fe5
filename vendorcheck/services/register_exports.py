"""The register leaves vendorcheck as Word, CSV or Excel, whole or for one department: the same
columns in every format (the register fields plus state, department and people today)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from vendorcheck.documents.csv_export import to_csv_bytes
from vendorcheck.documents.register_export import register_docx, register_xlsx
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.register_fields import ENTRY_FIELDS
from vendorcheck.domain.uploads import CSV_TYPE, DOCX_TYPE, XLSX_TYPE
from vendorcheck.services import register_people
from vendorcheck.services.errors import Forbidden, ServiceError
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.models import Department, RegisterEntry

FORMATS = ("docx", "csv", "xlsx")
LEADING = (("id", "番号"), ("entry_type", "種類"), ("status", "状態"), ("department", "部局"))
PEOPLE = tuple((role, label) for role, label in reg.PERSON_ROLES.items())
HEADERS = (
    *(label for _, label in LEADING),
    *(spec.label for spec in ENTRY_FIELDS),
    *(label for _, label in PEOPLE),
)
# The Word table is landscape A4: only the columns a printed register needs.
DOCX_COLUMNS = (
    "番号",
    "種類",
    "状態",
    "部局",
    "名称（サービス名・アカウント名）",
    "提供事業者",
    "URL",
    "利用目的",
    "取り扱う情報の最も高い分類",
    "責任者",
    "副責任者",
    "利用開始日",
    "次回点検日",
)


@dataclass(frozen=True)
class Export:
    data: bytes
    filename: str
    content_type: str
    count: int


CONTENT_TYPES = {"docx": DOCX_TYPE, "csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def _person_text(holder) -> str:
    if holder is None:
        return ""
    return f"{holder.name}（{holder.department_name}）" if holder.department_name else holder.name


def rows_for(
    reader: Reader, department_name: str | None, today: dt.date
) -> tuple[str, list[list[object]]]:
    """The rows the reader may see (optionally one department), oldest first."""
    query = RegisterEntry.select(RegisterEntry, Department).join(
        Department, JOIN.LEFT_OUTER, on=RegisterEntry.department == Department.id
    )
    scope = "全部局"
    if department_name:
        department = Department.get_or_none(Department.name == department_name.strip())
        if department is None:
            raise ServiceError(f"部局「{department_name}」は登録されていません。")
        if not reader.may_read(department.id):
            raise Forbidden("他の部局の台帳は書き出せません。")
        query = query.where(RegisterEntry.department == department)
        scope = department.name
    elif not reader.sees_all:
        query = query.where(RegisterEntry.department == (reader.department_id or 0))
        scope = "所管部局"
    entries = list(query.order_by(RegisterEntry.id))
    people = register_people.holders_of_many([e.id for e in entries], today)
    rows = []
    for entry in entries:
        holders = people[entry.id]
        rows.append(
            [
                entry.id,
                reg.ENTRY_TYPE_LABELS.get(entry.entry_type, entry.entry_type),
                reg.STATUS_LABELS.get(entry.status, entry.status),
                entry.department.name if entry.department_id else "",
                *(
                    reg.PLATFORMS.get(entry.platform, entry.platform)
                    if spec.name == "platform"
                    else getattr(entry, spec.name)
                    for spec in ENTRY_FIELDS
                ),
                *(_person_text(holders[role]) for role, _ in PEOPLE),
            ]
        )
    return scope, rows


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def export_register(
    reader: Reader, file_format: str, department_name: str | None = None, today=None
) -> Export:
    if file_format not in FORMATS:
        raise ServiceError("形式は docx・csv・xlsx のいずれかを指定してください。")
    today = today or today_jst()
    scope, rows = rows_for(reader, department_name, today)
    organisation = get_organisation().name
    title = f"外部サービス・SNS アカウント台帳（{scope}）"
    stem = f"台帳_{scope}_{today.isoformat()}"
    if file_format == "csv":
        data = to_csv_bytes(HEADERS, ([_iso(v) for v in row] for row in rows))
    elif file_format == "xlsx":
        data = register_xlsx("台帳", HEADERS, rows)
    else:
        positions = [HEADERS.index(name) for name in DOCX_COLUMNS]
        data = register_docx(
            title,
            organisation,
            today,
            DOCX_COLUMNS,
            [[row[i] for i in positions] for row in rows],
        )
    return Export(data, f"{stem}.{file_format}", CONTENT_TYPES[file_format], len(rows))
