"""Contracts: made from an accepted assessment and one stored annex version; the articles in
force, the report schedule, the vendor's link, the next due item, evidence of the period."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from vendorcheck.domain import assessment_status
from vendorcheck.domain import monitoring as rules
from vendorcheck.domain import registers as reg
from vendorcheck.domain.clauses import Clause
from vendorcheck.domain.uploads import DEFAULT_QUOTA, EvidenceQuota, QuotaWords, check_upload
from vendorcheck.services import audit, contract_links, evidence_quota
from vendorcheck.services.annexes import clause_ids_of, get_version
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Contract,
    ContractEndItem,
    ContractEvidence,
    CorrectiveRequest,
    PeriodicReport,
    RegisterEntry,
)

EVIDENCE_HOLDER = evidence_quota.Holder(
    ContractEvidence,
    ContractEvidence.contract,
    ContractEvidence.subject,
    QuotaWords(subject="この報告・項目", owner="この契約全体"),
)

MAX_TEXT = 4000


def clean_text(
    value: str, field: str, label: str, *, required: bool = False, limit: int = MAX_TEXT
) -> str:
    """Strip a text a person typed; refuse it blank (when required) or too long, in Japanese."""
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"{label}を入力してください。", field=field)
    if len(value) > limit:
        raise ServiceError(f"{label}は{limit}文字以内で入力してください。", field=field)
    return value


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
OPEN_REPORT_STATES = ("pending", "returned")
OPEN_CORRECTIVE_STATES = ("open", "planned", "completed")


@dataclass(frozen=True)
class ContractInput:
    annex_version: int
    number: str
    title: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    responsible_person: str
    contact_email: str
    contacts: str = ""
    report_frequency: str = rules.DEFAULT_FREQUENCY
    report_due_days: int = 10
    register_entry_id: int | None = None  # the service's register entry, when there is one


def articles_of(contract: Contract) -> list[rules.ArticleInForce]:
    return [rules.ArticleInForce(**item) for item in json.loads(contract.articles or "[]")]


def conditions_of(contract: Contract) -> list[rules.Condition]:
    return [
        rules.Condition(item["action"], dt.date.fromisoformat(item["due"]) if item["due"] else None)
        for item in json.loads(contract.conditions or "[]")
    ]


def obligations_of(contract: Contract) -> list[rules.CheckItem]:
    return rules.obligations(articles_of(contract), conditions_of(contract))


def clause_ids(contract: Contract) -> list[str]:
    return [article.clause_id for article in articles_of(contract)]


# --- the register entry the contract is for -------------------------------------------------

LINKABLE_STATES = (reg.APPLIED, reg.APPROVED, reg.ACTIVE, reg.SUSPENDED)


def entry_choices(department_id: int | None) -> list[RegisterEntry]:
    """External-service entries of the department that a contract may be linked to."""
    query = RegisterEntry.select().where(
        RegisterEntry.entry_type == reg.SERVICE, RegisterEntry.status.in_(LINKABLE_STATES)
    )
    if department_id is None:
        query = query.where(RegisterEntry.department.is_null())
    else:
        query = query.where(RegisterEntry.department == department_id)
    return list(query.order_by(RegisterEntry.name_normalized, RegisterEntry.id))


def suggested_entry(assessment_id: int, department_id: int | None) -> int | None:
    """The entry recorded for the assessment the contract is made from, when it may be linked."""
    for entry in entry_choices(department_id):
        if entry.assessment_id == assessment_id:
            return entry.id
    return None


def check_entry(department_id: int | None, entry_id: int | None) -> RegisterEntry | None:
    """The entry to link, refused in Japanese unless it is a service entry of the department."""
    if entry_id is None:
        return None
    entry = RegisterEntry.get_or_none(RegisterEntry.id == entry_id)
    if entry is None:
        raise ServiceError("選んだ台帳の項目が見つかりません。", field="register_entry")
    if entry.entry_type != reg.SERVICE:
        raise ServiceError(
            "契約に結び付けられるのは外部サービスの台帳の項目だけです。", field="register_entry"
        )
    if entry.department_id != department_id:
        raise ServiceError("契約と同じ部局の台帳の項目を選んでください。", field="register_entry")
    if entry.status not in LINKABLE_STATES:
        raise ServiceError("廃止された台帳の項目には結び付けられません。", field="register_entry")
    return entry


def _check(assessment: Assessment, data: ContractInput) -> tuple[str, str]:
    if assessment.status != assessment_status.ACCEPTED:
        raise Conflict("承認された回答からだけ契約を作成できます。", field="annex_version")
    number = unicodedata.normalize("NFKC", data.number or "").strip()
    title = (data.title or "").strip()
    if not number or len(number) > 100:
        raise ServiceError("契約番号を100文字以内で入力してください。", field="number")
    if not title or len(title) > 200:
        raise ServiceError("契約名を200文字以内で入力してください。", field="title")
    if data.starts_on is None or data.ends_on is None:
        raise ServiceError("契約期間の開始日と終了日を入力してください。", field="starts_on")
    if data.ends_on < data.starts_on:
        raise ServiceError("契約期間の終了日は開始日以降にしてください。", field="ends_on")
    if not (data.responsible_person or "").strip():
        raise ServiceError("事業者の責任者の氏名を入力してください。", field="responsible_person")
    if not EMAIL.fullmatch((data.contact_email or "").strip()):
        raise ServiceError(
            "報告用リンクを送るメールアドレスを正しく入力してください。", field="contact_email"
        )
    if data.report_frequency not in rules.FREQUENCIES:
        raise ServiceError("定期報告の頻度を選んでください。", field="report_frequency")
    if not 0 <= data.report_due_days <= 90:
        raise ServiceError("提出期限は0〜90日の範囲で入力してください。", field="report_due_days")
    if Contract.select().where(Contract.number == number).exists():
        raise Conflict(f"契約番号 {number} の契約はすでにあります。", field="number")
    return number, title


def create_contract(
    actor: Actor,
    assessment: Assessment,
    data: ContractInput,
    *,
    clauses: Sequence[Clause],
    links: contract_links.ContractLinkSettings,
) -> tuple[Contract, contract_links.IssuedContractLink]:
    """Turn an accepted assessment and one of its stored annexes into a contract in 履行中."""
    number, title = _check(assessment, data)
    entry = check_entry(assessment.case.department_id, data.register_entry_id)
    annex = get_version(assessment, data.annex_version)
    inputs = json.loads(annex.inputs or "{}")
    ids = clause_ids_of(annex)
    articles = rules.articles_in_force(ids, {clause.id: clause.title for clause in clauses})
    conditions = [
        {"action": item.get("action", ""), "due": item.get("due")}
        for item in inputs.get("remediations", [])
    ]
    with database.atomic():
        contract = Contract.create(
            assessment=assessment,
            annex=annex,
            vendor=assessment.vendor_id,
            department=assessment.case.department_id,
            register_entry=entry,
            number=number,
            title=title,
            kind=assessment.case.kind,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            responsible_person=data.responsible_person.strip()[:100],
            contacts=(data.contacts or "").strip(),
            contact_email=data.contact_email.strip(),
            report_frequency=data.report_frequency,
            report_due_days=data.report_due_days,
            incident_report_hours=int(inputs.get("incident_report_hours") or 24),
            articles=json.dumps([vars(article) for article in articles], ensure_ascii=False),
            conditions=json.dumps(conditions, ensure_ascii=False),
            created_by=actor.id if actor.kind == "staff" else None,
        )
        periods = []
        if rules.REPORT_CLAUSE in ids:
            periods = rules.report_periods(
                data.starts_on, data.ends_on, data.report_frequency, data.report_due_days
            )
        for sequence, period in enumerate(periods, start=1):
            PeriodicReport.create(
                contract=contract,
                sequence=sequence,
                period_start=period.start,
                period_end=period.end,
                due_on=period.due,
            )
        link = contract_links.issue(contract, links)
        contract_links.link_mail(link, reissued=False)
        refresh_next_due(contract)
        audit.record(
            actor,
            "contract.create",
            "contract",
            contract.id,
            f"契約 {number}「{title}」を作成（{assessment.vendor.name}、特記事項 第{annex.version}版、"
            f"{len(articles)} 条、定期報告 {len(periods)} 回）",
            after={
                "assessment": assessment.id,
                "annex_version": annex.version,
                "annex_hash": annex.content_hash,
                "clause_ids": ids,
                "conditions": conditions,
                "starts_on": data.starts_on,
                "ends_on": data.ends_on,
                "report_frequency": data.report_frequency,
                "reports": len(periods),
                "register_entry": entry.id if entry else None,
            },
        )
    return Contract.get_by_id(contract.id), link


def get_contract(contract_id: int) -> Contract:
    contract = Contract.get_or_none(Contract.id == contract_id)
    if contract is None:
        raise NotFound(f"契約 ID {contract_id} は見つかりません。")
    return contract


def contracts_of_assessment(assessment: Assessment) -> list[Contract]:
    return list(Contract.select().where(Contract.assessment == assessment).order_by(Contract.id))


def refresh_next_due(contract: Contract) -> None:
    """Derive the contract's next due item now, so lists and reminders never re-scan history."""
    contract = Contract.get_by_id(contract.id)
    candidates: list[tuple[dt.date, str]] = []
    report = (
        PeriodicReport.select()
        .where(PeriodicReport.contract == contract, PeriodicReport.status.in_(OPEN_REPORT_STATES))
        .order_by(PeriodicReport.due_on)
        .first()
    )
    if report is not None:
        candidates.append((report.due_on, f"定期報告（第{report.sequence}回）"))
    request = (
        CorrectiveRequest.select()
        .where(
            CorrectiveRequest.contract == contract,
            CorrectiveRequest.status.in_(OPEN_CORRECTIVE_STATES),
        )
        .order_by(CorrectiveRequest.due_on)
        .first()
    )
    if request is not None:
        candidates.append((request.due_on, f"是正要求（No.{request.id}）"))
    if contract.status == rules.CLOSING:
        open_items = ContractEndItem.select().where(
            ContractEndItem.contract == contract, ContractEndItem.status.in_(("open", "submitted"))
        )
        if open_items.exists():
            candidates.append((contract.ends_on, "契約終了時の返還・消去"))
    if contract.status == rules.COMPLETED:
        candidates = []
    due, label = min(candidates) if candidates else (None, "")
    Contract.update(next_due_on=due, next_due_label=label).where(
        Contract.id == contract.id
    ).execute()


def add_evidence(
    actor: Actor,
    contract: Contract,
    subject: str,
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    quota: EvidenceQuota = DEFAULT_QUOTA,
) -> ContractEvidence:
    """Check an upload by content (the portal's allow-list) and its quota (per subject and per
    contract), and keep it with the contract."""
    accepted = check_upload(filename, data, max_bytes=max_bytes, accept=("pdf", "image", "office"))
    digest = hashlib.sha256(data).hexdigest()
    with database.atomic():
        new_file = evidence_quota.NewFile(subject, len(data), accepted.filename)
        found = evidence_quota.problem(EVIDENCE_HOLDER, contract.id, [new_file], quota)
        if found:
            raise ServiceError(found[1])
        row = ContractEvidence.create(
            contract=contract,
            subject=subject,
            filename=accepted.filename,
            content_type=accepted.content_type,
            file_kind=accepted.kind,
            size=len(data),
            sha256=digest,
            data=data,
            uploaded_by_kind=actor.kind,
        )
        audit.record(
            actor,
            "contract.evidence_add",
            "contract",
            contract.id,
            f"契約 {contract.number} に「{accepted.filename}」を添付（{subject}）",
            after={"evidence": row.id, "subject": subject, "sha256": digest, "size": len(data)},
        )
    return row


def evidence_for(contract: Contract, subject_prefix: str = "") -> list[ContractEvidence]:
    columns = [f for f in ContractEvidence._meta.sorted_fields if f.name != "data"]
    query = ContractEvidence.select(*columns).where(ContractEvidence.contract == contract)
    if subject_prefix:
        query = query.where(ContractEvidence.subject.startswith(subject_prefix))
    return list(query.order_by(ContractEvidence.id))


def get_evidence(contract: Contract, evidence_id: int) -> ContractEvidence:
    """One file, only when it belongs to this contract."""
    row = ContractEvidence.get_or_none(
        ContractEvidence.id == evidence_id, ContractEvidence.contract == contract
    )
    if row is None:
        raise NotFound("ファイルが見つかりません。")
    return row
