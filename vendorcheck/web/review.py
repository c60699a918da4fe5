"""Staff review of one assessment: scorecard, answers, comments, return, decision, versions."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import Optional

from vendorcheck.domain import assessment_status
from vendorcheck.domain.jp import today_jst
from vendorcheck.domain.questionnaire import has_answer
from vendorcheck.domain.scorecard import (
    QUESTION_STATUS_EXPLAINED,
    REQUIREMENT_STATUS_LABELS,
    SEVERITIES,
    SEVERITY_LABELS,
    VERDICT_MARKS,
)
from vendorcheck.services import review as review_service
from vendorcheck.services.assessments import (
    comments_shown,
    get_assessment,
    questionnaire_of,
    read_draft,
    submission_answers,
    submissions,
)
from vendorcheck.services.errors import Conflict, NotFound, ServiceError, too_long
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.services.known_answers import known_changes
from vendorcheck.web.answer_filters import (
    ANSWER_FILTERS,
    chosen_filter,
    every_filter,
    filter_links,
)
from vendorcheck.web.auth import current_actor, require
from vendorcheck.web.downloads import attachment
from vendorcheck.web.errors import render_error
from vendorcheck.web.forms import Form, apply_service_error, choices, max_length

bp = Blueprint("review", __name__, url_prefix="/assessments")

MAX_COMMENT = review_service.MAX_COMMENT
DECISIONS = ((assessment_status.ACCEPTED, "承認する"), (assessment_status.REJECTED, "不採用にする"))
VERSION = re.compile(r"[1-9][0-9]{0,5}")


class DecisionForm(Form):
    # The service checks the choice and the reason, so its messages are the only ones.
    decision = RadioField("判断", choices=choices(DECISIONS), validate_choice=False)
    reason = TextAreaField(
        "判断の理由",
        validators=[Optional(), max_length("理由", MAX_COMMENT)],
        description="不採用にする場合と、審査待ちのまま承認する場合は必ず入力してください。判断とともに監査ログに記録されます。",
    )
    confirm_pending = BooleanField("審査待ちの質問が残ったまま承認する")


class ReturnForm(Form):
    message = TextAreaField(
        "差し戻しの理由（事業者へのメッセージ）",
        validators=[Optional(), max_length("メッセージ", MAX_COMMENT)],
        description="全体についての依頼を書きます。質問ごとのコメントは下の欄に書いてください。",
    )


def _page_url(assessment, anchor: str | None = None) -> str:
    return url_for("review.assessment", assessment_id=assessment.id, _anchor=anchor)


def _answers_shown(assessment, subs, version_arg: str | None):
    """Return (answers, version or None for the draft), or raise NotFound for a missing version."""
    if version_arg is not None:
        chosen = next((s for s in subs if s.version == int(version_arg)), None)
        if chosen is None:
            raise NotFound(f"第{version_arg}版は提出されていません。")
        return submission_answers(chosen), chosen.version
    if subs:
        return submission_answers(subs[-1]), subs[-1].version
    return read_draft(assessment).answers, None


def _render_page(assessment, status: int = 200, **forms):
    subs = submissions(assessment)
    version_arg = request.args.get("version")
    if version_arg is not None and not VERSION.fullmatch(version_arg):
        return render_error(400, "版は 1 以上の数字で指定してください。")
    answers, version = _answers_shown(assessment, subs, version_arg)
    questionnaire = questionnaire_of(assessment)
    case = assessment.case
    live = review_service.scorecard(assessment)
    latest = subs[-1].version if subs else None
    shown = live if version == latest else review_service.scorecard(assessment, answers)
    applicable = questionnaire.applicable_questions(answers, case.tier)
    # The return form comments on the answers the vendor will revise: the latest version's.
    base = answers if version == latest else submission_answers(subs[-1])
    base_applicable = questionnaire.applicable_questions(base, case.tier)
    answered = [
        (q, base[q.id])
        for q in questionnaire.questions
        if q.id in base_applicable and has_answer(base.get(q.id))
    ]
    effective = assessment_status.effective_status(
        assessment.status, assessment.deadline, today_jst()
    )
    show = chosen_filter()
    comments = review_service.comments_by_question(assessment)
    kept_by_filter = every_filter(shown, comments, assessment, version, subs)
    shown_version = {"version": version} if version != latest else {}
    return render_template(
        "review/assessment.html",
        answer_filters=ANSWER_FILTERS,
        filters=filter_links(
            show,
            applicable,
            kept_by_filter,
            "review.assessment",
            "answers-title",
            assessment_id=assessment.id,
            **shown_version,
        ),
        show=show,
        kept=kept_by_filter[show],
        assessment=assessment,
        case=case,
        vendor=assessment.vendor,
        questionnaire=questionnaire,
        status_label=assessment_status.LABELS[effective],
        decidable=assessment.status in assessment_status.DECIDABLE,
        card=live,
        shown=shown,
        pending=[questionnaire.question(qid) for qid in review_service.pending_review(live)],
        severities=[
            (s, SEVERITY_LABELS[s], [g for g in live.gaps if g.severity == s]) for s in SEVERITIES
        ],
        submissions=subs,
        version=version,
        latest=latest,
        answers=answers,
        invalid=read_draft(assessment).invalid if version is None else {},
        applicable=applicable,
        answered=answered,
        evidence=review_service.evidence_of_answers(assessment, questionnaire, answers),
        comments=comments,
        vendor_comments=comments_shown(assessment, version),
        decide_form=forms.get("decide_form") or DecisionForm(formdata=None),
        return_form=forms.get("return_form") or ReturnForm(formdata=None),
        return_comments=forms.get("return_comments", {}),
        return_errors=forms.get("return_errors", {}),
        comment_state=forms.get("comment_state"),
        decisions=DECISIONS,
        question_status=QUESTION_STATUS_EXPLAINED,
        requirement_status=REQUIREMENT_STATUS_LABELS,
        verdict_marks=VERDICT_MARKS,
        known_changes=known_changes(assessment, questionnaire, answers),
    ), status


@bp.route("/<int:assessment_id>")
@require("view")
def assessment(assessment_id: int):
    found = get_assessment(assessment_id)
    return _render_page(found)


@bp.route("/<int:assessment_id>/evidence/<int:evidence_id>")
@require("view")
def evidence(assessment_id: int, evidence_id: int):
    found = get_assessment(assessment_id)
    item = review_service.evidence_for_staff(found, evidence_id)
    return attachment(
        bytes(item.data), item.filename, item.content_type, ascii_stem=f"evidence-{item.id}"
    )


@bp.route("/<int:assessment_id>/comments", methods=["POST"])
@require("manage_cases")
def comment(assessment_id: int):
    found = get_assessment(assessment_id)
    question_id = (request.form.get("question_id") or "").strip()
    body = request.form.get("body") or ""
    anchor = f"answer-{question_id.replace('.', '-')}" if question_id else "comments"
    try:
        review_service.add_comment(current_actor(), found, question_id, body)
    except ServiceError as exc:
        state = {"question_id": question_id, "body": body, "error": exc.message}
        return _render_page(found, 400, comment_state=state)
    flash("コメントを追加しました。", "success")
    return redirect(_page_url(found, anchor))


@bp.route("/<int:assessment_id>/return", methods=["POST"])
@require("manage_cases")
def return_to_vendor(assessment_id: int):
    found = get_assessment(assessment_id)
    form = ReturnForm()
    comments = {
        key.removeprefix("comment__"): value
        for key, value in request.form.items()
        if key.startswith("comment__")
    }
    errors = {
        qid: too_long("コメント", MAX_COMMENT)
        for qid, text in comments.items()
        if len(text.strip()) > MAX_COMMENT
    }
    if form.validate_on_submit() and not errors:
        try:
            review_service.return_to_vendor(
                current_actor(),
                found,
                form.message.data or "",
                comments,
                links=LinkSettings.from_config(current_app.config),
            )
        except Conflict as exc:
            flash(exc.message, "error")
            return redirect(_page_url(found))
        except ServiceError as exc:
            apply_service_error(form, ServiceError(exc.message, field="message"))
        else:
            email = found.vendor.contact_email
            flash(
                f"事業者に差し戻しました。{email} にお知らせのメールを送ります。"
                if email
                else "事業者に差し戻しました。連絡先のメールアドレスが登録されていないため、"
                "メールは送られません。事業者に直接お知らせください。",
                "success",
            )
            return redirect(_page_url(found))
    return _render_page(
        found, 400, return_form=form, return_comments=comments, return_errors=errors
    )


@bp.route("/<int:assessment_id>/decide", methods=["POST"])
@require("manage_cases")
def decide(assessment_id: int):
    found = get_assessment(assessment_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decided = review_service.decide(
                current_actor(),
                found,
                form.decision.data or "",
                form.reason.data or "",
                confirm_pending=bool(form.confirm_pending.data),
            )
        except Conflict as exc:
            flash(exc.message, "error")
            return redirect(_page_url(found))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            label = assessment_status.LABELS[decided.status]
            flash(f"{decided.vendor.name} の回答を「{label}」としました。", "success")
            return redirect(_page_url(found))
    return _render_page(found, 400, decide_form=form)


@bp.route("/<int:assessment_id>/compare")
@require("view")
def compare(assessment_id: int):
    found = get_assessment(assessment_id)
    subs = submissions(found)
    versions = [s.version for s in subs]
    older_arg, newer_arg = request.args.get("from"), request.args.get("to")
    error, status, changes = None, 200, None
    if older_arg is None and newer_arg is None and len(versions) >= 2:
        older_arg, newer_arg = str(versions[-2]), str(versions[-1])
    if len(versions) < 2:
        error, status = (
            "比較できるのは、2回以上提出された回答です。まだ提出された版が2つありません。",
            404,
        )
    elif not (older_arg and newer_arg):
        error, status = "比較する2つの版（比較元と比較先）を選んでください。", 400
    elif not (VERSION.fullmatch(older_arg) and VERSION.fullmatch(newer_arg)):
        error, status = "版は 1 以上の数字で指定してください。", 400
    elif older_arg == newer_arg:
        error, status = "異なる2つの版を選んでください。", 400
    elif not {int(older_arg), int(newer_arg)} <= set(versions):
        error, status = (
            f"第{older_arg}版または第{newer_arg}版は提出されていません。一覧にある版を選んでください。",
            404,
        )
    else:
        changes = review_service.compare_versions(found, int(older_arg), int(newer_arg))
    return render_template(
        "review/compare.html",
        assessment=found,
        vendor=found.vendor,
        case=found.case,
        versions=versions,
        submitted_at={s.version: s.submitted_at for s in subs},
        older=older_arg or "",
        newer=newer_arg or "",
        changes=changes,
        error=error,
    ), status
