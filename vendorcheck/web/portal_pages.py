"""The vendor portal's pages: the overview, a section of the questionnaire (also re-shown by a
refused save, with what the vendor typed) and the confirmation before submitting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app, g, render_template, url_for

from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.services import answer_reuse
from vendorcheck.services import answers as answer_service
from vendorcheck.services.assessments import Draft, questionnaire_of, read_draft
from vendorcheck.services.drafts import errors_of_draft
from vendorcheck.services.known_answers import known_answers
from vendorcheck.services.organisation import get_organisation
from vendorcheck.services.review import comments_by_question
from vendorcheck.web.portal import bp, off_page_context

if TYPE_CHECKING:  # for annotations only: the web reads the store through services
    from vendorcheck.store.models import Assessment


def _requests(questionnaire: Questionnaire, applicable: set[str]) -> dict[str, list[str]]:
    """After a return: section id → the questions the reviewer commented on (latest version)."""
    assessment: Assessment = g.assessment
    if assessment.status != status.RETURNED:
        return {}
    latest = comments_by_question(assessment, version=assessment.submitted_version)
    marked: dict[str, list[str]] = {}
    for question in questionnaire.questions:
        if question.id in latest and question.id in applicable:
            marked.setdefault(question.section_id, []).append(question.id)
    return marked


def page_context(questionnaire: Questionnaire, draft: Draft) -> dict[str, Any]:
    assessment: Assessment = g.assessment
    tier = assessment.case.tier
    applicable = questionnaire.applicable_questions(draft.answers, tier)
    progress = {p.section_id: p for p in questionnaire.progress(draft.answers, tier)}
    requests = _requests(questionnaire, applicable)
    return {
        "requests": requests,
        "request_count": sum(len(ids) for ids in requests.values()),
        "assessment": assessment,
        "case": assessment.case,
        "organisation": get_organisation(),
        "questionnaire": questionnaire,
        "tier": tier,
        "lang": g.lang,
        "t": g.t,
        "applicable": applicable,
        "progress": progress,
        "editable": assessment.status in status.EDITABLE_BY_VENDOR,
        "status_label": (status.LABELS_EN if g.lang == "en" else status.LABELS)[assessment.status],
        "visible_sections": [
            s for s in questionnaire.sections if any(q.id in applicable for q in s.questions)
        ],
    }


def _evidence_items(section_questions: set[str]) -> dict[str, list[dict[str, Any]]]:
    items: dict[str, list[dict[str, Any]]] = {}
    for evidence in answer_service.active_evidence(g.assessment):
        if evidence.question_id in section_questions:
            items.setdefault(evidence.question_id, []).append(
                {
                    "id": evidence.id,
                    "filename": evidence.filename,
                    "size": evidence.size,
                    "url": url_for("portal.evidence", evidence_id=evidence.id),
                }
            )
    return items


@bp.route("/")
def overview():
    questionnaire = questionnaire_of(g.assessment)
    draft = read_draft(g.assessment)
    context = page_context(questionnaire, draft)
    general = [c.body for c in comments_by_question(g.assessment).get("", [])]
    return render_template(
        "portal/overview.html",
        **context,
        general_comments=general,
        reuse_offer=answer_reuse.reuse_offer(g.assessment),
        readiness=answer_service.readiness(g.assessment, questionnaire),
    )


def render_section(
    section_id: str,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    *,
    draft: Draft | None = None,
    stale: list | None = None,
):
    """Render a section from the stored draft, or from a refused save's typed draft."""
    assessment: Assessment = g.assessment
    questionnaire = questionnaire_of(assessment)
    section = answer_service.find_section(questionnaire, section_id)  # NotFound: portal 404
    draft = draft or read_draft(assessment)
    context = page_context(questionnaire, draft)
    shown_answers = {**draft.answers, **draft.invalid}
    all_errors = {**errors_of_draft(questionnaire, draft), **(errors or {})}
    sections = context["visible_sections"]
    position = next((i for i, s in enumerate(sections) if s.id == section_id), None)
    next_section = (
        sections[position + 1] if position is not None and position + 1 < len(sections) else None
    )
    first_question = next((q for q in section.questions if q.id in context["applicable"]), None)
    # The register's facts, offered only on a page never saved (a field emptied on purpose stays
    # empty) and only while the vendor can still answer.
    asked = {q.id for q in section.questions}
    untouched = context["editable"] and not asked & (shown_answers.keys() | draft.carried.keys())
    prefilled = {
        qid: value
        for qid, value in known_answers(assessment, questionnaire).items()
        if untouched and qid in asked
    }
    return render_template(
        "portal/section.html",
        **context,
        section=section,
        position=(position + 1) if position is not None else None,
        first_question=first_question,
        prefilled=prefilled,
        answers={**prefilled, **shown_answers},
        errors=all_errors,
        comments={
            qid: [c.body for c in rows]
            for qid, rows in comments_by_question(assessment).items()
            if qid
        },
        evidence=_evidence_items({q.id for q in section.questions}),
        next_section=next_section,
        off_page=off_page_context(questionnaire, section.id, draft.answers, context["applicable"]),
        max_evidence_mb=current_app.config["MAX_EVIDENCE_MB"],
        shown=" ".join(q.id for q in section.questions if q.id in context["applicable"]),
        stale=stale or [],
        carried=[(q, draft.carried[q.id]) for q in section.questions if q.id in draft.carried],
    ), status_code


@bp.route("/s/<section_id>")
def section(section_id: str):
    return render_section(section_id)


@bp.route("/confirm")
def confirm():
    questionnaire = questionnaire_of(g.assessment)
    draft = read_draft(g.assessment)
    check = answer_service.readiness(g.assessment, questionnaire)
    return render_template(
        "portal/confirm.html", **page_context(questionnaire, draft), readiness=check
    )
