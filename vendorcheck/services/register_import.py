"""Import an existing register (CSV in UTF-8, UTF-8 with BOM or CP932, or Excel): every row is
checked first, a dry run lists each row it would reject and why, and nothing is written
unless every row is accepted."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl import load_workbook

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.domain.register_fields import ENTRY_FIELDS, FieldError, clean_value, fields_for
from vendorcheck.services import audit, register_flags, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Forbidden, ServiceError
from vendorcheck.services.register_exports import HEADERS
from vendorcheck.services.registers import tier_of
from vendorcheck.store.db import database
from vendorcheck.store.models import Department, RegisterEntry, Staff

MAX_ROWS = 20000
IMPORTED = "既存の台帳から取り込み"
# The people read besides the 責任者, in the export's columns.
OTHER_ROLES = (reg.DEPUTY, reg.ADMINISTRATOR)
MAX_BYTES = 20 * 1024 * 1024
REQUIRED = ("種類", "部局", "名称（サービス名・アカウント名）", "責任者")
TYPES = {label: key for key, label in reg.ENTRY_TYPE_LABELS.items()} | {
    "外部サービス": reg.SERVICE,
    "SNS": reg.SNS,
    "service": reg.SERVICE,
    "sns": reg.SNS,
}
STATES = {label: key for key, label in reg.STATUS_LABELS.items()}
LABEL_TO_FIELD = {spec.label: spec for spec in ENTRY_FIELDS}


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    written: bool = False


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ServiceError(
        "文字コードを判別できません。UTF-8 又は Shift_JIS（CP932）で保存してください。"
    )


def read_table(data: bytes) -> list[list[str]]:
    """Rows of text cells from CSV or XLSX bytes (the first row is the header)."""
    if len(data) > MAX_BYTES:
        raise ServiceError("ファイルが大きすぎます（20MB まで）。")
    if data[:2] == b"PK":
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise ServiceError("Excel ファイルとして読み込めません。") from None
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
            rows.append([_excel_text(v) for v in values])
        workbook.close()
        return rows
    text = _decode(data)
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text)), MAX_ROWS + 2))
    except csv.Error as error:
        raise ServiceError(f"CSV として読み込めません（{error}）。") from None


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _staff_by_name() -> dict[str, Staff]:
    return {
        normalize(s.display_name): s
        for s in Staff.select().where(Staff.active == True)  # noqa: E712
    }


def _key(entry_type: str, values: dict) -> str:
    handle = normalize(str(values.get("account_handle") or ""))
    return f"{entry_type}:{handle or normalize(str(values.get('url') or '')) or normalize(str(values['name']))}"


def _existing_keys() -> set[str]:
    return {
        _key(e.entry_type, {"account_handle": e.account_handle, "url": e.url, "name": e.name})
        for e in RegisterEntry.select(
            RegisterEntry.entry_type,
            RegisterEntry.account_handle,
            RegisterEntry.url,
            RegisterEntry.name,
        ).where(RegisterEntry.status != reg.RETIRED)
    }


def _check_row(cells: dict[str, str], departments, reader: Reader, staff_by_name) -> dict:
    entry_type = TYPES.get(cells.get("種類", "").strip())
    if entry_type is None:
        raise ValueError("種類は「外部サービス」又は「SNS アカウント」にしてください")
    department = departments.get(cells.get("部局", "").strip())
    if department is None:
        raise ValueError(f"部局「{cells.get('部局', '')}」は登録されていません")
    if not reader.may_change(department.id):
        raise ValueError(f"部局「{department.name}」の台帳には取り込めません（権限がありません）")
    values: dict[str, object] = {}
    for spec in fields_for(entry_type):
        if spec.label in cells:
            try:
                values[spec.name] = clean_value(spec, cells[spec.label])
            except FieldError as error:
                raise ValueError(error.message) from None
    if not values.get("name"):
        raise ValueError("名称が空です")
    status_text = cells.get("状態", "").strip()
    status = STATES.get(status_text, reg.ACTIVE if not status_text else None)
    if status is None or status == reg.APPLIED:
        raise ValueError(f"状態「{status_text}」は取り込めません（利用中・承認済・休止・廃止）")
    level = str(values.get("classification_level") or "")
    if entry_type == reg.SNS and level and tier_of(level) >= 2:
        raise ValueError("SNS アカウントの分類は機密性1（公開情報）にしてください")
    person = _person(cells, reg.RESPONSIBLE, department, staff_by_name)
    if person is None:
        raise ValueError("責任者が空です（責任者は必ず登録します）")
    others = [_person(cells, role, department, staff_by_name) for role in OTHER_ROLES]
    return {
        "type": entry_type,
        "department": department,
        "status": status,
        "values": values,
        "person": person,
        "others": [other for other in others if other is not None],
    }


def _person(cells: dict[str, str], role: str, department, staff_by_name):
    """The holder of a role from its column, written as the export writes it: 氏名（部局）."""
    text = " ".join(cells.get(reg.PERSON_ROLES[role], "").split())
    if not text:
        return None
    name, _, department_name = text.partition("（")
    staff = staff_by_name.get(normalize(name))
    return register_people.PersonInput(
        role=role,
        staff_id=staff.id if staff else None,
        name=name.strip(),
        department_name=department_name.rstrip("）").strip() or department.name,
    )


def _rows(table: list[list[str]]) -> Iterable[tuple[int, dict[str, str]]]:
    header = [" ".join((cell or "").replace("\ufeff", "").split()) for cell in table[0]]
    for number, row in enumerate(table[1:], start=2):
        if not any((cell or "").strip() for cell in row):
            continue
        yield number, {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}


def import_register(
    actor: Actor, reader: Reader, data: bytes, *, dry_run: bool, today: dt.date | None = None
) -> ImportReport:
    """Check every row; unless dry_run and only when no row is rejected, write them all."""
    today = today or today_jst()
    table = read_table(data)
    if not table:
        raise ServiceError("ファイルが空です。1行目に見出しを入れてください。")
    header = {" ".join((c or "").replace("\ufeff", "").split()) for c in table[0]}
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ServiceError(
            f"必要な列がありません: {'、'.join(missing)}（見出しは書き出した台帳と同じにします）"
        )
    unknown = sorted(h for h in header if h and h not in HEADERS)
    report = ImportReport()
    if unknown:
        report.rejected.append(Rejected(1, f"使わない列があります: {'、'.join(unknown)}"))
    departments = {d.name: d for d in Department.select()}
    staff_by_name = _staff_by_name()
    seen = _existing_keys()
    checked = []
    for line, cells in _rows(table):
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise ServiceError(f"一度に取り込めるのは {MAX_ROWS} 行までです。")
        try:
            row = _check_row(cells, departments, reader, staff_by_name)
        except ValueError as error:
            report.rejected.append(Rejected(line, str(error)))
            continue
        key = _key(row["type"], row["values"])
        if key in seen:
            report.rejected.append(Rejected(line, "同じアカウント（又はサービス）が重複しています"))
            continue
        seen.add(key)
        checked.append(row)
    report.accepted = len(checked)
    if dry_run or report.rejected or not checked:
        return report
    with database.atomic():
        for row in checked:
            entry = create_existing_entry(
                actor,
                row["type"],
                row["department"],
                row["values"],
                row["person"],
                status=row["status"],
                reason=IMPORTED,
                today=today,
            )
            for other in row["others"]:  # 副責任者 and 管理者・担当者, from the same day
                register_people.add_assignment(
                    actor,
                    entry,
                    other,
                    effective_from=row["values"].get("start_date") or today,
                    reason=IMPORTED,
                )
        audit.record(
            actor,
            "register.import",
            "register_entry",
            "",
            f"台帳を取り込み（{len(checked)} 件）",
            after={"rows": len(checked)},
        )
    report.written = True
    return report


def create_existing_entry(
    actor: Actor,
    entry_type: str,
    department: Department,
    values: dict,
    responsible: register_people.PersonInput,
    *,
    status: str,
    reason: str,
    today: dt.date,
    **links,
) -> RegisterEntry:
    """An entry already in use before vendorcheck (imported, or demo data): no application,
    the 責任者 from its start date (inside the caller's transaction)."""
    values = dict(values)
    next_review = values.pop("next_review_on", None)
    entry = RegisterEntry.create(
        entry_type=entry_type,
        status=status,
        department=department,
        name_normalized=normalize(str(values["name"])),
        retired_on=today if status == reg.RETIRED else None,
        next_review_on=next_review or today + dt.timedelta(days=reg.REVIEW_INTERVAL_DAYS),
        **values,
        **links,
    )
    register_flags.refresh([entry])
    register_people.add_assignment(
        actor, entry, responsible, effective_from=values.get("start_date") or today, reason=reason
    )
    return entry


def ensure_may_import(reader: Reader) -> None:
    if not (reader.sees_all or reader.department_id):
        raise Forbidden(
            "台帳を取り込めるのは、部局に所属する職員と統括情報セキュリティ責任者です。"
        )
