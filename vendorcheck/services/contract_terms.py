"""Contract terms of annexes: the organisation's time limits, the personal information a case
handles, and staff's resolutions of contract conflicts (answers weaker than an article)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vendorcheck.domain.clauses import Clause
from vendorcheck.domain.clauses.positions import (
    ContractConflict,
    Position,
    PositionError,
    PositionsResult,
    assess_answers,
    load_positions,
)
from vendorcheck.domain.contract_terms import DAY_LIMITS, TimeLimits
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import audit
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.organisation import get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import (
    Assessment,
    Case,
    CaseInformationHandling,
    ConflictResolution,
    ContractLimitSetting,
    Remediation,
    utcnow,
)

DECISIONS = {
    "accept": "事業者の立場を受け入れる（個別条件として特記事項に記載）",
    "remediate": "是正を求める",
}
MAX_TEXT = 2000
POSITIONS_FILE = "positions.toml"


# --- time limits ---------------------------------------------------------------------------


def limit_setting() -> ContractLimitSetting:
    row = ContractLimitSetting.select().order_by(ContractLimitSetting.id).first()
    return row if row is not None else ContractLimitSetting.create()


def time_limits() -> TimeLimits:
    """The organisation's limits: first-report hours from the organisation, days from here."""
    row = limit_setting()
    return TimeLimits(
        incident_report_hours=get_organisation().incident_report_hours,
        written_report_days=row.written_report_days,
        return_days=row.return_days,
        erasure_certificate_days=row.erasure_certificate_days,
        corrective_plan_days=row.corrective_plan_days,
    )


def update_time_limits(actor: Actor, values: Mapping[str, object]) -> TimeLimits:
    """Change the day limits (the first-report hours are an organisation setting)."""
    cleaned: dict[str, int] = {}
    for limit in DAY_LIMITS:
        raw = values.get(limit.field)
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= limit.maximum:
            raise ServiceError(
                f"{limit.label}は1〜{limit.maximum}{limit.unit}の範囲で入力してください。",
                field=limit.field,
            )
        cleaned[limit.field] = raw
    with database.atomic():
        row = limit_setting()
        before = {field: getattr(row, field) for field in cleaned}
        for field, value in cleaned.items():
            setattr(row, field, value)
        row.updated_at = utcnow()
        row.save()
        if before != cleaned:
            audit.record(
                actor,
                "contract_limits.update",
                "organisation",
                row.id,
                "特記事項の期限を変更",
                before,
                cleaned,
            )
    return time_limits()


# --- personal information per case -----------------------------------------------------------


def case_handles(case: Case) -> frozenset[str]:
    row = CaseInformationHandling.get_or_none(CaseInformationHandling.case == case)
    if row is None:
        return frozenset()
    found = set()
    if row.personal_information or row.specific_personal_information:
        found.add("personal_information")
    if row.specific_personal_information:
        found.add("specific_personal_information")
    return frozenset(found)


def set_case_handling(actor: Actor, case: Case, *, personal: bool, specific: bool) -> None:
    """Record what the case handles; 特定個人情報 is personal information too."""
    personal = personal or specific
    with database.atomic():
        row = CaseInformationHandling.get_or_none(CaseInformationHandling.case == case)
        before = (
            {"personal": row.personal_information, "specific": row.specific_personal_information}
            if row
            else {"personal": False, "specific": False}
        )
        after = {"personal": personal, "specific": specific}
        if before == after:
            return
        if row is None:
            row = CaseInformationHandling(case=case)
        row.personal_information, row.specific_personal_information = personal, specific
        row.save()
        audit.record(
            actor,
            "case.personal_information",
            "case",
            case.id,
            f"案件「{case.title}」の個人情報の取扱いを変更",
            before,
            after,
        )


# --- contract conflicts --------------------------------------------------------------------


def positions_for(clauses_dir: Path | str) -> dict[str, Position]:
    """positions.toml beside the clause folder (none when the file is absent)."""
    try:
        return load_positions(Path(clauses_dir).parent / POSITIONS_FILE)
    except PositionError as error:
        raise ServiceError(
            "回答と条文の対応表に誤りがあります。" + " ".join(error.errors)
        ) from error


@dataclass(frozen=True)
class ConflictState:
    conflict: ContractConflict
    resolution: ConflictResolution | None

    @property
    def resolved(self) -> bool:
        return self.resolution is not None


def resolutions(assessment: Assessment) -> dict[str, ConflictResolution]:
    """The newest resolution per question=answer; a changed answer is a new conflict."""
    found: dict[str, ConflictResolution] = {}
    query = ConflictResolution.select().where(ConflictResolution.assessment == assessment)
    for row in query.order_by(ConflictResolution.id):
        found[f"{row.question_id}={row.answer_value}"] = row
    return found


def analyse(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    clauses: Sequence[Clause],
    positions: Mapping[str, Position],
) -> tuple[PositionsResult, list[ConflictState]]:
    case = assessment.case
    result = assess_answers(
        questionnaire,
        answers,
        kind=case.kind,
        tier=case.tier,
        clauses=clauses,
        positions=positions,
        limits=time_limits(),
        handles=case_handles(case),
    )
    decided = resolutions(assessment)
    return result, [ConflictState(c, decided.get(c.key)) for c in result.conflicts]


def individual_terms(states: Sequence[ConflictState]) -> tuple[str, ...]:
    """The accepted vendor positions, as the individual conditions the annex states."""
    return tuple(
        state.resolution.condition_text
        for state in states
        if state.resolution is not None and state.resolution.decision == "accept"
    )


def _text(raw: object, label: str, field: str) -> str:
    text = " ".join(str(raw or "").split())
    if not text:
        raise ServiceError(f"{label}を入力してください。", field=field)
    if len(text) > MAX_TEXT:
        raise ServiceError(f"{label}は{MAX_TEXT}文字以内で入力してください。", field=field)
    return text


def resolve(
    actor: Actor,
    assessment: Assessment,
    conflict: ContractConflict,
    *,
    decision: str,
    condition_text: str,
    reason: str,
    due_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ConflictResolution:
    """Record staff's decision; a remediation is also an accepted remediation condition."""
    if decision not in DECISIONS:
        raise ServiceError("対応を選んでください。", field="decision")
    label = "個別条件の文言" if decision == "accept" else "求める是正措置"
    text = _text(condition_text, label, "condition_text")
    reason_text = _text(reason, "判断の理由", "reason")
    if decision == "remediate":
        if not isinstance(due_on, dt.date):
            raise ServiceError("是正の期限を入力してください。", field="due_on")
        if due_on < (today or today_jst()):
            raise ServiceError("是正の期限は今日以降の日付を入力してください。", field="due_on")
    with database.atomic():
        row = ConflictResolution.create(
            assessment=assessment,
            question_id=conflict.question_id,
            answer_value=conflict.value,
            decision=decision,
            condition_text=text,
            reason=reason_text,
            staff=actor.id if actor.kind == "staff" else None,
        )
        if decision == "remediate":
            Remediation.create(
                assessment=assessment,
                question_id=conflict.question_id,
                action=text,
                due_on=due_on,
                accepted=True,
                staff=row.staff,
            )
        audit.record(
            actor,
            "conflict.resolve",
            "assessment",
            assessment.id,
            f"{assessment.vendor.name} の契約上の相違「{conflict.topic}」を"
            f"{'受入れ' if decision == 'accept' else '是正要求'}で解決",
            after={
                "question": conflict.question_id,
                "answer": conflict.value,
                "decision": decision,
                "text": text,
                "reason": reason_text,
            },
        )
    return row


def find_conflict(states: Sequence[ConflictState], key: str) -> ContractConflict:
    for state in states:
        if state.conflict.key == key:
            return state.conflict
    # The key comes from the annex page's form: a conflict the answers no longer raise is a
    # choice that is not there any more (the page again, with the message), not a 404.
    raise ServiceError(
        "この契約上の相違は見つかりません（回答が変わった可能性があります）。", field="key"
    )
