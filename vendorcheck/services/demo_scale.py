"""A ten-year history for benchmarks and scale tests (`vendorcheck demo --scale 10y`): cases over
ten fiscal years, assessments with several submitted versions answered from the real
questionnaires, evidence, certificates; registers, contracts and the audit trail come from
demo_scale_history. Rows go in by bulk insert; the expiry facts are derived by the very
function a submission uses (expiry_facts.fact_rows), so the dataset is what years of use leave.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.classification import R6
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.monitoring import fiscal_year_of
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import demo_scale_history as history
from vendorcheck.services import expiry_facts
from vendorcheck.services import organisation as organisation_service
from vendorcheck.services.demo import MAIL_DOMAIN, ORGANISATION, SYSTEM, DemoRefused, refusal_reason
from vendorcheck.services.demo_answers import PROFILES, TINY_PDF, corporate_number, raw_answer
from vendorcheck.services.demo_scale_history import bulk, max_id, new_ids
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.invitations import store_snapshot
from vendorcheck.services.staff import hash_password
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    Department,
    Evidence,
    Staff,
    Submission,
    Vendor,
    VendorCertification,
)

CASE_KINDS = ("outsourcing", "system", "cloud")
PROFILE_MIX = ("excellent", "good", "good", "fair", "weak_development", "remediation")
TITLES = {
    "outsourcing": ("課税資料のデータ入力業務委託", "窓口受付業務委託", "印刷・封入封緘業務委託"),
    "system": ("住民情報システム改修業務", "財務会計システム保守", "庁内ネットワーク更新"),
    "cloud": ("電子申請クラウドの導入", "オンライン会議サービスの利用", "施設予約クラウドの更新"),
}
CERT_KINDS = ("isms", "pmark", "ismap", "soc2")
TINY_PDF_SHA256 = hashlib.sha256(TINY_PDF).hexdigest()


@dataclass(frozen=True)
class Scale:
    years: int = 10
    cases: int = 2000
    assessments_per_case: int = 5
    vendors: int = 800
    evidence: int = 30_000
    register_entries: int = 5000
    contracts: int = 500
    audit_events: int = 100_000


COUNT_LABELS = {
    "cases": "案件",
    "assessments": "回答",
    "submissions": "提出版",
    "expiry_facts": "有効期限の記録",
    "evidence": "証跡",
    "register_entries": "台帳",
    "register_people": "責任者等の履歴",
    "contracts": "契約",
    "periodic_reports": "定期報告",
    "report_versions": "定期報告の提出版",
    "audit_events": "操作記録",
}
SCALES = {"10y": Scale(), "small": Scale(1, 40, 5, 30, 300, 50, 10, 1000)}


@dataclass
class ScaleResult:
    counts: dict[str, int] = field(default_factory=dict)
    login_ids: list[str] = field(default_factory=list)


class AnswerMaker:
    """Answers of a vendor profile to a real questionnaire, made once per (kind, profile,
    tier) and then given the vendor's own name and address and the assessment's dates."""

    def __init__(self, questionnaires: dict[str, Questionnaire], today: dt.date) -> None:
        self.questionnaires, self.today, self._made = questionnaires, today, {}

    def _template(self, kind: str, profile: str, tier: int) -> dict[str, object]:
        key = (kind, profile, tier)
        if key not in self._made:
            questionnaire = self.questionnaires[kind]
            sample = Vendor(
                name="{vendor}",
                address="{address}",
                website="https://www.example.jp",
                contact_email="security@example.jp",
                contact_name="担当",
                corporate_number=corporate_number("010401000001"),
            )
            answers: dict[str, object] = {}
            for question in questionnaire.questions:
                if question.answer_type.holds_evidence:
                    continue
                if question.id not in questionnaire.applicable_questions(answers, tier):
                    continue
                raw = raw_answer(
                    question, sample, "{service}", PROFILES[profile], "ja", self.today, tier
                )
                value, error = question.clean(raw)
                if error:
                    raise ServiceError(
                        f"規模データの回答が確認書に合いません（{question.id}: {error}）"
                    )
                answers[question.id] = value
            self._made[key] = answers
        return self._made[key]

    def answers(self, kind, profile, tier, vendor: dict, service: str, expires: dt.date) -> dict:
        questionnaire = self.questionnaires[kind]
        made = {}
        for question_id, value in self._template(kind, profile, tier).items():
            if isinstance(value, str):
                value = (
                    value.replace("{vendor}", vendor["name"])
                    .replace("{address}", vendor["address"])
                    .replace("{service}", service)
                )
            if questionnaire.question(question_id).is_certificate_expiry:
                value = expires.isoformat()
            made[question_id] = value
        return made

    def file_questions(self, kind: str, answers: dict, tier: int) -> list[str]:
        questionnaire = self.questionnaires[kind]
        applicable = questionnaire.applicable_questions(answers, tier)
        return [
            q.id
            for q in questionnaire.questions
            if q.answer_type.holds_evidence and q.id in applicable
        ]


def _staff(result: ScaleResult, password: str) -> list[int]:
    """The staff of the history, all with the one password the caller chose."""
    password = hash_password(password)
    departments = [d.id for d in Department.select().order_by(Department.id)]
    people = [
        ("officer", "officer", "高橋 真理"),
        ("ciso", "ciso", "佐藤 修一"),
        ("viewer", "viewer", "田中 翔"),
    ]
    people += [(f"officer{n:02d}", "officer", f"職員 {n:02d}") for n in range(1, 21)]
    since = max_id(Staff)
    bulk(
        Staff,
        (
            {
                "login_id": login,
                "display_name": name,
                "email": f"{login}@{MAIL_DOMAIN}",
                "role": role,
                "department": departments[n % len(departments)]
                if role == "officer" and n > 2
                else departments[0],
                "password_hash": password,
                "must_change_password": False,
                "session_nonce": f"scale{n}",
            }
            for n, (login, role, name) in enumerate(people)
        ),
    )
    result.login_ids = [login for login, _, _ in people[:3]]
    return new_ids(Staff, since)


def _vendors(rng: random.Random, scale: Scale, today: dt.date) -> list[dict]:
    since = max_id(Vendor)
    rows = [
        {
            "name": f"株式会社サンプル{n:04d}",
            "name_normalized": f"株式会社サンプル{n:04d}",
            "corporate_number": corporate_number(f"{9000_0000_0000 + n:012d}"),
            "address": f"架空県架空市本町{n % 9 + 1}丁目{n % 30 + 1}番地",
            "contact_name": f"担当 {n:04d}",
            "contact_email": f"security@vendor{n:04d}.example.jp",
            "website": f"https://www.vendor{n:04d}.example.jp",
        }
        for n in range(since + 1, since + scale.vendors + 1)
    ]
    bulk(Vendor, rows)
    for vendor_id, row in zip(new_ids(Vendor, since), rows, strict=True):
        row["id"] = vendor_id
    bulk(
        VendorCertification,
        (
            {
                "vendor": row["id"],
                "kind": rng.choice(CERT_KINDS),
                "number": f"IS {700000 + row['id']}",
                "expires_on": today + dt.timedelta(days=rng.randint(-400, 900)),
            }
            for row in rows
            if rng.random() < 0.6
        ),
    )
    return rows


def _status_for(rng: random.Random, age_years: int) -> str:
    if age_years >= 1:
        return rng.choice((status.ACCEPTED, status.ACCEPTED, status.ACCEPTED, status.REJECTED))
    return rng.choice(
        (
            status.INVITED,
            status.IN_PROGRESS,
            status.SUBMITTED,
            status.SUBMITTED,
            status.RETURNED,
            status.ACCEPTED,
            status.REJECTED,
        )
    )


def load_scale(
    questionnaire_for: Callable[[str], Questionnaire | None],
    *,
    password: str,
    scale: Scale = SCALES["10y"],
    today: dt.date | None = None,
    seed: int = 17,
) -> ScaleResult:
    """Load the history into an empty database in one transaction, or raise DemoRefused."""
    today = today or today_jst()
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    result = ScaleResult()
    questionnaires = {kind: questionnaire_for(kind) for kind in CASE_KINDS}
    missing = [kind for kind, found in questionnaires.items() if found is None]
    if missing:
        raise ServiceError(f"種別 {'、'.join(missing)} の確認書が見つかりません。")
    with database.atomic():
        if reason := refusal_reason():
            raise DemoRefused(reason)
        organisation_service.update_organisation(
            SYSTEM,
            name=ORGANISATION,
            classification_scheme="r6",
            classification_extra_levels="",
            party_terms="itaku",
            incident_report_hours=24,
        )
        staff_ids = _staff(result, password)
        result.counts = _history(rng, scale, today, staff_ids, questionnaires)
    return result


def extend_scale(
    questionnaire_for: Callable[[str], Questionnaire | None],
    *,
    scale: Scale,
    today: dt.date | None = None,
    seed: int = 18,
) -> dict[str, int]:
    """Add more history to a database that holds one already (the scale tests grow the data
    and check that pages cost the same queries); the existing staff do the work."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    questionnaires = {kind: questionnaire_for(kind) for kind in CASE_KINDS}
    with database.atomic():
        staff_ids = [row[0] for row in Staff.select(Staff.id).order_by(Staff.id).tuples()]
        return _history(rng, scale, today or today_jst(), staff_ids, questionnaires)


def _history(rng, scale, today, staff_ids, questionnaires) -> dict[str, int]:
    vendors = _vendors(rng, scale, today)
    snapshots = {kind: store_snapshot(q).id for kind, q in questionnaires.items()}
    cases = _cases(rng, scale, today, staff_ids)
    maker = AnswerMaker(questionnaires, today)
    counts = _assessments(rng, scale, today, cases, vendors, snapshots, staff_ids, maker)
    counts.update(history.load_history(rng, scale, today, staff_ids, vendors))
    return counts


def _cases(rng: random.Random, scale: Scale, today: dt.date, staff_ids: list[int]) -> list[dict]:
    departments = [d.id for d in Department.select().order_by(Department.id)]
    levels = [level for level in R6.levels if level.tier >= 2]
    first_year = fiscal_year_of(today) - scale.years + 1
    rows = []
    for n in range(scale.cases):
        year = first_year + n * scale.years // scale.cases
        created = min(dt.date(year, 4, 1) + dt.timedelta(days=rng.randint(0, 364)), today)
        kind = CASE_KINDS[n % len(CASE_KINDS)]
        level = rng.choice(levels)
        start = created + dt.timedelta(days=rng.randint(30, 90))
        rows.append(
            {
                "title": f"{rng.choice(TITLES[kind])}（令和{year - 2018}年度 第{n + 1}号）",
                "kind": kind,
                "department": departments[n % len(departments)],
                "classification_level": level.code,
                "tier": level.tier,
                "contract_start": start,
                "contract_end": start + dt.timedelta(days=rng.choice((364, 729, 1094, 1824))),
                "answer_deadline": created + dt.timedelta(days=rng.randint(14, 40)),
                "description": f"{kind} の案件（規模検証用のデータ）。",
                "created_by": rng.choice(staff_ids),
                "created_at": dt.datetime.combine(created, dt.time(9, rng.randint(0, 59))),
                "closed": created < today - dt.timedelta(days=365),
            }
        )
    since = max_id(Case)
    bulk(Case, rows)
    for case_id, row in zip(new_ids(Case, since), rows, strict=True):
        row["id"] = case_id
    return rows


def _assessments(
    rng, scale, today, cases, vendors, snapshots, staff_ids, maker, state_for=_status_for
) -> dict[str, int]:
    rows, plans = [], []
    for case in cases:
        created = case["created_at"]
        age = (today - created.date()).days // 365
        for vendor in rng.sample(vendors, scale.assessments_per_case):
            state = state_for(rng, age)
            versions = (
                0 if state in {status.INVITED, status.IN_PROGRESS} else rng.choice((1, 1, 2, 3))
            )
            decided = state in {status.ACCEPTED, status.REJECTED}
            rows.append(
                {
                    "case": case["id"],
                    "vendor": vendor["id"],
                    "snapshot": snapshots[case["kind"]],
                    "deadline": case["answer_deadline"],
                    "status": state,
                    "submitted_version": versions,
                    "invited_by": case["created_by"],
                    "invited_at": created,
                    "last_saved_at": created,
                    "decided_by": rng.choice(staff_ids) if decided else None,
                    "decided_at": created + dt.timedelta(days=45) if decided else None,
                    "decision_reason": "必須項目を満たすため承認する。"
                    if state == status.ACCEPTED
                    else ("必須項目を満たさないため。" if decided else ""),
                    "review_due": case["contract_start"] + dt.timedelta(days=365)
                    if state == status.ACCEPTED
                    else None,
                }
            )
            plans.append((case, vendor, versions))
    since = max_id(Assessment)
    bulk(Assessment, rows)
    ids = new_ids(Assessment, since)
    submissions, facts, evidence_slots = [], [], []
    for assessment_id, (case, vendor, versions) in zip(ids, plans, strict=True):
        profile = PROFILE_MIX[assessment_id % len(PROFILE_MIX)]
        service = f"{TITLES[case['kind']][0]}向けサービス"
        for version in range(1, versions + 1):
            expires = case["contract_start"] + dt.timedelta(days=rng.randint(-200, 1500))
            answers = maker.answers(case["kind"], profile, case["tier"], vendor, service, expires)
            at = case["created_at"] + dt.timedelta(days=7 * version)
            submissions.append(
                {
                    "assessment": assessment_id,
                    "version": version,
                    "submitted_at": at,
                    "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
                }
            )
            if version == versions:
                questionnaire = maker.questionnaires[case["kind"]]
                facts += expiry_facts.fact_rows(assessment_id, version, questionnaire, answers)
                for question_id in maker.file_questions(case["kind"], answers, case["tier"]):
                    evidence_slots.append((assessment_id, question_id, at))
    counts = {"assessments": len(ids), "submissions": bulk(Submission, submissions)}
    expiry_facts.insert_rows(facts)
    counts["expiry_facts"] = len(facts)
    counts["cases"] = len(cases)
    chosen = rng.sample(evidence_slots, min(scale.evidence, len(evidence_slots)))
    counts["evidence"] = bulk(
        Evidence,
        (
            {
                "assessment": a,
                "question_id": q,
                "filename": f"{q.replace('.', '_')}.pdf",
                "content_type": "application/pdf",
                "file_kind": "pdf",
                "size": len(TINY_PDF),
                "sha256": TINY_PDF_SHA256,
                "data": TINY_PDF,
                "uploaded_at": at,
            }
            for a, q, at in chosen
        ),
    )
    return counts


def bidding_case(
    questionnaire: Questionnaire, bidders: int, *, today: dt.date | None = None, seed: int = 50
) -> int:
    """One cloud case with many bidders who all submitted (the comparison at scale); return
    the case id. Vendors, answers and facts as in load_scale; the organisation must exist."""
    today = today or today_jst()
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    with database.atomic():
        vendors = _vendors(rng, Scale(vendors=bidders), today)
        snapshot = store_snapshot(questionnaire).id
        department = Department.select(Department.id).order_by(Department.id).first().id
        case = Case.create(
            title=f"クラウドサービスの調達（{bidders}者の比較）", kind="cloud", department=department,
            classification_level="2", tier=2, contract_start=today + dt.timedelta(days=60),
            contract_end=today + dt.timedelta(days=425), answer_deadline=today,
        )  # fmt: skip
        cases = [{**Case.select().where(Case.id == case.id).dicts().get(), "created_by": None}]
        maker = AnswerMaker({"cloud": questionnaire}, today)
        scale = Scale(assessments_per_case=bidders, evidence=0)
        submitted = lambda *_: status.SUBMITTED  # noqa: E731
        _assessments(rng, scale, today, cases, vendors, {"cloud": snapshot}, [], maker, submitted)
    return case.id
