"""Everything scoring reads, for many assessments at once, in a constant number of queries:
newest submissions, review scores, remediations, questionnaire snapshots and the ISMAP entries
the answers claim. The comparison of a case and the CISO's queue both score through here."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from peewee import fn

from vendorcheck.domain.ismap_checks import Claim
from vendorcheck.domain.questionnaire import Questionnaire
from vendorcheck.domain.scorecard import Remediation as RemediationInput
from vendorcheck.domain.scorecard import Review, Scorecard
from vendorcheck.domain.scoring import score
from vendorcheck.services import ismap_claims
from vendorcheck.services.assessments import load_json, read_draft
from vendorcheck.services.ismap import check_claims
from vendorcheck.services.questionnaires import kept_snapshot, questionnaire_from_snapshot
from vendorcheck.services.review import apply_review_row
from vendorcheck.store.models import (
    Assessment,
    QuestionnaireSnapshot,
    Remediation,
    ReviewScore,
    Submission,
)
from vendorcheck.store.prepared import MAX_LISTED, PreparedSelect, given


class Kept:
    """The most recently used values of a pure function, at most `size` of them, by key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is not _MISSING:
                self._values.move_to_end(key)
                return value
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


_MISSING = object()
_cards = Kept(256)  # scorecards; a 50-vendor case of 200 questions holds about 2.5 MB
# The ISMAP claims in an assessment's answers (not their check: the list changes), so that a
# view does not parse every answer again: a few small tuples each.
_claims = Kept(1024)


def cached_score(
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
    return _cards.get(
        key,
        lambda: score(questionnaire, load_json(answers_json), tier, reviews, remediations, checks),
    )


def claims_in(
    questionnaire: Questionnaire,
    answers_json: str,
    tier: int,
    vendor,
    case,
    review_due: dt.date | None,
) -> tuple[tuple[str, Claim], ...]:
    """The (question id, claim) of every ISMAP number answered, or those of identical inputs
    found before (they are a pure function of the questionnaire, the answers and the party)."""

    def parsed() -> tuple[tuple[str, Claim], ...]:
        answers = load_json(answers_json)
        party = ismap_claims.party_of(vendor, case, answers, review_due)
        return tuple(ismap_claims.claims_in_answers(questionnaire, answers, tier, party))

    key = (
        questionnaire.content_hash,
        tier,
        answers_json,
        vendor.name,
        vendor.corporate_number,
        case.title,
        case.contract_end,
        review_due,
    )
    return _claims.get(key, parsed)


def clear_cache() -> None:
    _cards.clear()
    _claims.clear()


@dataclass(frozen=True)
class ScoringInputs:
    submissions: dict[int, Submission]  # the newest, by assessment id
    reviews: dict[int, dict[str, Review]]
    remediations: dict[int, dict[str, RemediationInput]]
    questionnaires: dict[int, Questionnaire]  # by snapshot id


def _newest_submissions(assessment_ids):
    newest = (
        Submission.select(
            Submission.assessment.alias("newest_of"), fn.MAX(Submission.version).alias("newest")
        )
        .where(Submission.assessment.in_(assessment_ids))
        .group_by(Submission.assessment)
    )
    return (
        Submission.select(Submission.assessment, Submission.version, Submission.answers)
        .join(
            newest,
            on=(
                (Submission.assessment == newest.c.newest_of)
                & (Submission.version == newest.c.newest)
            ),
        )
        .objects()
    )


def _review_rows(assessment_ids):
    return (
        ReviewScore.select(
            ReviewScore.assessment, ReviewScore.question_id, ReviewScore.score, ReviewScore.reason
        )
        .where(ReviewScore.assessment.in_(assessment_ids))
        .order_by(ReviewScore.id)
        .tuples()
    )


def _remediation_rows(assessment_ids):
    return (
        Remediation.select(
            Remediation.assessment,
            Remediation.question_id,
            Remediation.action,
            Remediation.due_on,
            Remediation.accepted,
        )
        .where(Remediation.assessment.in_(assessment_ids))
        .order_by(Remediation.id)
        .tuples()
    )


def _snapshot_hashes(assessment_ids):
    """The snapshots' ids and hashes, not their content (rebuilt ones are kept by hash)."""
    return (
        QuestionnaireSnapshot.select(QuestionnaireSnapshot.id, QuestionnaireSnapshot.content_hash)
        .where(
            QuestionnaireSnapshot.id.in_(
                Assessment.select(Assessment.snapshot).where(Assessment.id.in_(assessment_ids))
            )
        )
        .tuples()
    )


# The same four queries with a list of ids as their values: their text built once per database
# and number of ids (the CISO's queue scores up to 40 assessments on every fresh dashboard).
_PREPARED = tuple(
    PreparedSelect(lambda _key, *ids, build=build: build(given(ids)))
    for build in (_newest_submissions, _review_rows, _remediation_rows, _snapshot_hashes)
)


def _questionnaires(hashes) -> dict[int, Questionnaire]:
    """Each snapshot's questionnaire, by id: those rebuilt already from memory, the others
    read (with their content) in one more query."""
    found = {}
    missing = []
    for snapshot_id, content_hash in hashes:
        kept = kept_snapshot(content_hash)
        if kept is None:
            missing.append(snapshot_id)
        else:
            found[snapshot_id] = kept
    if missing:
        for row in QuestionnaireSnapshot.select(
            QuestionnaireSnapshot.id,
            QuestionnaireSnapshot.content,
            QuestionnaireSnapshot.content_hash,
        ).where(QuestionnaireSnapshot.id.in_(missing)):
            found[row.id] = questionnaire_from_snapshot(row.content, row.content_hash)
    return found


def load_inputs(assessment_ids) -> ScoringInputs:
    """The inputs of the assessments a subquery (or list) of ids names: four queries (a fifth
    reads the content of snapshots not yet rebuilt in this process)."""
    if isinstance(assessment_ids, list | tuple) and len(assessment_ids) <= MAX_LISTED:
        ids = [int(i) for i in assessment_ids]
        submissions, review_rows, remediation_rows, hashes = (
            prepared.rows(None, *ids) for prepared in _PREPARED
        )
    else:
        submissions, review_rows, remediation_rows, hashes = (
            build(assessment_ids)
            for build in (_newest_submissions, _review_rows, _remediation_rows, _snapshot_hashes)
        )
    reviews: dict[int, dict[str, Review]] = {}
    for assessment_id, question_id, points, reason in review_rows:
        apply_review_row(reviews.setdefault(assessment_id, {}), question_id, points, reason)
    remediations: dict[int, dict[str, RemediationInput]] = {}
    for assessment_id, question_id, action, due_on, accepted in remediation_rows:
        remediations.setdefault(assessment_id, {})[question_id] = RemediationInput(
            question_id, action, due_on, accepted
        )
    return ScoringInputs(
        {row.assessment_id: row for row in submissions},
        reviews,
        remediations,
        _questionnaires(hashes),
    )


def ismap_checks(
    assessments: Iterable[Assessment], inputs: ScoringInputs, case_of: Callable
) -> dict[int, list[ismap_claims.AnsweredClaim]]:
    """The checked ISMAP claims of each submitted assessment, by id, in one query; case_of
    gives an assessment's case (its title and contract end name the service and the term)."""
    claims: list[tuple[int, str, Claim]] = []
    for assessment in assessments:
        submission = inputs.submissions.get(assessment.id)
        if submission is None:
            continue
        case = case_of(assessment)
        for question_id, claim in claims_in(
            inputs.questionnaires[assessment.snapshot_id],
            submission.answers,
            case.tier,
            assessment.vendor,
            case,
            assessment.review_due,
        ):
            claims.append((assessment.id, question_id, claim))
    checked: dict[int, list[ismap_claims.AnsweredClaim]] = {}
    results = check_claims(claim for _, _, claim in claims)
    for (assessment_id, question_id, _), check in zip(claims, results, strict=True):
        checked.setdefault(assessment_id, []).append(ismap_claims.AnsweredClaim(question_id, check))
    return checked


def scorecards(assessments: list[Assessment]) -> dict[int, Scorecard]:
    """The scorecard of each assessment (with its case and vendor loaded), from its newest
    submission or, before one, its draft: five queries however many there are."""
    if not assessments:
        return {}
    inputs = load_inputs(sorted({a.id for a in assessments}))
    checks = ismap_checks(assessments, inputs, lambda assessment: assessment.case)
    cards = {}
    for assessment in assessments:
        submission = inputs.submissions.get(assessment.id)
        answers = submission.answers if submission else json.dumps(read_draft(assessment).answers)
        cards[assessment.id] = cached_score(
            inputs.questionnaires[assessment.snapshot_id],
            answers,
            assessment.case.tier,
            inputs.reviews.get(assessment.id, {}),
            inputs.remediations.get(assessment.id, {}),
            ismap_claims.findings_of(checks.get(assessment.id, [])),
        )
    return cards
