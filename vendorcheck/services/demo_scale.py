"""A ten-year history for benchmarks and scale tests (`vendorcheck demo --scale 10y`): staff,
vendors with certificates, and the sizes; cases over ten fiscal years with their assessments,
submitted versions, expiry facts and evidence come from demo_scale_cases, registers, contracts
and the audit trail from demo_scale_history. Rows go in by bulk insert, shaped as years of use
leave them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import demo_scale_history as history
from vendorcheck.services import organisation_settings
from vendorcheck.services.demo import MAIL_DOMAIN, ORGANISATION, SYSTEM, DemoRefused, refusal_reason
from vendorcheck.services.demo_answers import corporate_number
from vendorcheck.services.demo_scale_cases import (
    CASE_KINDS,
    AnswerMaker,
    add_assessments,
    add_cases,
)
from vendorcheck.services.demo_scale_history import bulk, max_id, new_ids
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.invitations import store_snapshot
from vendorcheck.services.staff import hash_password
from vendorcheck.store.db import database
from vendorcheck.store.models import Case, Department, Staff, Vendor, VendorCertification

CERT_KINDS = ("isms", "pmark", "ismap", "soc2")


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
        organisation_settings.update_organisation(
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
    cases = add_cases(rng, scale, today, staff_ids)
    maker = AnswerMaker(questionnaires, today)
    counts = add_assessments(rng, scale, today, cases, vendors, snapshots, staff_ids, maker)
    counts.update(history.load_history(rng, scale, today, staff_ids, vendors))
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
        add_assessments(
            rng, scale, today, cases, vendors, {"cloud": snapshot}, [], maker, submitted
        )
    return case.id
