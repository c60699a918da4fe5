"""SNS 運用手順書 (SNS-01): generate the Word document of an account from the template and its
register fields, store every generation as a new version, download any version again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from vendorcheck.documents.sns_procedure import build_procedure_docx
from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.domain.sns_procedure import ProcedureTemplateError, load_template, render
from vendorcheck.services import audit, register_people
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import NotFound, ServiceError
from vendorcheck.services.organisation import get_organisation
from vendorcheck.services.registers import entry_for_change, get_entry
from vendorcheck.store.db import database
from vendorcheck.store.models import OperatingProcedure, RegisterEntry


def _holder_text(holder) -> str:
    if holder is None:
        return "未登録"
    return f"{holder.name}（{holder.department_name}）" if holder.department_name else holder.name


def procedure_values(entry: RegisterEntry, today: dt.date) -> dict[str, str]:
    holders = register_people.holders_on(entry, today)
    return {
        "組織名": get_organisation().name,
        "部局名": entry.department.name if entry.department_id else "",
        "プラットフォーム": reg.PLATFORMS.get(entry.platform, entry.platform),
        "アカウント名": entry.account_name or entry.name,
        "アカウントID": entry.account_handle,
        "URL": entry.url,
        "利用目的": entry.purpose,
        "対象者": entry.audience,
        "発信内容": entry.content,
        "投稿者": entry.posters,
        "対応時間": entry.response_hours,
        "責任者": _holder_text(holders[reg.RESPONSIBLE]),
        "副責任者": _holder_text(holders[reg.DEPUTY]),
        "管理者": _holder_text(holders[reg.ADMINISTRATOR]),
        "多要素認証": "設定済み" if entry.mfa_enabled else "未設定（直ちに設定すること）",
        "公式掲載ページ": entry.official_page_url or "公式ウェブサイトの公式アカウント一覧",
        "作成日": wareki(today),
    }


def generate(
    actor: Actor,
    reader: Reader,
    entry_id: int,
    template_path: Path | str,
    today: dt.date | None = None,
) -> OperatingProcedure:
    """Build the document from the template file (setting SNS_PROCEDURE_TEMPLATE), store it."""
    today = today or today_jst()
    try:
        template = load_template(template_path)
    except ProcedureTemplateError as error:
        raise ServiceError(f"運用手順書の様式に誤りがあります: {error}") from None
    with database.atomic():
        entry = entry_for_change(reader, entry_id)
        if entry.entry_type != reg.SNS:
            raise ServiceError("運用手順書は SNS アカウントの項目について作成します。")
        if entry.status == reg.RETIRED:
            raise ServiceError("廃止したアカウントの運用手順書は作成できません。")
        values = procedure_values(entry, today)
        docx = build_procedure_docx(render(template, values), values["組織名"], today)
        version = OperatingProcedure.select().where(OperatingProcedure.entry == entry).count() + 1
        stored = OperatingProcedure.create(
            entry=entry,
            version=version,
            inputs=json.dumps(values, ensure_ascii=False, sort_keys=True),
            content_hash=hashlib.sha256(docx).hexdigest(),
            docx=docx,
            created_by=actor.id if actor.kind == "staff" else None,
        )
        audit.record(
            actor,
            "register.procedure",
            "register_entry",
            entry.id,
            f"「{entry.name}」の運用手順書（第{version}版）を作成",
            after={"version": version, "sha256": stored.content_hash},
        )
    return stored


def versions_of(entry: RegisterEntry) -> list[OperatingProcedure]:
    return list(
        OperatingProcedure.select(
            OperatingProcedure.id,
            OperatingProcedure.version,
            OperatingProcedure.created_at,
            OperatingProcedure.content_hash,
        )
        .where(OperatingProcedure.entry == entry)
        .order_by(OperatingProcedure.version.desc())
    )


def stored_version(reader: Reader, entry_id: int, version: int) -> OperatingProcedure:
    entry = get_entry(reader, entry_id)
    found = OperatingProcedure.get_or_none(
        OperatingProcedure.entry == entry, OperatingProcedure.version == version
    )
    if found is None:
        raise NotFound("指定された版の運用手順書はありません。")
    return found
