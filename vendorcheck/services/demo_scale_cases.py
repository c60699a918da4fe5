"""The cases of the scale history (demo_scale) with their assessments: several submitted
versions answered from the real questionnaires by vendor profile, the expiry facts a submission
stores (expiry_facts.fact_rows) and evidence. Bulk inserts only; called inside demo_scale's
transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.classification import R6
from vendorcheck.domain.monitoring import fiscal_year_of
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import expiry_facts
from vendorcheck.services.demo_answers import PROFILES, TINY_PDF, corporate_number, raw_answer
from vendorcheck.services.demo_scale_history import bulk, max_id, new_ids
from vendorcheck.services.errors import ServiceError
from vendorcheck.store.models import Assessment, Case, Department, Evidence, Submission, Vendor

CASE_KINDS = ("outsourcing", "system", "cloud")
PROFILE_MIX = ("excellent", "good", "good", "fair", "weak_development", "remediation")
TITLES = {
    "outsourcing": ("課税資料のデータ入力業務委託", "窓口受付業務委託", "印刷・封入封緘業務委託"),
    "system": ("住民情報システム改修業務", "財務会計システム保守", "庁内ネットワーク更新"),
    "cloud": ("電子申請クラウドの導入", "オンライン会議サービスの利用", "施設予約クラウドの更新"),
}
TINY_PDF_SHA256 = hashlib.sha256(TINY_PDF).hexdigest()


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


def add_cases(rng: random.Random, scale, today: dt.date, staff_ids: list[int]) -> list[dict]:
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


def _submitted_at(case: dict, version: int) -> dt.datetime:
    """When the made-up history submitted a version: a week after the case, then weekly."""
    return case["created_at"] + dt.timedelta(days=7 * version)


def add_assessments(
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
                    "last_submitted_at": _submitted_at(case, versions) if versions else None,
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
            at = _submitted_at(case, version)
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
