"""Scoring: a pure function from (questionnaire, answers, tier, reviews) to a Scorecard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from vendorcheck.domain.jp import wareki
from vendorcheck.domain.questionnaire import Question, Questionnaire, has_answer
from vendorcheck.domain.questionnaire.types import NA, PENDING
from vendorcheck.domain.scorecard import (
    COUNTED,
    SEVERITIES,
    SEVERITY_LABELS,
    VERDICT_CONDITIONAL,
    VERDICT_CONFORMING,
    VERDICT_NONCONFORMING,
    Gap,
    QuestionScore,
    Remediation,
    RequirementResult,
    Review,
    Scorecard,
    SectionScore,
)

_STATUS_OF_RESULT = MappingProxyType({NA: "na", PENDING: "pending_review", None: "not_scored"})
_NONE: Mapping = MappingProxyType({})


def round_score(value: float) -> float:
    """Round to one decimal, halves up (as people do), immune to float noise like 70.2499…"""
    return float(Decimal(repr(round(value, 9))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def weighted_mean(results: Sequence[QuestionScore]) -> float | None:
    """Return the weighted mean × 100 of the counted results, or None if none count."""
    counted = [r for r in results if r.status in COUNTED and r.weight > 0 and r.final is not None]
    total_weight = sum(r.weight for r in counted)
    if not total_weight:
        return None
    return round_score(100 * sum(r.weight * r.final for r in counted) / total_weight)  # type: ignore[operator]


def _figure(value: float) -> str:
    return f"{value:g}"


def _shortfall(result: QuestionScore) -> str:
    return "未回答" if result.status == "unanswered" else _figure(result.final or 0.0)


def score_question(
    question: Question, value: object, applies: bool, review: Review | None
) -> QuestionScore:
    """Score one question: automatic score, reviewer override, final score and status."""
    automatic: float | None = None
    if not applies:
        status = "hidden"
    elif not has_answer(value):
        status, automatic = "unanswered", (0.0 if question.answer_type.scores else None)
    else:
        result = question.answer_type.automatic_score(value)
        status = _STATUS_OF_RESULT.get(result, "scored")  # type: ignore[arg-type]
        automatic = result if status == "scored" else None  # type: ignore[assignment]
    reviewed = review.score if review is not None and applies else None
    if reviewed is not None:
        status = "scored"
    final = reviewed if reviewed is not None else automatic
    if status == "scored" and question.weight == 0:
        status = "not_scored"  # weight 0: asked, kept for gaps and requirements, not averaged
    return QuestionScore(
        question.id,
        question.section_id,
        applies,
        automatic,
        reviewed,
        final,
        question.weight,
        status,
        question.requirements,
    )


_GAP_CANDIDATES: dict[str, tuple[int, ...]] = {}


def _can_find(question: Question) -> bool:
    """Whether some answer to this question could carry a finding severity."""
    if getattr(question.answer_type, "finding", None):
        return True
    return any(option.finding for option in question.options)


def _gap_candidates(questionnaire: Questionnaire) -> tuple[int, ...]:
    """Positions of the questions that can ever give a gap (mandatory ones or with findings)."""
    found = _GAP_CANDIDATES.get(questionnaire.content_hash)
    if found is None:
        if len(_GAP_CANDIDATES) > 256:
            _GAP_CANDIDATES.clear()
        found = tuple(
            order
            for order, question in enumerate(questionnaire.questions)
            if question.mandatory_from_tier or _can_find(question)
        )
        _GAP_CANDIDATES[questionnaire.content_hash] = found
    return found


def _gaps(
    questionnaire: Questionnaire,
    results: Sequence[QuestionScore],
    answers: Mapping[str, object],
    tier: int,
    remediations: Mapping[str, Remediation],
    checks: Mapping[str, Sequence[tuple[str, str]]] = _NONE,
) -> tuple[Gap, ...]:
    gaps: list[tuple[int, int, Gap]] = []
    questions = questionnaire.questions
    candidates = _gap_candidates(questionnaire)
    if checks:
        checked = {order for order, q in enumerate(questions) if q.id in checks}
        candidates = tuple(sorted(set(candidates) | checked))
    for order in candidates:
        question, result = questions[order], results[order]
        value = answers.get(question.id)
        if not result.applies or not (question.mandatory_from_tier or has_answer(value)):
            continue
        found: list[tuple[str, str]] = []
        if question.is_mandatory(tier):
            must = f"区分{question.mandatory_from_tier}以上で必須の質問ですが、"
            if result.status == "unanswered":
                found.append(("mandatory", f"{must}未回答です"))
            elif result.final is not None and result.final < 1.0:
                found.append(
                    ("mandatory", f"{must}満点ではありません（評点 {_figure(result.final)}）")
                )
        if has_answer(value):
            found.extend(
                (severity, f"{why}（重大度「{SEVERITY_LABELS[severity]}」）")
                for severity, why in question.answer_type.findings(value)
            )
            found.extend(
                (severity, f"{why}（照合の結果、重大度「{SEVERITY_LABELS[severity]}」）")
                for severity, why in checks.get(question.id, ())
            )
        remediation = remediations.get(question.id)
        remediated = remediation is not None and remediation.accepted
        for severity, why in found:
            gap = Gap(question.id, severity, f"{question.id}: {why}。", remediated)
            gaps.append((SEVERITIES.index(severity), order, gap))
    return tuple(gap for _, _, gap in sorted(gaps, key=lambda item: item[:2]))


def _requirement_result(requirement_id: str, results: Sequence[QuestionScore]) -> RequirementResult:
    ids = tuple(result.question_id for result in results)
    judged = [result for result in results if result.applies and result.final is not None]
    pending = [result.question_id for result in results if result.status == "pending_review"]
    waiting = f"審査待ちの質問があります: {', '.join(pending)}。" if pending else ""
    short = [result for result in judged if result.final < 1.0]  # type: ignore[operator]
    if not judged:
        reason = waiting or "この条件で評価の対象になる質問がありません。"
        return RequirementResult(requirement_id, "na", ids, reason)
    if not short:
        names = ", ".join(result.question_id for result in judged)
        status = "partly" if pending else "met"
        return RequirementResult(
            requirement_id, status, ids, f"{names} がすべて満点です。{waiting}"
        )
    details = "、".join(f"{result.question_id}（{_shortfall(result)}）" for result in short)
    status = "not_met" if all(result.final == 0 for result in judged) else "partly"
    return RequirementResult(requirement_id, status, ids, f"満点でない質問: {details}。{waiting}")


def _ids(gaps: Sequence[Gap]) -> str:
    return ", ".join(dict.fromkeys(gap.question_id for gap in gaps))


def _with_due_dates(gaps: Sequence[Gap], remediations: Mapping[str, Remediation]) -> str:
    named = []
    for question_id in dict.fromkeys(gap.question_id for gap in gaps):
        due = remediations[question_id].due
        named.append(f"{question_id}（期限 {wareki(due)}）" if due else question_id)
    return ", ".join(named)


def _verdict(
    total: float | None,
    threshold: float,
    tier: int,
    gaps: Sequence[Gap],
    remediations: Mapping[str, Remediation],
) -> tuple[str, list[str]]:
    open_mandatory = [gap for gap in gaps if gap.severity == "mandatory" and not gap.remediated]
    open_high = [gap for gap in gaps if gap.severity == "high" and not gap.remediated]
    accepted = [gap for gap in gaps if gap.remediated]
    below = total is not None and total < threshold
    pass_mark = f"区分{tier}の合格点 {_figure(threshold)} 点"
    reasons = []
    if open_mandatory:
        reasons.append(
            f"必須の質問が満たされておらず、承認した是正措置もありません: {_ids(open_mandatory)}。"
        )
    if total is None:
        reasons.append("採点の対象になる回答がないため、総合点はありません。")
    elif below:
        reasons.append(f"総合点 {total} 点が{pass_mark}を下回っています。")
    if open_high:
        reasons.append(f"重大度「高」の指摘が残っています: {_ids(open_high)}。")
    if accepted:
        reasons.append(
            f"是正措置を承認した項目があります: {_with_due_dates(accepted, remediations)}。"
        )
    if open_mandatory:
        return VERDICT_NONCONFORMING, reasons
    if below or open_high or accepted:
        return VERDICT_CONDITIONAL, reasons
    if total is not None:
        reasons.append(f"総合点 {total} 点は{pass_mark}以上です。")
    reasons.append("未解決の必須の質問と重大度「高」の指摘はありません。")
    return VERDICT_CONFORMING, reasons


def score(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    tier: int,
    reviews: Mapping[str, Review] = _NONE,
    remediations: Mapping[str, Remediation] = _NONE,
    checks: Mapping[str, Sequence[tuple[str, str]]] = _NONE,
) -> Scorecard:
    """Score cleaned answers at a tier (1..3); the same inputs always give the same card.

    `checks` holds findings that checks outside the answers made, by question id (an ISMAP
    number not on the list, say): each is a gap of its severity on that question."""
    if isinstance(tier, bool) or tier not in (1, 2, 3):
        raise ValueError(f"tier は 1, 2, 3 のいずれかです（{tier!r}）")
    applicable = questionnaire.applicable_questions(answers, tier)
    results = tuple(
        score_question(
            question, answers.get(question.id), question.id in applicable, reviews.get(question.id)
        )
        for question in questionnaire.questions
    )
    by_id = {result.question_id: result for result in results}
    missing = [
        question.id
        for question in questionnaire.questions
        if question.required
        and question.id in applicable
        and not has_answer(answers.get(question.id))
    ]
    unanswered = set(missing)
    sections = []
    for section in questionnaire.sections:
        section_results = [by_id[question.id] for question in section.questions]
        due = [
            question.id
            for question in section.questions
            if question.required and question.id in applicable
        ]
        answered = sum(1 for question_id in due if question_id not in unanswered)
        sections.append(
            SectionScore(
                section.id, section.title, weighted_mean(section_results), answered, len(due)
            )
        )
    requirements = tuple(
        _requirement_result(requirement_id, [by_id[question_id] for question_id in question_ids])
        for requirement_id, question_ids in questionnaire.requirement_index.items()
    )
    gaps = _gaps(questionnaire, results, answers, tier, remediations, checks)
    total, threshold = weighted_mean(results), questionnaire.pass_mark(tier)
    verdict, reasons = _verdict(total, threshold, tier, gaps, remediations)
    pending = [result.question_id for result in results if result.status == "pending_review"]
    if pending:
        reasons.append(
            f"審査待ちの質問があります: {', '.join(pending)}。審査が終わるまで判定は確定しません。"
        )
    if missing:
        reasons.append(f"回答が必要な質問に未回答のものがあります: {', '.join(missing)}。")
    return Scorecard(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        tier=tier,
        total=total,
        threshold=threshold,
        verdict=verdict,
        verdict_reasons=tuple(reasons),
        complete=not pending and not missing,
        questions=results,
        sections=tuple(sections),
        requirements=requirements,
        gaps=gaps,
    )
