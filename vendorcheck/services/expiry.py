"""Expiry watch: certificates and evidence against today and the contract's end (the reminders
are services/expiry_reminders.py).

A certificate's expiry comes from two places: the vendor's registered certifications
(VendorCertification) and the answers to certificate-expiry questions (domain/expiry_dates.py).
The watch over every vendor reads the answered dates from the facts stored at submission
(services/expiry_facts.py), never by parsing the submissions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from peewee import fn

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.expiry_dates import expiry_answers, linked_expiry
from vendorcheck.domain.jp import today_jst, wareki
from vendorcheck.services import expiry_facts
from vendorcheck.services import review as review_service
from vendorcheck.services.assessments import latest_answers, questionnaire_of
from vendorcheck.services.vendors import CERTIFICATION_KINDS, EXPIRY_WARNING_DAYS
from vendorcheck.store.models import (
    Assessment,
    Case,
    ExpiryFact,
    Submission,
    Vendor,
    VendorCertification,
)
from vendorcheck.store.prepared import PreparedSelect

WINDOW_DAYS = EXPIRY_WARNING_DAYS  # 90
CERT_LABELS = {
    "expired": "✗ 失効",
    "before_contract_end": "✗ 契約期間中に失効",
    "soon": "△ まもなく失効",
    "valid": "✓ 有効",
    "unknown": "－ 有効期限の記録なし",
}
EVIDENCE_LABELS = {
    "present": "✓ 提出あり",
    "expired": "✗ 期限切れ（関連する有効期限を過ぎています）",
    "missing": "✗ 未提出",
}


# --- the checks on a scorecard -----------------------------------------------------------------


@dataclass(frozen=True)
class CertificateCheck:
    source: str  # "vendor" (registered certification) or "answer"
    label: str
    expires_on: dt.date | None
    state: str  # a key of CERT_LABELS
    findings: tuple[str, ...]
    question_id: str = ""

    @property
    def state_label(self) -> str:
        return CERT_LABELS[self.state]


def judge(expires_on: dt.date | None, today: dt.date, contract_end: dt.date | None):
    """Return (state, findings) of one expiry date against today and the contract's end."""
    if expires_on is None:
        return "unknown", ()
    if expires_on < today:
        return "expired", (f"有効期限 {wareki(expires_on)} を過ぎています（失効しています）。",)
    findings = []
    state = "valid"
    days = (expires_on - today).days
    if days <= WINDOW_DAYS:
        state = "soon"
        findings.append(f"有効期限まであと{days}日です（{WINDOW_DAYS}日以内）。")
    if contract_end is not None and expires_on < contract_end:
        state = "before_contract_end"
        findings.insert(
            0,
            f"契約期間の終了日（{wareki(contract_end)}）より前に有効期限を迎えます。"
            "更新後の証明書の提出を求めてください。",
        )
    return state, tuple(findings)


def certificate_checks(
    assessment: Assessment,
    answers: Mapping[str, object] | None = None,
    today: dt.date | None = None,
) -> list[CertificateCheck]:
    """Registered certifications and answered expiry dates, judged against the contract."""
    today = today or today_jst()
    contract_end = assessment.case.contract_end
    questionnaire = questionnaire_of(assessment)
    if answers is None:
        answers, _ = latest_answers(assessment)
    checks = []
    registered = VendorCertification.select().where(
        VendorCertification.vendor == assessment.vendor_id
    )
    for cert in registered.order_by(VendorCertification.kind, VendorCertification.id):
        label = CERTIFICATION_KINDS.get(cert.kind, cert.kind)
        label += f"（{cert.number}）" if cert.number else ""
        state, findings = judge(cert.expires_on, today, contract_end)
        checks.append(CertificateCheck("vendor", label, cert.expires_on, state, findings))
    applicable = questionnaire.applicable_questions(answers, assessment.case.tier)
    for question_id, day in expiry_answers(questionnaire, answers).items():
        if question_id in applicable:
            label = questionnaire.question(question_id).text.get("ja")
            state, findings = judge(day, today, contract_end)
            checks.append(CertificateCheck("answer", label, day, state, findings, question_id))
    return checks


@dataclass(frozen=True)
class EvidenceStatus:
    question_id: str
    text: str
    state: str  # a key of EVIDENCE_LABELS
    files: tuple  # Evidence rows without their content
    expires_on: dt.date | None  # of the certificate the files evidence, when linked

    @property
    def state_label(self) -> str:
        return EVIDENCE_LABELS[self.state]


def evidence_status(
    assessment: Assessment,
    answers: Mapping[str, object] | None = None,
    today: dt.date | None = None,
) -> list[EvidenceStatus]:
    """Present, missing or expired, for each file question that applies to the answers."""
    today = today or today_jst()
    questionnaire = questionnaire_of(assessment)
    if answers is None:
        answers, _ = latest_answers(assessment)
    applicable = questionnaire.applicable_questions(answers, assessment.case.tier)
    files = review_service.evidence_of_answers(assessment, questionnaire, answers)
    linked = linked_expiry(questionnaire, expiry_answers(questionnaire, answers))
    rows = []
    for question in questionnaire.questions:
        if not question.answer_type.holds_evidence or question.id not in applicable:
            continue
        listed = tuple(files.get(question.id, ()))
        expires_on = linked.get(question.id)
        if not listed:
            state = "missing"
        elif expires_on is not None and expires_on < today:
            state = "expired"
        else:
            state = "present"
        rows.append(EvidenceStatus(question.id, question.text.get("ja"), state, listed, expires_on))
    return rows


# --- the watch over every vendor ---------------------------------------------------------------


@dataclass(frozen=True)
class ExpiringItem:
    key: str  # the reminder's dedupe key: one reminder per item and expiry date
    source: str  # "vendor" or "answer"
    label: str
    expires_on: dt.date
    days_left: int
    vendor_id: int
    vendor_name: str
    vendor_email: str
    assessment_id: int | None = None
    case_title: str = ""
    question_id: str = ""


def newest_submissions_in_force(*columns, today: dt.date):
    """Newest submissions (with their assessment, case and vendor) of assessments not rejected
    whose contract has not ended, that may hold certificate answers ('"cert.' or '_expiry')."""
    newest = (
        Submission.select(
            Submission.assessment.alias("newest_of"), fn.MAX(Submission.version).alias("newest")
        )
        .group_by(Submission.assessment)
        .alias("newest")
    )
    return (
        Submission.select(*columns)
        .join(
            newest,
            on=(
                (Submission.assessment == newest.c.newest_of)
                & (Submission.version == newest.c.newest)
            ),
        )
        .switch(Submission)
        .join(Assessment)
        .join(Case)
        .switch(Assessment)
        .join(Vendor)
        .where(
            Assessment.status != status.REJECTED,
            Case.contract_end.is_null() | (Case.contract_end >= today),
            Submission.answers.contains("_expiry") | Submission.answers.contains('"cert.'),
        )
        .order_by(Assessment.id)
    )


def expiring_panel(limit: int, today: dt.date | None = None) -> tuple[list[ExpiringItem], int]:
    """The dashboard's panel: the `limit` soonest expiries and how many there are in all
    (three indexed queries, whatever the size of the history)."""
    today = today or today_jst()
    until = today + dt.timedelta(days=WINDOW_DAYS)
    total = sum(n for (n,) in _TOTALS.rows(None, today, until))
    return expiring_soon(today, limit=limit), total


_CERTIFICATE_FIELDS = (  # what an item shows of a registered certificate and its vendor
    VendorCertification.id, VendorCertification.kind, VendorCertification.number,
    VendorCertification.expires_on, Vendor.id, Vendor.name, Vendor.contact_email,
)  # fmt: skip


def _certificates_between(start: dt.date, until: dt.date):
    return (
        VendorCertification.select(*_CERTIFICATE_FIELDS)
        .join(Vendor)
        .where(VendorCertification.expires_on.between(start, until))
        .order_by(VendorCertification.expires_on, VendorCertification.id)
    )


# Built once per database (and limit), asked at every fresh dashboard: the totals, the items.
_TOTALS = PreparedSelect(
    lambda _key, start, until: (
        _certificates_between(start, until)
        .select(fn.COUNT(VendorCertification.id))
        .order_by()
        .union_all(
            expiry_facts.answered_expiries_between(start, until)
            .select(fn.COUNT(ExpiryFact.id))
            .order_by()
        )
        .tuples()
    )
)
_CERTIFICATES = PreparedSelect(
    lambda limit, start, until: _certificates_between(start, until).limit(limit).tuples()
)
_ANSWERED = PreparedSelect(
    lambda limit, start, until: (
        expiry_facts.answered_expiries_between(start, until).limit(limit).dicts()
    )
)


def expiring_soon(
    today: dt.date | None = None, days: int = WINDOW_DAYS, *, limit: int | None = None
) -> list[ExpiringItem]:
    """Certificates expiring from today to `days` ahead: registered ones and answered dates
    (with a limit, only the soonest `limit` of them)."""
    today = today or today_jst()
    until = today + dt.timedelta(days=days)
    items = []
    for cert_id, kind, number, expires_on, vendor_id, vendor_name, email in _CERTIFICATES.rows(
        limit, today, until
    ):
        label = CERTIFICATION_KINDS.get(kind, kind)
        label += f"（{number}）" if number else ""
        items.append(
            ExpiringItem(
                f"expiry:cert:{cert_id}:{expires_on.isoformat()}",
                "vendor",
                label,
                expires_on,
                (expires_on - today).days,
                vendor_id,
                vendor_name,
                email,
            )
        )
    for row in _ANSWERED.rows(limit, today, until):
        day = row["expires_on"]
        items.append(
            ExpiringItem(
                f"expiry:answer:{row['assessment_id']}:{row['question_id']}:{day.isoformat()}",
                "answer",
                row["label"],
                day,
                (day - today).days,
                row["vendor_id"],
                row["vendor_name"],
                row["vendor_email"],
                row["assessment_id"],
                row["case_title"],
                row["question_id"],
            )
        )
    items.sort(key=lambda item: (item.expires_on, item.vendor_name, item.key))
    return items if limit is None else items[:limit]
