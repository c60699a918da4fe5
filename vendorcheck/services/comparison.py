"""Bid comparison of a case, and the committee and approval-file documents built from it.

compare_case reads a case of any size in a constant number of queries (assessments with
vendors, newest submissions, review scores, remediations, snapshots, and the ISMAP entries
the bids claim: six in all) and scores each submission with the pure scoring function. Scorecards are kept in a small in-process
cache keyed by everything scoring reads, so a page viewed again does not score again.
"""

from __future__ import annotations

from vendorcheck.documents.assessment_report import AssessmentReport, build_assessment_docx
from vendorcheck.documents.comparison_report import (
    ReportHeader,
    build_comparison_docx,
    comparison_csv,
)
from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.comparison import Bid, Bidder, Comparison, build_comparison
from vendorcheck.domain.jp import in_japan, today_jst, wareki
from vendorcheck.domain.requirements import load_requirements
from vendorcheck.services import ismap_claims, scoring_inputs
from vendorcheck.services.assessments import load_json, questionnaire_of
from vendorcheck.services.errors import Conflict
from vendorcheck.services.organisation import get_organisation, organisation_scheme
from vendorcheck.services.review import remediations_of, reviews_of
from vendorcheck.store.models import (
    Assessment,
    Case,
    Submission,
    Vendor,
)

NOTHING_TO_COMPARE = "まだどの事業者も回答を提出していないため、比較できません。"
NO_ASSESSMENTS = "この案件にはまだ事業者を招待していないため、比較できません。"
NOTHING_TO_REPORT = "提出された回答がないため、決裁用の報告書を作成できません。"


class NothingSubmitted(Conflict):
    """No vendor has submitted answers: there is nothing to compare or report."""


# --- scoring, cached --------------------------------------------------------------------------

_scorecard = scoring_inputs.cached_score
clear_cache = scoring_inputs.clear_cache


# --- the comparison ---------------------------------------------------------------------------


def _note(assessment: Assessment, version: int | None) -> str:
    label = status.LABELS.get(assessment.status, assessment.status)
    return f"{label}（第{version}版）" if version else f"未提出（{label}）"


def compare_case(case: Case) -> Comparison:
    """Every assessment of the case side by side, scored from its newest submission."""
    return compare_case_checked(case)[0]


def compare_case_checked(
    case: Case,
) -> tuple[Comparison, dict[str, list[ismap_claims.AnsweredClaim]]]:
    """The comparison, and the checked ISMAP claims of each bid by its key (assessment id)."""
    in_case = Assessment.select(Assessment.id).where(Assessment.case == case.id)
    assessments = list(
        Assessment.select(
            Assessment.id,
            Assessment.status,
            Assessment.snapshot,
            Assessment.review_due,
            Vendor.id,
            Vendor.name,
            Vendor.corporate_number,
        )
        .join(Vendor)
        .where(Assessment.case == case.id)
        .order_by(Assessment.id)
    )
    inputs = scoring_inputs.load_inputs(in_case)
    submissions, reviews, remediations = inputs.submissions, inputs.reviews, inputs.remediations
    questionnaires = inputs.questionnaires
    bids, question_texts = [], {}
    for questionnaire in questionnaires.values():
        for question in questionnaire.questions:
            question_texts.setdefault(question.id, question.text.ja)
    checked = scoring_inputs.ismap_checks(assessments, inputs, lambda _: case)
    checks = {key: ismap_claims.findings_of(items) for key, items in checked.items()}
    for assessment in assessments:
        submission = submissions.get(assessment.id)
        card = None
        if submission is not None:
            card = _scorecard(
                questionnaires[assessment.snapshot_id],
                submission.answers,
                case.tier,
                reviews.get(assessment.id, {}),
                remediations.get(assessment.id, {}),
                checks.get(assessment.id, ismap_claims.NO_FINDINGS),
            )
        version = submission.version if submission is not None else None
        bids.append(
            Bid(assessment.vendor.name, card, str(assessment.id), _note(assessment, version))
        )
    requirement_texts = {rid: r.label for rid, r in load_requirements().items()}
    comparison = build_comparison(bids, question_texts, requirement_texts)
    return comparison, {str(key): items for key, items in checked.items()}


# --- documents --------------------------------------------------------------------------------


def classification_label(case: Case) -> str:
    try:
        label = organisation_scheme().level(case.classification_level).label_ja
    except KeyError:
        label = case.classification_level
    return label


def _require_submissions(comparison: Comparison) -> None:
    if not comparison.bidders:
        raise NothingSubmitted(NO_ASSESSMENTS)
    if not comparison.submitted:
        raise NothingSubmitted(NOTHING_TO_COMPARE)


def comparison_docx(
    case: Case, comparison: Comparison | None = None, order: tuple[Bidder, ...] | None = None
) -> bytes:
    """The Word report for the selection committee; refuses when nothing was submitted."""
    comparison = comparison or compare_case(case)
    _require_submissions(comparison)
    header = ReportHeader(
        organisation=get_organisation().name,
        case_title=case.title,
        issued_on=today_jst(),
        details=(("取り扱う情報の分類", classification_label(case)),),
    )
    return build_comparison_docx(comparison, header, order)


def comparison_csv_bytes(
    case: Case, comparison: Comparison | None = None, order: tuple[Bidder, ...] | None = None
) -> bytes:
    """The comparison as Excel-ready CSV; refuses when nothing was submitted."""
    comparison = comparison or compare_case(case)
    _require_submissions(comparison)
    return comparison_csv(comparison, order)


def assessment_report_docx(assessment: Assessment) -> bytes:
    """One assessment's newest submitted answers and scorecard, for the approval file."""
    submission = (
        Submission.select()
        .where(Submission.assessment == assessment)
        .order_by(Submission.version.desc())
        .first()
    )
    if submission is None:
        raise NothingSubmitted(NOTHING_TO_REPORT)
    questionnaire = questionnaire_of(assessment)
    case = assessment.case
    reviews, remediations = reviews_of(assessment), remediations_of(assessment)
    checked = ismap_claims.assessment_checks(
        assessment, load_json(submission.answers), questionnaire
    )
    card = _scorecard(
        questionnaire,
        submission.answers,
        case.tier,
        reviews,
        remediations,
        ismap_claims.findings_of(checked),
    )
    vendor = assessment.vendor
    submitted_on = in_japan(submission.submitted_at).date() if submission.submitted_at else None
    details = [("取り扱う情報の分類", classification_label(case))]
    if vendor.corporate_number:
        details.append(("法人番号", vendor.corporate_number))
    if submitted_on:
        details.append(("提出日", wareki(submitted_on, full_width=True)))
    details.append(("状態", status.LABELS.get(assessment.status, assessment.status)))
    report = AssessmentReport(
        organisation=get_organisation().name,
        case_title=case.title,
        vendor_name=vendor.name,
        questionnaire=questionnaire,
        answers=load_json(submission.answers),
        scorecard=card,
        version=submission.version,
        issued_on=today_jst(),
        details=tuple(details),
        reviews=reviews,
        remediations=tuple(remediations.values()),
        requirement_names={rid: r.label for rid, r in load_requirements().items()},
    )
    return build_assessment_docx(report)
