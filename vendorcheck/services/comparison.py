"""Bid comparison of a case, and the committee and approval-file documents built from it.

compare_case reads a case of any size in a constant number of queries (assessments with
vendors, newest submissions, review scores, remediations, snapshots, and the ISMAP entries
the bids claim: six in all) and scores each submission with the pure scoring function. Scorecards are kept in a small in-process
cache keyed by everything scoring reads, so a page viewed again does not score again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping

from peewee import fn

from vendorcheck.documents.assessment_report import AssessmentReport, build_assessment_docx
from vendorcheck.documents.comparison_report import (
    ReportHeader,
    build_comparison_docx,
    comparison_csv,
)
from vendorcheck.domain import assessment_status as status
from vendorcheck.domain.comparison import Bid, Bidder, Comparison, build_comparison
from vendorcheck.domain.ismap_checks import Claim
from vendorcheck.domain.jp import in_japan, today_jst, wareki
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.requirements import load_requirements
from vendorcheck.domain.scorecard import Remediation as RemediationInput
from vendorcheck.domain.scorecard import Review, Scorecard
from vendorcheck.domain.scoring import score
from vendorcheck.services import ismap_claims
from vendorcheck.services.assessments import load_json, questionnaire_of
from vendorcheck.services.errors import Conflict
from vendorcheck.services.ismap import check_claims
from vendorcheck.services.organisation import get_organisation, organisation_scheme
from vendorcheck.services.questionnaires import questionnaire_from_snapshot
from vendorcheck.services.review import apply_review_row, remediations_of, reviews_of
from vendorcheck.store.models import (
    Assessment,
    Case,
    QuestionnaireSnapshot,
    Remediation,
    ReviewScore,
    Submission,
    Vendor,
)

NOTHING_TO_COMPARE = "まだどの事業者も回答を提出していないため、比較できません。"
NO_ASSESSMENTS = "この案件にはまだ事業者を招待していないため、比較できません。"
NOTHING_TO_REPORT = "提出された回答がないため、決裁用の報告書を作成できません。"
_CACHE_SIZE = 256  # scorecards; a 50-vendor case of 200 questions holds about 2.5 MB


class NothingSubmitted(Conflict):
    """No vendor has submitted answers: there is nothing to compare or report."""


# --- scoring, cached --------------------------------------------------------------------------

_cards: OrderedDict[Hashable, Scorecard] = OrderedDict()
_cards_lock = threading.Lock()


def _scorecard(
    questionnaire: Questionnaire,
    answers_json: str,
    tier: int,
    reviews: dict[str, Review],
    remediations: dict[str, RemediationInput],
    checks: Mapping[str, tuple[tuple[str, str], ...]] = ismap_claims.NO_FINDINGS,
) -> Scorecard:
    """Score, or reuse the card of identical inputs (scoring is a pure function of them)."""
    key = (
        questionnaire.content_hash,
        tier,
        answers_json,
        tuple(sorted(reviews.items())),
        tuple(sorted(remediations.items())),
        tuple(sorted(checks.items())),
    )
    with _cards_lock:
        card = _cards.get(key)
        if card is not None:
            _cards.move_to_end(key)
            return card
    card = score(questionnaire, load_json(answers_json), tier, reviews, remediations, checks)
    with _cards_lock:
        _cards[key] = card
        while len(_cards) > _CACHE_SIZE:
            _cards.popitem(last=False)
    return card


def clear_cache() -> None:
    with _cards_lock:
        _cards.clear()


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
    newest = (
        Submission.select(
            Submission.assessment.alias("newest_of"), fn.MAX(Submission.version).alias("newest")
        )
        .where(Submission.assessment.in_(in_case))
        .group_by(Submission.assessment)
    )
    submissions = {
        row.assessment_id: row
        for row in Submission.select(Submission.assessment, Submission.version, Submission.answers)
        .join(
            newest,
            on=(
                (Submission.assessment == newest.c.newest_of)
                & (Submission.version == newest.c.newest)
            ),
        )
        .objects()
    }
    reviews: dict[int, dict[str, Review]] = {}
    for row in (
        ReviewScore.select(
            ReviewScore.assessment, ReviewScore.question_id, ReviewScore.score, ReviewScore.reason
        )
        .where(ReviewScore.assessment.in_(in_case))
        .order_by(ReviewScore.id)
    ):
        apply_review_row(
            reviews.setdefault(row.assessment_id, {}), row.question_id, row.score, row.reason
        )
    remediations: dict[int, dict[str, RemediationInput]] = {}
    for row in (
        Remediation.select(
            Remediation.assessment,
            Remediation.question_id,
            Remediation.action,
            Remediation.due_on,
            Remediation.accepted,
        )
        .where(Remediation.assessment.in_(in_case))
        .order_by(Remediation.id)
    ):
        remediations.setdefault(row.assessment_id, {})[row.question_id] = RemediationInput(
            row.question_id, row.action, row.due_on, row.accepted
        )
    questionnaires = {
        row.id: questionnaire_from_snapshot(row.content, row.content_hash)
        for row in QuestionnaireSnapshot.select(
            QuestionnaireSnapshot.id,
            QuestionnaireSnapshot.content,
            QuestionnaireSnapshot.content_hash,
        ).where(
            QuestionnaireSnapshot.id.in_(
                Assessment.select(Assessment.snapshot).where(Assessment.case == case.id)
            )
        )
    }
    bids, question_texts = [], {}
    for questionnaire in questionnaires.values():
        for question in questionnaire.questions:
            question_texts.setdefault(question.id, question.text.ja)
    checked = ismap_checks_of_case(case, assessments, submissions, questionnaires)
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


def ismap_checks_of_case(case: Case, assessments, submissions, questionnaires):
    """The checked ISMAP claims of each submitted bid, by assessment id, in one query."""
    claims: list[tuple[int, str, Claim]] = []
    for assessment in assessments:
        submission = submissions.get(assessment.id)
        if submission is None:
            continue
        answers = load_json(submission.answers)
        party = ismap_claims.party_of(assessment.vendor, case, answers, assessment.review_due)
        questionnaire = questionnaires[assessment.snapshot_id]
        for question_id, claim in ismap_claims.claims_in_answers(
            questionnaire, answers, case.tier, party
        ):
            claims.append((assessment.id, question_id, claim))
    checked: dict[int, list[ismap_claims.AnsweredClaim]] = {}
    results = check_claims(claim for _, _, claim in claims)
    for (assessment_id, question_id, _), check in zip(claims, results, strict=True):
        checked.setdefault(assessment_id, []).append(ismap_claims.AnsweredClaim(question_id, check))
    return checked


# --- documents --------------------------------------------------------------------------------


def classification_label(case: Case) -> str:
    try:
        label = organisation_scheme().level(case.classification_level).label_ja
    except KeyError:
        label = case.classification_level
    return f"{label}（確認の段階 {case.tier}）"


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
        details.append(("提出日", wareki(submitted_on)))
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
    )
    return build_assessment_docx(report)
