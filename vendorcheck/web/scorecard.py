"""The scorecard of one assessment: scores, verdict, requirements, gaps, reviewer judgement,
remediation conditions, evidence status and certificate checks."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from vendorcheck.domain.jp import parse_date, today_jst
from vendorcheck.domain.scorecard import (
    QUESTION_STATUS_EXPLAINED,
    REQUIREMENT_STATUS_LABELS,
    SEVERITIES,
    SEVERITY_LABELS,
    VERDICT_MARKS,
)
from vendorcheck.services import expiry, ismap_claims, judgement
from vendorcheck.services import review as review_service
from vendorcheck.services.assessments import (
    get_assessment,
    latest_answers,
    questionnaire_of,
    submissions,
)
from vendorcheck.services.errors import Conflict, ServiceError
from vendorcheck.web.answer_filters import (
    ANSWER_FILTERS,
    chosen_filter,
    every_filter,
    filter_links,
)
from vendorcheck.web.auth import current_actor, require
from vendorcheck.web.naming import assessment_question_name

bp = Blueprint("scorecard", __name__, url_prefix="/assessments")

SCORE_CHOICES = (
    ("1", "1（満たす）"),
    ("0.75", "0.75"),
    ("0.5", "0.5（一部満たす）"),
    ("0.25", "0.25"),
    ("0", "0（満たさない）"),
)
SCORE_ERROR = "評点は 0、0.25、0.5、0.75、1 の中から選んでください。"
REMEDIATION_ACTIONS = {
    "accept": (judgement.accept_remediation, "是正措置を承認しました。"),
    "withdraw": (judgement.withdraw_remediation, "是正措置を取り下げました。"),
    "done": (judgement.mark_remediation_done, "是正措置を完了として記録しました。"),
}


def _named(assessment, question_id: str) -> str:
    return f"「{assessment_question_name(assessment, question_id, 30)}」"


def anchor(question_id: str, prefix: str = "q") -> str:
    """The id of a question's block on the page: q-… (scores) or remediation-… (conditions)."""
    return f"{prefix}-{question_id.replace('.', '-')}"


def _page_url(assessment, question_id: str, prefix: str = "q") -> str:
    return url_for(
        "scorecard.show", assessment_id=assessment.id, _anchor=anchor(question_id, prefix)
    )


def _answer_texts(questionnaire, answers) -> dict[str, str]:
    return {q.id: q.display(answers[q.id]) for q in questionnaire.questions if q.id in answers}


def _render(assessment, status: int = 200, **state):
    questionnaire = questionnaire_of(assessment)
    case = assessment.case
    answers, version = latest_answers(assessment)
    card = review_service.scorecard(assessment, answers)
    today = today_jst()
    remediations = judgement.remediations_by_question(assessment)
    gap_ids = {gap.question_id for gap in card.gaps}
    applicable = [r.question_id for r in card.questions if r.applies]
    show = chosen_filter()
    kept_by_filter = every_filter(
        card,
        review_service.comments_by_question(assessment),
        assessment,
        version,
        submissions(assessment),
    )
    open_remediation = {
        qid: rows[-1]
        for qid, rows in remediations.items()
        if judgement.remediation_state(rows[-1]) in judgement.LIVE
    }
    return render_template(
        "scorecard/show.html",
        assessment=assessment,
        case=case,
        vendor=assessment.vendor,
        questionnaire=questionnaire,
        version=version,
        card=card,
        show=show,
        kept=kept_by_filter[show],
        filters=filter_links(
            show,
            applicable,
            kept_by_filter,
            "scorecard.show",
            "questions-title",
            assessment_id=assessment.id,
        ),
        answer_filters=ANSWER_FILTERS,
        today=today,
        answers=_answer_texts(questionnaire, answers),
        questions={q.id: q for q in questionnaire.questions},
        severities=[
            (s, SEVERITY_LABELS[s], [g for g in card.gaps if g.severity == s]) for s in SEVERITIES
        ],
        gap_ids=gap_ids,
        reviews=judgement.current_reviews(assessment),
        remediations=remediations,
        open_remediation=open_remediation,
        remediation_state=judgement.remediation_state,
        remediation_labels=judgement.REMEDIATION_LABELS,
        certificates=expiry.certificate_checks(assessment, answers, today),
        ismap_checks=ismap_claims.assessment_checks(assessment, answers, questionnaire, today),
        evidence=expiry.evidence_status(assessment, answers, today),
        question_status=QUESTION_STATUS_EXPLAINED,
        requirement_status=REQUIREMENT_STATUS_LABELS,
        verdict_marks=VERDICT_MARKS,
        score_choices=SCORE_CHOICES,
        anchor=anchor,
        review_state=state.get("review_state"),
        remediation_input=state.get("remediation_input"),
        action_error=state.get("action_error"),
    ), status


@bp.route("/<int:assessment_id>/scorecard")
@require("view")
def show(assessment_id: int):
    found = get_assessment(assessment_id)
    return _render(found)


def _status_of(error: ServiceError) -> int:
    return 409 if isinstance(error, Conflict) else 400


@bp.route("/<int:assessment_id>/scorecard/review", methods=["POST"])
@require("manage_cases")
def set_review(assessment_id: int):
    found = get_assessment(assessment_id)
    question_id = (request.form.get("question_id") or "").strip()
    score = (request.form.get("score") or "").strip()
    reason = request.form.get("reason") or ""
    errors: dict[str, str] = {}
    if score not in {value for value, _ in SCORE_CHOICES}:
        errors["score"] = SCORE_ERROR
    if not reason.strip():
        errors["reason"] = "評点の理由を入力してください。"
    status = 400
    if not errors:
        try:
            judgement.set_review_score(current_actor(), found, question_id, float(score), reason)
        except ServiceError as exc:
            errors[exc.field if exc.field in {"score", "reason"} else "score"] = exc.message
            status = _status_of(exc)
        else:
            flash(
                f"質問{_named(found, question_id)}に審査担当者の評点 {score} を登録しました。",
                "success",
            )
            return redirect(_page_url(found, question_id))
    state = {"question_id": question_id, "score": score, "reason": reason, "errors": errors}
    return _render(found, status, review_state=state)


@bp.route("/<int:assessment_id>/scorecard/review/clear", methods=["POST"])
@require("manage_cases")
def clear_review(assessment_id: int):
    found = get_assessment(assessment_id)
    question_id = (request.form.get("question_id") or "").strip()
    try:
        judgement.clear_review_score(current_actor(), found, question_id)
    except ServiceError as exc:
        state = {"question_id": question_id, "score": "", "reason": "", "errors": {}}
        state["errors"]["score"] = exc.message
        return _render(found, _status_of(exc), review_state=state)
    flash(
        f"質問{_named(found, question_id)}の審査担当者の評点を取り消しました。自動の評点に戻ります。",
        "success",
    )
    return redirect(_page_url(found, question_id))


@bp.route("/<int:assessment_id>/scorecard/remediations", methods=["POST"])
@require("manage_cases")
def add_remediation(assessment_id: int):
    found = get_assessment(assessment_id)
    question_id = (request.form.get("question_id") or "").strip()
    action = request.form.get("action") or ""
    due_raw = (request.form.get("due_on") or "").strip()
    errors: dict[str, str] = {}
    if not action.strip():
        errors["action"] = "是正措置の内容（事業者が行うこと）を入力してください。"
    due_on = parse_date(due_raw)
    if not due_raw:
        errors["due_on"] = "是正の期限を入力してください。"
    elif due_on is None:
        errors["due_on"] = "是正の期限は 2025-04-01 の形で入力してください。"
    status = 400
    if not errors:
        try:
            judgement.add_remediation(current_actor(), found, question_id, action, due_on)
        except ServiceError as exc:
            errors[exc.field if exc.field in {"action", "due_on"} else "action"] = exc.message
            status = _status_of(exc)
        else:
            flash(
                f"質問{_named(found, question_id)}の是正措置を登録しました。内容を確認して承認してください。",
                "success",
            )
            return redirect(_page_url(found, question_id, "remediation"))
    state = {"question_id": question_id, "action": action, "due_on": due_raw, "errors": errors}
    return _render(found, status, remediation_input=state)


@bp.route(
    "/<int:assessment_id>/scorecard/remediations/<int:remediation_id>/<any(accept, withdraw, done):step>",
    methods=["POST"],
)
@require("manage_cases")
def remediation_step(assessment_id: int, remediation_id: int, step: str):
    found = get_assessment(assessment_id)
    change, message = REMEDIATION_ACTIONS[step]
    try:
        row = change(current_actor(), found, remediation_id)
    except ServiceError as exc:
        return _render(found, _status_of(exc), action_error=exc.message)
    flash(message, "success")
    return redirect(_page_url(found, row.question_id, "remediation"))
