"""Form reading shared by the vendor's contract pages and the staff pages: uploaded files of
the contract period, Japan wall-clock times, the incident form."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING

from flask import current_app, request
from werkzeug.datastructures import MultiDict

from vendorcheck.domain import monitoring as rules
from vendorcheck.domain.uploads import UploadRejected
from vendorcheck.services import contracts, incidents
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.evidence_quota import quota_from_settings

if TYPE_CHECKING:  # for annotations only: the web reads the store through services
    from vendorcheck.store.models import Contract

DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
EXAMPLE_TIME = "2026-08-01T09:30"


def attach_uploads(actor: Actor, contract: Contract, subject: str) -> list[str]:
    """Store the files of the form's `file` inputs; return a message for each one refused."""
    max_bytes = current_app.config["MAX_EVIDENCE_MB"] * 1024 * 1024
    refused = []
    for storage in request.files.getlist("file"):
        if not storage or not storage.filename:
            continue
        try:
            contracts.add_evidence(
                actor,
                contract,
                subject,
                storage.filename,
                storage.read(max_bytes + 1),
                max_bytes=max_bytes,
                quota=quota_from_settings(current_app.config),
            )
        except (UploadRejected, ServiceError) as exc:
            refused.append(
                f"「{storage.filename}」を添付できませんでした: {getattr(exc, 'message', str(exc))}"
            )
    return refused


def parse_datetime(text: str) -> dt.datetime | None:
    """A Japan wall-clock time typed as 2026-08-01T09:30 → naive UTC, or None."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    for fmt in DATETIME_FORMATS:
        try:
            return rules.utc_from_jst(dt.datetime.strptime(value, fmt))
        except ValueError:
            continue
    return None


def _count(text: str, field: str, label: str) -> int:
    value = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    if not value:
        return 0
    if not value.isdigit() or len(value) > 9:
        raise ServiceError(f"{label}は0以上の整数で入力してください。", field=field)
    return int(value)


def incident_input(form: MultiDict, *, by_staff: bool) -> incidents.IncidentInput:
    """Read the incident form (the vendor's first report, or staff recording a phone call)."""
    found = parse_datetime(form.get("found_at", ""))
    if found is None:
        raise ServiceError(
            f"事故を知った日時を {EXAMPLE_TIME} のように入力してください。", field="found_at"
        )
    occurred_text = form.get("occurred_at", "").strip()
    occurred = parse_datetime(occurred_text) if occurred_text else None
    if occurred_text and occurred is None:
        raise ServiceError(
            f"発生日時を {EXAMPLE_TIME} のように入力してください。", field="occurred_at"
        )
    reported = None
    if by_staff:
        reported = parse_datetime(form.get("reported_at", ""))
        if reported is None:
            raise ServiceError("第一報を受けた日時を入力してください。", field="reported_at")
    return incidents.IncidentInput(
        found_at=found,
        occurred_at=occurred,
        reported_at=reported,
        classification=form.get("classification", ""),
        channel=form.get("channel", "link") if by_staff else "link",
        summary=form.get("summary", ""),
        information=form.get("information", ""),
        personal_records=_count(
            form.get("personal_records", ""), "personal_records", "個人情報の件数"
        ),
        measures=form.get("measures", ""),
        marked_severe=by_staff and form.get("marked_severe") == "1",
    )
