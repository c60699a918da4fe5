"""事故報告: reported by the vendor through its link or recorded by staff (by phone); the
annex's first-report time limit is checked (a late report is a finding) and severe incidents
are mailed to the CISO at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.jp import wareki_datetime
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.contracts import clean_text, refresh_next_due
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.mail import queue_mail
from vendorcheck.store.db import database
from vendorcheck.store.models import Contract, Finding, Incident, IncidentUpdate, Staff, utcnow

CHANNELS = (("link", "報告用リンク"), ("phone", "電話"), ("mail", "メール"), ("other", "その他"))
CHANNEL_LABELS = dict(CHANNELS)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_PERSONAL_RECORDS = 100_000_000


def severity_from_config(config: Mapping[str, Any]) -> rules.SeverityRules:
    """The severity rules of the settings; a bad classification name is a clear error."""
    try:
        return rules.SeverityRules.parse(
            str(config["INCIDENT_SEVERE_CLASSIFICATIONS"]),
            int(config["INCIDENT_SEVERE_PERSONAL_RECORDS"]),
        )
    except ValueError as error:
        raise ServiceError(f"設定 INCIDENT_SEVERE_CLASSIFICATIONS: {error}") from error


@dataclass(frozen=True)
class IncidentInput:
    found_at: dt.datetime | None  # naive UTC
    classification: str
    summary: str
    occurred_at: dt.datetime | None = None
    reported_at: dt.datetime | None = None  # staff only: when the vendor first reported it
    channel: str = "link"
    information: str = ""
    personal_records: int = 0
    measures: str = ""
    marked_severe: bool = False


def _check(data: IncidentInput, reported_at: dt.datetime, now: dt.datetime) -> None:
    if data.found_at is None:
        raise ServiceError("事故を知った（発見した）日時を入力してください。", field="found_at")
    if data.found_at > now + FUTURE_TOLERANCE:
        raise ServiceError("発見した日時に未来の日時は入力できません。", field="found_at")
    if data.occurred_at is not None and data.occurred_at > data.found_at:
        raise ServiceError("発生日時は発見した日時以前にしてください。", field="occurred_at")
    if reported_at < data.found_at:
        raise ServiceError("第一報の日時は発見した日時以降にしてください。", field="reported_at")
    if reported_at > now + FUTURE_TOLERANCE:
        raise ServiceError("第一報の日時に未来の日時は入力できません。", field="reported_at")
    if data.classification not in rules.INCIDENT_CLASSIFICATION_LABELS:
        raise ServiceError("事故の分類を選んでください。", field="classification")
    if data.channel not in CHANNEL_LABELS:
        raise ServiceError("報告の方法を選んでください。", field="channel")
    if not 0 <= data.personal_records <= MAX_PERSONAL_RECORDS:
        raise ServiceError(
            "個人情報の件数は0以上の整数で入力してください。", field="personal_records"
        )


def _ciso_mail(contract: Contract, incident: Incident) -> int:
    cisos = Staff.select().where(Staff.role == "ciso", Staff.active == True, Staff.email != "")  # noqa: E712
    label = rules.INCIDENT_CLASSIFICATION_LABELS[incident.classification]
    body = (
        f"重大な情報セキュリティ事故の報告がありました。直ちに確認してください。\n\n"
        f"契約: {contract.number}「{contract.title}」\n事業者: {contract.vendor.name}\n"
        f"分類: {label}\n発見日時: {wareki_datetime(incident.found_at)}（日本時間）\n"
        f"個人情報の件数: {incident.personal_records}件\n"
        f"第一報の期限: {'超過（報告遅延）' if incident.late else '期限内'}\n\n概要:\n{incident.summary}\n"
    )
    count = 0
    for ciso in cisos:
        queue_mail(ciso.email, f"【至急】重大な事故の報告（{contract.title}）", body)
        count += 1
    return count


def report(
    actor: Actor,
    contract: Contract,
    data: IncidentInput,
    *,
    severity: rules.SeverityRules,
    by_staff: bool,
    now: dt.datetime | None = None,
) -> Incident:
    """Record an incident; check the first-report time limit; tell the CISO when severe."""
    now = now or utcnow()
    if contract.status == rules.COMPLETED:
        raise Conflict("完了した契約には事故を登録できません。")
    reported_at = (data.reported_at or now) if by_staff else now
    _check(data, reported_at, now)
    summary = clean_text(data.summary, "summary", "事故の概要", required=True)
    hours = contract.incident_report_hours
    late = rules.is_late_report(data.found_at, reported_at, hours)
    severe = rules.is_severe(
        data.classification, data.personal_records, severity, marked=by_staff and data.marked_severe
    )
    with database.atomic():
        incident = Incident.create(
            contract=contract,
            occurred_at=data.occurred_at,
            found_at=data.found_at,
            reported_at=reported_at,
            report_deadline_at=rules.report_deadline(data.found_at, hours),
            recorded_by_kind="staff" if by_staff else "vendor",
            channel=data.channel if by_staff else "link",
            classification=data.classification,
            summary=summary,
            information=clean_text(data.information, "information", "関係する情報"),
            personal_records=data.personal_records,
            measures=clean_text(data.measures, "measures", "講じた措置"),
            severe=severe,
            late=late,
        )
        if late:
            Finding.create(
                contract=contract,
                source="incident",
                source_id=incident.id,
                text=f"事故の第一報が特記事項の期限（知った時から{hours}時間以内）を"
                f"{rules.lateness_text(data.found_at, reported_at, hours)}過ぎていました。",
                severity="medium",
            )
        notified = _ciso_mail(contract, incident) if severe else 0
        refresh_next_due(contract)
        audit.record(
            actor,
            "incident.report",
            "incident",
            incident.id,
            f"契約 {contract.number} の事故を{'記録' if by_staff else '受付'}"
            f"（{rules.INCIDENT_CLASSIFICATION_LABELS[data.classification]}"
            + ("、重大" if severe else "")
            + ("、報告遅延" if late else "")
            + "）",
            after={
                "contract": contract.id,
                "found_at": data.found_at,
                "reported_at": reported_at,
                "late": late,
                "severe": severe,
                "ciso_notified": notified,
                "personal_records": data.personal_records,
            },
        )
    return incident


def incidents_of(contract: Contract) -> list[Incident]:
    query = Incident.select().where(Incident.contract == contract)
    return list(query.order_by(Incident.found_at.desc(), Incident.id.desc()))


def get_incident(contract: Contract, incident_id: int) -> Incident:
    row = Incident.get_or_none(Incident.id == incident_id, Incident.contract == contract)
    if row is None:
        raise NotFound("指定された事故報告はありません。")
    return row


def updates_of(incident: Incident) -> list[IncidentUpdate]:
    query = IncidentUpdate.select().where(IncidentUpdate.incident == incident)
    return list(query.order_by(IncidentUpdate.at, IncidentUpdate.id))


def add_update(actor: Actor, incident: Incident, body: str) -> IncidentUpdate:
    """A follow-up report (続報) from the vendor or staff, until the incident is closed."""
    body = clean_text(body, "body", "続報の内容", required=True)
    if incident.status == "closed":
        raise Conflict("この事故は対応完了として閉じられています。")
    with database.atomic():
        row = IncidentUpdate.create(
            incident=incident, body=body, author_kind=actor.kind, author_label=actor.label[:200]
        )
        audit.record(
            actor,
            "incident.update",
            "incident",
            incident.id,
            f"契約 {incident.contract.number} の事故 No.{incident.id} に続報",
        )
    return row


def close(actor: Actor, incident: Incident, note: str) -> None:
    note = clean_text(note, "note", "対応完了の確認内容", required=True)
    if incident.status == "closed":
        raise Conflict("この事故はすでに閉じられています。")
    with database.atomic():
        IncidentUpdate.create(
            incident=incident,
            body=f"対応完了: {note}",
            author_kind=actor.kind,
            author_label=actor.label[:200],
        )
        Incident.update(status="closed", closed_at=utcnow()).where(
            Incident.id == incident.id
        ).execute()
        audit.record(
            actor,
            "incident.close",
            "incident",
            incident.id,
            f"契約 {incident.contract.number} の事故 No.{incident.id} を対応完了とした",
            after={"note": note},
        )
