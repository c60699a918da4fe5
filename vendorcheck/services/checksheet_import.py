"""Staff import a チェックシート received by mail from the command line: the same reading,
validation and preview as the upload page, a trial run that stores nothing, and the import on
the vendor's behalf recorded with the staff member, the file and its SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from vendorcheck.domain.access import REFUSED_CHANGE, Reader
from vendorcheck.domain.roles import can
from vendorcheck.domain.uploads import safe_filename
from vendorcheck.services import answers, checksheets
from vendorcheck.services.audit import Actor
from vendorcheck.services.checksheets import ChecksheetPreview
from vendorcheck.services.errors import Forbidden, ServiceError
from vendorcheck.store.models import Assessment, Staff

IMPORT_PERMISSION = "manage_cases"


@dataclass(frozen=True)
class ImportResult:
    preview: ChecksheetPreview
    sha256: str
    saved: bool


def staff_for_import(login_id: str, assessment: Assessment) -> Staff:
    """The active staff member entering the sheet; an officer or above of the case's department."""
    staff = Staff.get_or_none(Staff.login_id == (login_id or "").strip())
    if staff is None or not staff.active:
        raise ServiceError(f"ログイン ID「{login_id}」の有効な職員はいません。")
    reader = Reader(staff.id, staff.role, staff.department_id)
    if not can(staff.role, IMPORT_PERMISSION):
        raise Forbidden(
            f"{staff.display_name}（{staff.login_id}）の役割では、チェックシートを読み込めません。"
            "情報セキュリティ管理者・調達担当以上の職員を指定してください。"
        )
    if not reader.may_change(assessment.case.department_id):
        raise Forbidden(REFUSED_CHANGE)
    return staff


def _actor(staff: Staff) -> Actor:
    return Actor("staff", staff.id, f"{staff.display_name}（{staff.login_id}）", "コマンド")


def import_for_vendor(
    assessment: Assessment,
    filename: str,
    data: bytes,
    secret: str,
    staff: Staff,
    *,
    dry_run: bool,
) -> ImportResult:
    """Read the sheet as the upload page does; unless a trial run, save it on the vendor's
    behalf (the stored upload, then the confirmation against the same draft revision)."""
    sha256 = hashlib.sha256(data).hexdigest()
    if dry_run:
        answers.ensure_editable(assessment)
        preview = checksheets.read_preview(assessment, safe_filename(filename), data, secret)
        return ImportResult(preview, sha256, saved=False)
    actor = _actor(staff)
    pending = checksheets.upload(assessment, filename, data, secret, actor, entered_by=staff)
    fresh = Assessment.get_by_id(assessment.id)
    preview = checksheets.confirm(
        fresh, pending.upload_id, pending.revision, secret, actor, by_staff=True
    )
    return ImportResult(preview, sha256, saved=True)
