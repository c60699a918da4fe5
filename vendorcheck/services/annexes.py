"""Contract annexes: what one is built from, previews, and generated versions stored as attached."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peewee import IntegrityError, fn

from vendorcheck.documents.annex import build_annex_docx
from vendorcheck.documents.docx_helpers import TemplateError
from vendorcheck.domain import assessment_status
from vendorcheck.domain.clauses import (
    Annex,
    AnnexContext,
    Clause,
    ClauseError,
    render_annex,
    select_clauses,
)
from vendorcheck.domain.contract_terms import LIMITS
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.questionnaire import Questionnaire, referenced_questions
from vendorcheck.services import audit, contract_terms, ismap_claims
from vendorcheck.services.assessments import latest_submission, questionnaire_of, submission_answers
from vendorcheck.services.audit import Actor
from vendorcheck.services.contract_terms import ConflictState
from vendorcheck.services.errors import Conflict, NotFound, ServiceError
from vendorcheck.services.organisation import PARTY_TERMS, get_organisation
from vendorcheck.store.db import database
from vendorcheck.store.models import Assessment, GeneratedAnnex, Remediation

NOTHING_SUBMITTED = "提出された回答がないため、特記事項を作成できません。"
UNRESOLVED = (
    "契約上の相違が {count} 件解決されていないため、特記事項の確定版を作成できません"
    "（特記事項の画面で、受け入れるか是正を求めるかを決めてください）: {topics}"
)
NOT_FINAL_STATUS = (
    "「{label}」の回答からは特記事項を作成できません（プレビューは「案」として表示します）。"
)
NO_FINAL_STATUSES = (assessment_status.REJECTED, assessment_status.RETURNED)
VERSION_ATTEMPTS = 3


class NothingSubmitted(Conflict):
    """The vendor has not submitted any answers yet: there is nothing to build an annex from."""


class UnresolvedConflicts(Conflict):
    """Answers weaker than an article are still waiting for staff's decision."""


class AnnexError(ServiceError):
    """The clause files or the Word template cannot be used."""


# --- what an annex is built from -----------------------------------------------------------


@dataclass(frozen=True)
class AnnexInputs:
    context: AnnexContext
    answers: Mapping[str, object]  # the latest submitted answers (raw values)
    questionnaire: Questionnaire
    submission_version: int
    conflicts: tuple[ConflictState, ...] = ()

    @property
    def unresolved(self) -> tuple[ConflictState, ...]:
        return tuple(state for state in self.conflicts if not state.resolved)


def accepted_remediations(assessment: Assessment) -> list[tuple[str, dt.date | None]]:
    """(action, due) of each accepted remediation; the newest row per question counts."""
    latest: dict[str, Remediation] = {}
    query = Remediation.select().where(Remediation.assessment == assessment)
    for row in query.order_by(Remediation.id):
        latest[row.question_id] = row
    return [(row.action, row.due_on) for row in latest.values() if row.accepted]


def gather(
    assessment: Assessment,
    issued_on: dt.date | None = None,
    *,
    clauses: Sequence[Clause] = (),
    positions: Mapping[str, object] | None = None,
) -> AnnexInputs:
    """Collect what the annex of an assessment is built from; NothingSubmitted without answers.

    With the clause library, the answers are also checked against the articles: contract
    conflicts (with staff's resolutions) and the vendor's stronger promises of time limits.
    """
    submission = latest_submission(assessment)
    if submission is None:
        raise NothingSubmitted(NOTHING_SUBMITTED)
    answers = submission_answers(submission)
    questionnaire = questionnaire_of(assessment)
    organisation = get_organisation()
    case = assessment.case
    limits = contract_terms.time_limits()
    states: list[ConflictState] = []
    if clauses:
        result, states = contract_terms.analyse(
            assessment, questionnaire, answers, clauses, positions or {}
        )
        limits = result.limits(limits)
    context = AnnexContext(
        organisation_name=organisation.name,
        vendor_name=assessment.vendor.name,
        case_title=case.title,
        kind=case.kind,
        tier=case.tier,
        contract_start=case.contract_start,
        contract_end=case.contract_end,
        party_terms=PARTY_TERMS.get(organisation.party_terms, PARTY_TERMS["itaku"]),
        limits=limits,
        answers_display={
            question.id: question.display(answers[question.id])
            for question in questionnaire.questions
            if question.id in answers
        },
        remediations=accepted_remediations(assessment),
        issued_on=issued_on or today_jst(),
        ismap_registration="、".join(
            item.check.summary()
            for item in ismap_claims.assessment_checks(assessment, answers, questionnaire)
        ),
        handles=contract_terms.case_handles(case),
        individual_terms=contract_terms.individual_terms(states),
        draft=bool([state for state in states if not state.resolved])
        or assessment.status in NO_FINAL_STATUSES,
    )
    return AnnexInputs(context, answers, questionnaire, submission.version, tuple(states))


def annex_context(assessment: Assessment) -> AnnexContext:
    """The organisation settings, case, vendor, submitted answers and remediations, as data."""
    return gather(assessment).context


def optional_offer(clauses: Sequence[Clause], inputs: AnnexInputs) -> list[Clause]:
    """The optional clauses that would be included in this annex if chosen."""
    every = {clause.id: True for clause in clauses if clause.optional}
    return [clause for clause in _select(clauses, inputs, every) if clause.optional]


def _select(clauses: Sequence[Clause], inputs: AnnexInputs, choices: Mapping[str, bool]):
    context = inputs.context
    applicable = inputs.questionnaire.applicable_questions(inputs.answers, context.tier)
    return select_clauses(
        clauses,
        context.kind,
        context.tier,
        inputs.answers,
        choices,
        has_remediations=context.has_individual_conditions,
        applies=applicable.__contains__,
        handles=context.handles,
    )


def choices_for(
    clauses: Sequence[Clause], inputs: AnnexInputs, chosen: Iterable[str] | Mapping[str, bool]
) -> dict[str, bool]:
    """Every optional clause on offer → whether it was chosen; refuse ids not on offer."""
    if isinstance(chosen, Mapping):
        chosen = [clause_id for clause_id, wanted in chosen.items() if wanted]
    offered = [clause.id for clause in optional_offer(clauses, inputs)]
    unknown = sorted(set(chosen) - set(offered))
    if unknown:
        names = "、".join(offered) or "なし"
        raise ServiceError(
            f"条項「{'」「'.join(unknown)}」は、この特記事項で選べる任意の条文ではありません"
            f"（選べる条文: {names}）。",
            field="optional",
        )
    wanted = set(chosen)
    return {clause_id: clause_id in wanted for clause_id in offered}


def build_annex(
    clauses: Sequence[Clause], inputs: AnnexInputs, choices: Mapping[str, bool]
) -> Annex:
    """Select and render the articles (pure: the same inputs give the same text)."""
    try:
        return render_annex(_select(clauses, inputs, choices), inputs.context)
    except ClauseError as error:
        raise AnnexError("特記事項を作成できません。" + " ".join(error.errors)) from error


def preview(
    assessment: Assessment,
    optional_choices: Iterable[str] | Mapping[str, bool] = (),
    *,
    clauses: Sequence[Clause],
    positions: Mapping[str, object] | None = None,
) -> Annex:
    """The annex as it would be generated today, without storing anything (案 while not final)."""
    inputs = gather(assessment, clauses=clauses, positions=positions)
    return build_annex(clauses, inputs, choices_for(clauses, inputs, optional_choices))


def refuse_final(assessment: Assessment, inputs: AnnexInputs) -> None:
    if assessment.status in NO_FINAL_STATUSES:
        label = assessment_status.LABELS.get(assessment.status, assessment.status)
        raise Conflict(NOT_FINAL_STATUS.format(label=label))
    if inputs.unresolved:
        topics = "、".join(f"「{state.conflict.topic}」" for state in inputs.unresolved)
        raise UnresolvedConflicts(UNRESOLVED.format(count=len(inputs.unresolved), topics=topics))


def check_lines(inputs: AnnexInputs) -> list[str]:
    """The contract conflicts of an annex as lines for `vendorcheck annex --check`."""
    lines = []
    for state in inputs.conflicts:
        mark = "解決済み" if state.resolved else "未解決"
        lines.append(
            f"［{mark}］{state.conflict.topic}: {state.conflict.explanation}"
            f"（質問 {state.conflict.question_text}）"
        )
    return lines


# --- generated versions --------------------------------------------------------------------


def _inputs_json(inputs: AnnexInputs, annex: Annex, choices: Mapping[str, bool], clauses) -> str:
    context = inputs.context
    condition_questions = sorted(
        {
            question_id
            for clause in clauses
            if context.kind in clause.kinds
            for question_id in referenced_questions(clause.when)
        }
    )
    record = {
        "organisation": context.organisation_name,
        "vendor": context.vendor_name,
        "case": {"title": context.case_title, "kind": context.kind, "tier": context.tier},
        "contract_start": context.contract_start,
        "contract_end": context.contract_end,
        "issued_on": context.issued_on,
        "party_terms": list(context.party_terms),
        "limits": {limit.name: context.limits.value(limit.name) for limit in LIMITS},
        "handles": sorted(context.handles),
        "individual_terms": list(context.individual_terms),
        "conflicts": [
            {
                "question": state.conflict.question_id,
                "answer": state.conflict.value,
                "decision": state.resolution.decision if state.resolution else None,
            }
            for state in inputs.conflicts
        ],
        "questionnaire": {
            "id": inputs.questionnaire.id,
            "version": inputs.questionnaire.version,
            "content_hash": inputs.questionnaire.content_hash,
        },
        "answers_used": dict(annex.answers_used),
        "condition_answers": {
            q: inputs.answers[q] for q in condition_questions if q in inputs.answers
        },
        "remediations": [{"action": action, "due": due} for action, due in context.remediations],
        "optional_choices": dict(choices),
        "ismap_registration": context.ismap_registration,
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def generate(
    actor: Actor,
    assessment: Assessment,
    optional_choices: Iterable[str] | Mapping[str, bool] = (),
    *,
    clauses: Sequence[Clause],
    positions: Mapping[str, object],
) -> GeneratedAnnex:
    """Build the .docx from the latest submitted answers and store it as the next version.

    Refused for a rejected or returned assessment and while a contract conflict is unresolved
    (positions are required, so that no caller can leave the answers unchecked).
    """
    inputs = gather(assessment, clauses=clauses, positions=positions)
    refuse_final(assessment, inputs)
    choices = choices_for(clauses, inputs, optional_choices)
    annex = build_annex(clauses, inputs, choices)
    try:
        data = build_annex_docx(annex)
    except TemplateError as error:
        raise AnnexError(str(error)) from error
    digest = hashlib.sha256(data).hexdigest()
    inputs_json = _inputs_json(inputs, annex, choices, clauses)
    for _attempt in range(VERSION_ATTEMPTS):
        try:
            with database.atomic():
                return _store(actor, assessment, inputs, annex, data, digest, inputs_json)
        except IntegrityError:  # another request took the same version number first
            continue
    raise Conflict("同時に作成された特記事項があります。もう一度お試しください。")


def _store(actor, assessment, inputs, annex, data, digest, inputs_json) -> GeneratedAnnex:
    last = (
        GeneratedAnnex.select(fn.MAX(GeneratedAnnex.version))
        .where(GeneratedAnnex.assessment == assessment)
        .scalar()
    )
    version = (last or 0) + 1
    row = GeneratedAnnex.create(
        assessment=assessment,
        version=version,
        submission_version=inputs.submission_version,
        clause_ids=json.dumps(list(annex.clause_ids)),
        inputs=inputs_json,
        content_hash=digest,
        docx=data,
        created_by=actor.id if actor.kind == "staff" else None,
    )
    audit.record(
        actor,
        "annex.generate",
        "assessment",
        assessment.id,
        f"{assessment.vendor.name} の特記事項を作成（第{version}版、{len(annex.articles)} 条、"
        f"回答 第{inputs.submission_version}版）",
        after={
            "version": version,
            "submission_version": inputs.submission_version,
            "clause_ids": list(annex.clause_ids),
            "content_hash": digest,
        },
    )
    return row


def versions(assessment: Assessment) -> list[GeneratedAnnex]:
    """The stored versions, newest first, without their file content."""
    columns = [field for field in GeneratedAnnex._meta.sorted_fields if field.name != "docx"]
    query = GeneratedAnnex.select(*columns).where(GeneratedAnnex.assessment == assessment)
    return list(query.order_by(GeneratedAnnex.version.desc()))


def get_version(assessment: Assessment, version: int) -> GeneratedAnnex:
    """One stored version with its file; NotFound when this assessment has no such version."""
    row = GeneratedAnnex.get_or_none(
        GeneratedAnnex.assessment == assessment, GeneratedAnnex.version == version
    )
    if row is None:
        raise NotFound(f"特記事項の第{version}版はありません。")
    return row


def docx_bytes(row: GeneratedAnnex) -> bytes:
    return bytes(row.docx)  # PostgreSQL returns a memoryview


def clause_ids_of(row: GeneratedAnnex) -> list[str]:
    return list(json.loads(row.clause_ids or "[]"))
