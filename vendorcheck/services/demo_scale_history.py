"""The rest of the ten-year history (demo_scale): register entries with dated 責任者, contracts
made from accepted assessments with their annex and periodic reports, and the audit trail that
years of use leave. Bulk inserts only; called inside demo_scale's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random

from docx import Document

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain import monitoring as rules
from vendorcheck.domain import registers as reg
from vendorcheck.services import register_flags
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    Case,
    Contract,
    Department,
    GeneratedAnnex,
    IsmapEntry,
    PeriodicReport,
    PeriodicReportVersion,
    RegisterEntry,
    RegisterPerson,
)

BATCH = 400
ISMAP_LISTED = 300  # services on the scale dataset's ISMAP list
SERVICES = ("電子申請", "オンライン会議", "ファイル共有", "施設予約", "アンケート集計", "公式SNS")
SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
ACTIONS = (
    ("assessment.save", "assessment", "回答を一時保存"),
    ("assessment.submit", "assessment", "回答を提出"),
    ("review.comment", "assessment", "審査コメントを追加"),
    ("review.score", "assessment", "評点を記録"),
    ("case.update", "case", "案件を更新"),
    ("register.review", "register_entry", "台帳の定期点検を記録"),
    ("report.submit", "periodic_report", "定期報告を提出"),
    ("staff.login", "staff", "ログイン"),
)


def bulk(model, rows) -> int:
    """Insert rows in batches; return how many."""
    pending, count = [], 0
    for row in rows:
        pending.append(row)
        if len(pending) >= BATCH:
            model.insert_many(pending).execute()
            count, pending = count + len(pending), []
    if pending:
        model.insert_many(pending).execute()
        count += len(pending)
    return count


def new_ids(model, since: int) -> list[int]:
    """The ids of the rows inserted after `since`, in insertion (id) order."""
    query = model.select(model.id).where(model.id > since).order_by(model.id)
    return [row[0] for row in query.tuples()]


def max_id(model) -> int:
    return model.select(model.id).order_by(model.id.desc()).limit(1).scalar() or 0


def load_history(rng: random.Random, scale, today: dt.date, staff_ids, vendors) -> dict[str, int]:
    counts = _registers(rng, scale, today, staff_ids, vendors)
    counts.update(_contracts(rng, scale, today, staff_ids))
    counts["audit_events"] = _audit(rng, scale, today, staff_ids)
    return counts


def _ismap_list(rng, today, vendors) -> list[tuple[str, dict, str]]:
    """The ISMAP list the register's services claim: (number, provider's vendor, service) of
    each listed one; some expired, some removed, most valid for years."""
    listed, rows = [], []
    since = IsmapEntry.select().count()  # a grown dataset lists more services
    for n in range(since, since + ISMAP_LISTED):
        number, provider = f"C{20 + n % 6}-{n + 1:04d}-1", rng.choice(vendors)
        service = f"{SERVICES[n % len(SERVICES)]}クラウド{n + 1}"
        listed.append((number, provider, service))
        rows.append(
            {
                "number": number,
                "list_kind": "ismap",
                "service": service,
                "provider": provider["name"],
                "valid_until": today + dt.timedelta(days=rng.randint(-200, 1500)),
                "search_text": number.casefold(),
                "source": "規模の試験データ",
                "removed_on": today - dt.timedelta(days=10) if n % 25 == 0 else None,
            }
        )
    bulk(IsmapEntry, rows)
    return listed


def _registers(rng, scale, today, staff_ids, vendors) -> dict[str, int]:
    departments = [d.id for d in Department.select().order_by(Department.id)]
    listed = _ismap_list(rng, today, vendors)
    rows = []
    for n in range(scale.register_entries):
        sns = n % 4 == 0
        start = today - dt.timedelta(days=rng.randint(0, 365 * scale.years))
        state = rng.choice((reg.ACTIVE, reg.ACTIVE, reg.ACTIVE, reg.SUSPENDED, reg.RETIRED))
        name = f"{rng.choice(SERVICES)}（{n + 1:04d}）"
        vendor = rng.choice(vendors)
        number, provider, service = rng.choice(listed)
        if not sns and n % 3 == 0:  # a claimed registration: mostly of the provider, some not
            vendor = provider if n % 15 else vendor
            name = f"{service}（{n + 1:04d}）"
            if n % 30 == 0:
                number = f"C99-{n:04d}-9"  # not on the list
        rows.append(
            {
                "entry_type": reg.SNS if sns else reg.SERVICE,
                "name": name,
                "name_normalized": name,
                "status": state,
                "department": departments[n % len(departments)],
                "provider_name": vendor["name"],
                "ismap_number": number if not sns and n % 3 == 0 else "",
                "vendor": None if sns else vendor["id"],
                "purpose": "住民への情報提供と申請受付に利用する。",
                "classification_level": "2",
                "platform": "x" if sns else "",
                "account_name": f"架空市公式{n}" if sns else "",
                "start_date": start,
                "next_review_on": start + dt.timedelta(days=365 * (1 + n % scale.years)),
                "retired_on": today - dt.timedelta(days=30) if state == reg.RETIRED else None,
                "created_at": dt.datetime.combine(start, dt.time(10)),
                "updated_at": dt.datetime.combine(start, dt.time(10)),
            }
        )
    since = max_id(RegisterEntry)
    count = bulk(RegisterEntry, rows)
    people = []
    for entry_id, row in zip(new_ids(RegisterEntry, since), rows, strict=True):
        day = row["start_date"]
        for change in range(rng.randint(1, 4)):  # 責任者 history: a new one every few years
            people.append(
                {
                    "entry": entry_id,
                    "role": reg.RESPONSIBLE,
                    "staff": rng.choice(staff_ids),
                    "name": f"{rng.choice(SURNAMES)} 課長",
                    "department_name": "事務部局",
                    "effective_from": day,
                    "reason": "人事異動" if change else "利用開始",
                    "changed_by": staff_ids[0],
                    "recorded_at": dt.datetime.combine(day, dt.time(11)),
                }
            )
            day = min(day + dt.timedelta(days=rng.randint(365, 1100)), today)
        people.append(
            {
                "entry": entry_id,
                "role": reg.DEPUTY,
                "staff": None,
                "name": f"{rng.choice(SURNAMES)} 係長",
                "department_name": "事務部局",
                "effective_from": row["start_date"],
                "reason": "利用開始",
                "changed_by": staff_ids[0],
            }
        )
    register_flags.refresh()  # the ISMAP checks and flags stored, as every save does
    return {"register_entries": count, "register_people": bulk(RegisterPerson, people)}


def _small_docx() -> bytes:
    document = Document()
    document.add_heading("情報セキュリティに関する特記事項", level=1)
    document.add_paragraph("第1条 受託者は、委託者の情報セキュリティポリシーを遵守する。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _contracts(rng, scale, today, staff_ids) -> dict[str, int]:
    accepted = list(
        Assessment.select(
            Assessment.id,
            Assessment.vendor,
            Assessment.submitted_version,
            Case.title,
            Case.kind,
            Case.department,
            Case.contract_start,
            Case.contract_end,
        )
        .join(Case)
        .where(
            Assessment.status == status.ACCEPTED,
            Assessment.id.not_in(GeneratedAnnex.select(GeneratedAnnex.assessment)),
        )
        .order_by(Assessment.id)
        .tuples()
    )
    chosen = rng.sample(accepted, min(scale.contracts, len(accepted)))
    docx = _small_docx()
    digest = hashlib.sha256(docx).hexdigest()
    since = max_id(GeneratedAnnex)
    bulk(
        GeneratedAnnex,
        (
            {
                "assessment": a,
                "version": 1,
                "submission_version": v,
                "clause_ids": '["basic"]',
                "inputs": "{}",
                "content_hash": digest,
                "docx": docx,
                "created_by": staff_ids[0],
            }
            for a, _, v, *_ in chosen
        ),
    )
    annexes = new_ids(GeneratedAnnex, since)
    rows, first = [], max_id(Contract)
    for n, ((a, vendor, _, title, kind, department, start, end), annex) in enumerate(
        zip(chosen, annexes, strict=True)
    ):
        start, end = start or today, end or today + dt.timedelta(days=364)
        state = rules.COMPLETED if end < today else rules.ACTIVE
        rows.append(
            {
                "assessment": a,
                "annex": annex,
                "vendor": vendor,
                "department": department,
                "number": f"架契-{start.year}-{first + n + 1:04d}",
                "title": title,
                "kind": kind,
                "starts_on": start,
                "ends_on": end,
                "responsible_person": f"{rng.choice(SURNAMES)} 部長",
                "contact_email": f"contract{n}@vendor.example.jp",
                "report_frequency": "quarterly",
                "report_due_days": 10,
                "incident_report_hours": 24,
                "articles": json.dumps(
                    [{"number": 1, "clause_id": "basic", "title": "基本的事項"}], ensure_ascii=False
                ),
                "status": state,
                "created_by": staff_ids[0],
                "completed_at": dt.datetime.combine(end, dt.time(17))
                if state == rules.COMPLETED
                else None,
            }
        )
    since = max_id(Contract)
    count = bulk(Contract, rows)
    reports = []
    for contract_id, row in zip(new_ids(Contract, since), rows, strict=True):
        periods = rules.report_periods(row["starts_on"], row["ends_on"], "quarterly", 10)
        for sequence, period in enumerate(periods, start=1):
            done = period.due < today
            reports.append(
                {
                    "contract": contract_id,
                    "sequence": sequence,
                    "period_start": period.start,
                    "period_end": period.end,
                    "due_on": period.due,
                    "status": "accepted" if done else "pending",
                    "submitted_version": 1 if done else 0,
                    "first_submitted_at": dt.datetime.combine(period.due, dt.time(9))
                    if done
                    else None,
                }
            )
    since = max_id(PeriodicReport)
    report_count = bulk(PeriodicReport, reports)
    content = json.dumps(
        {
            "items": [
                {"key": "policy", "label": "情報セキュリティポリシーの遵守", "status": "compliant"}
            ],
            "texts": {},
        },
        ensure_ascii=False,
    )
    versions = bulk(
        PeriodicReportVersion,
        (
            {
                "report": report_id,
                "version": 1,
                "content": content,
                "submitted_at": row["first_submitted_at"],
            }
            for report_id, row in zip(new_ids(PeriodicReport, since), reports, strict=True)
            if row["submitted_version"]
        ),
    )
    return {"contracts": count, "periodic_reports": report_count, "report_versions": versions}


def _audit(rng, scale, today, staff_ids) -> int:
    start = dt.datetime.combine(today - dt.timedelta(days=365 * scale.years), dt.time(9))
    step = dt.timedelta(days=365 * scale.years) / scale.audit_events

    def rows():
        for n in range(scale.audit_events):
            action, object_type, summary = ACTIONS[rng.randrange(len(ACTIONS))]
            staff = rng.choice(staff_ids)
            yield {
                "at": start + step * n,
                "actor_kind": "staff",
                "actor_id": staff,
                "actor_label": f"職員 {staff}",
                "action": action,
                "object_type": object_type,
                "object_id": str(rng.randint(1, 10000)),
                "summary": summary,
                "before": "",
                "after": "",
                "client_address": "192.0.2.10",
            }

    return bulk(AuditEvent, rows())
