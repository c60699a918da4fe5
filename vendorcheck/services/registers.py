"""Register entries of external services and SNS accounts: read within the department rule,
their flags, edit, move between states, retire with disposal evidence (the list is in
register_list.py, the dashboard in register_board.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import REFUSED_CHANGE, REFUSED_READ, Reader
from vendorcheck.domain.classification import Scheme
from vendorcheck.domain.jp import normalize, today_jst
from vendorcheck.domain.register_fields import FieldError, clean_value, fields_for
from vendorcheck.domain.uploads import (
    DEFAULT_QUOTA,
    EvidenceQuota,
    QuotaWords,
    UploadRejected,
    check_upload,
    stored_file_columns,
)
from vendorcheck.services import audit, evidence_quota, register_flags
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Forbidden, NotFound, ServiceError
from vendorcheck.services.organisation import organisation_scheme
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    RegisterEntry,
    RetirementEvidence,
    utcnow,
)

RETIREMENT_HOLDER = evidence_quota.Holder(
    RetirementEvidence,
    RetirementEvidence.entry,
    None,
    QuotaWords(subject="廃止の証跡", owner="廃止の証跡"),
)


def visible(query, reader: Reader):
    """Restrict a query of RegisterEntry to the department rule: officers and viewers see
    their own department, ciso and admin everything."""
    if reader.sees_all:
        return query
    if reader.department_id is None:
        return query.where(RegisterEntry.id.is_null())  # no department: nothing to see
    return query.where(RegisterEntry.department == reader.department_id)


def get_entry(reader: Reader, entry_id: int) -> RegisterEntry:
    entry = RegisterEntry.get_or_none(RegisterEntry.id == entry_id)
    if entry is None:
        raise NotFound("指定された台帳の項目は登録されていません。")
    if not reader.may_read(entry.department_id):
        raise Forbidden(REFUSED_READ)
    return entry


def entry_for_change(reader: Reader, entry_id: int) -> RegisterEntry:
    entry = get_entry(reader, entry_id)
    if not reader.may_change(entry.department_id):
        raise Forbidden(REFUSED_CHANGE)
    return entry


def tier_of(level_code: str, scheme: Scheme | None = None) -> int:
    if not level_code:
        return 1
    return (scheme or organisation_scheme()).tier_or_lowest(level_code)


def entry_flags(
    entry: RegisterEntry, today: dt.date | None = None, scheme: Scheme | None = None
) -> tuple[str, ...]:
    """The entry's flags (the ISMAP check as stored at its save or the last list import);
    when flagging many entries pass the scheme (one read, not one per entry)."""
    facts = register_flags.entry_facts(entry, scheme or organisation_scheme())
    return reg.flags(facts, today or today_jst())


def clean_fields(entry_type: str, data: Mapping[str, object]) -> dict[str, object]:
    """Check every field of the entry type; raise ServiceError naming the first wrong one."""
    values: dict[str, object] = {}
    for spec in fields_for(entry_type):
        if spec.name not in data:
            continue
        try:
            values[spec.name] = clean_value(spec, data[spec.name])
        except FieldError as error:
            raise ServiceError(error.message, field=error.field) from None
    if "name" in values and not values["name"]:
        raise ServiceError("名称を入力してください。", field="name")
    level = values.get("classification_level")
    if level:
        try:
            organisation_scheme().level(str(level))
        except KeyError:
            raise ServiceError(
                "取り扱う情報の分類を一覧から選んでください。", field="classification_level"
            ) from None
    if entry_type == reg.SNS and level and tier_of(str(level)) >= 2:
        raise ServiceError(
            "SNS アカウントで扱えるのは公開情報だけです。分類は機密性1を選んでください。",
            field="classification_level",
        )
    return values


def _snapshot(entry: RegisterEntry) -> dict[str, object]:
    return {spec.name: getattr(entry, spec.name) for spec in fields_for(entry.entry_type)} | {
        "status": entry.status,
        "department_id": entry.department_id,
    }


def update_entry(
    actor: Actor, reader: Reader, entry_id: int, data: Mapping[str, object]
) -> RegisterEntry:
    """Change the fields of an entry (its people and state have their own steps)."""
    with database.atomic():
        entry = entry_for_change(reader, entry_id)
        if entry.status == reg.RETIRED:
            raise ServiceError("廃止した項目は変更できません。")
        values = clean_fields(entry.entry_type, data)
        before = _snapshot(entry)
        for name, value in values.items():
            setattr(entry, name, value)
        entry.name_normalized = normalize(entry.name)
        entry.updated_at = utcnow()
        entry.save()
        register_flags.refresh([entry])
        audit.record(
            actor,
            "register.update",
            "register_entry",
            entry.id,
            f"台帳「{entry.name}」を更新",
            before=before,
            after=_snapshot(entry),
        )
    return entry


def move_status(actor: Actor, reader: Reader, entry_id: int, target: str) -> RegisterEntry:
    """利用開始 (承認済 → 利用中), 休止 and 再開; retirement goes through retire()."""
    with database.atomic():
        entry = entry_for_change(reader, entry_id)
        if target not in reg.STATUS_MOVES.get(entry.status, ()):
            raise ServiceError(
                f"「{reg.STATUS_LABELS[entry.status]}」の項目を"
                f"「{reg.STATUS_LABELS.get(target, target)}」にはできません。"
            )
        before = entry.status
        entry.status = target
        if target == reg.ACTIVE and entry.start_date is None:
            entry.start_date = today_jst()
        entry.updated_at = utcnow()
        entry.save()
        register_flags.refresh([entry])  # in use or not: on the dashboard or off it
        audit.record(
            actor,
            "register.status",
            "register_entry",
            entry.id,
            f"台帳「{entry.name}」を{reg.STATUS_LABELS[target]}に変更",
            before={"status": before},
            after={"status": target},
        )
    return entry


def retire(
    actor: Actor,
    reader: Reader,
    entry_id: int,
    *,
    note: str,
    disposed: bool,
    accounts_deleted: bool,
    files: list[tuple[str, bytes]],
    max_bytes: int,
    quota: EvidenceQuota = DEFAULT_QUOTA,
    today: dt.date | None = None,
) -> RegisterEntry:
    """廃止 (CLD-16): confirm the data was disposed of and the accounts deleted, with evidence."""
    note = (note or "").strip()
    with database.atomic():
        entry = entry_for_change(reader, entry_id)
        if not (disposed and accounts_deleted):
            raise ServiceError(
                "データの消去とアカウントの削除の両方を確認してから廃止してください。",
                field="disposed",
            )
        if not note:
            raise ServiceError("消去・削除の方法と実施日を記入してください。", field="note")
        if len(note) > 2000:
            raise ServiceError("記録は2000文字以内で入力してください。", field="note")
        try:
            accepted = [check_upload(name, data, max_bytes=max_bytes) for name, data in files]
        except UploadRejected as error:
            raise ServiceError(
                f"証跡のファイルを受け付けられません: {error}", field="evidence"
            ) from None
        if not accepted:
            raise ServiceError(
                "消去証明書や削除完了画面など、証跡のファイルを1つ以上添付してください。",
                field="evidence",
            )
        if entry.status == reg.RETIRED:
            raise ServiceError("この項目はすでに廃止されています。")
        new_files = [
            evidence_quota.NewFile("", len(data), upload.filename)
            for upload, (_, data) in zip(accepted, files, strict=True)
        ]
        found = evidence_quota.problem(RETIREMENT_HOLDER, entry.id, new_files, quota)
        if found:
            raise ServiceError(
                f"「{found[0].filename}」を添付できませんでした: {found[1]}", field="evidence"
            )
        for upload, (_, data) in zip(accepted, files, strict=True):
            RetirementEvidence.create(
                entry=entry,
                **stored_file_columns(upload, data),
                uploaded_by=actor.id if actor.kind == "staff" else None,
            )
        before = entry.status
        entry.status = reg.RETIRED
        entry.retired_on = today or today_jst()
        entry.retirement_note = note
        entry.updated_at = utcnow()
        entry.save()
        register_flags.refresh([entry])  # a retired entry raises no flag
        audit.record(
            actor,
            "register.retire",
            "register_entry",
            entry.id,
            f"台帳「{entry.name}」を廃止（証跡 {len(accepted)} 件）",
            before={"status": before},
            after={"status": reg.RETIRED, "note": note, "files": [a.filename for a in accepted]},
        )
    return entry


def retirement_files(entry: RegisterEntry) -> list[RetirementEvidence]:
    return list(
        RetirementEvidence.select(
            RetirementEvidence.id,
            RetirementEvidence.filename,
            RetirementEvidence.size,
            RetirementEvidence.uploaded_at,
        )
        .where(RetirementEvidence.entry == entry)
        .order_by(RetirementEvidence.id)
    )


def retirement_file(reader: Reader, entry_id: int, file_id: int) -> RetirementEvidence:
    entry = get_entry(reader, entry_id)
    found = RetirementEvidence.get_or_none(
        RetirementEvidence.id == file_id, RetirementEvidence.entry == entry
    )
    if found is None:
        raise NotFound("そのファイルは見つかりません。")
    return found
