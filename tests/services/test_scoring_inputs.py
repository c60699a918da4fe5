"""services.scoring_inputs: the inputs of a list of assessments read by prepared queries are
those the subquery gives, a snapshot's content is read only until it is rebuilt, and the kept
values (scorecards, the ISMAP claims in answers) are bounded, keyed by their inputs and equal
to a fresh computation."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tests.web.test_cases import _count_queries
from tests.web.test_review_bugs import _submitted_with
from vendorcheck.services import ismap_claims, scoring_inputs
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store.models import Assessment


def test_kept_values_are_bounded_and_the_least_recently_used_go_first():
    kept = scoring_inputs.Kept(2)
    computed = []

    def compute(value):
        return lambda: computed.append(value) or value

    assert kept.get("a", compute("A")) == "A"
    assert kept.get("b", compute("B")) == "B"
    assert kept.get("a", compute("other")) == "A"  # kept: not computed again
    assert kept.get("c", compute("C")) == "C"  # "b" was the least recently used
    assert len(kept) == 2
    assert kept.get("b", compute("B again")) == "B again"
    assert computed == ["A", "B", "C", "B again"]
    kept.clear()
    assert len(kept) == 0


def test_the_inputs_of_a_list_are_those_of_the_subquery_and_content_is_read_once(
    db, make_staff, monkeypatch
):
    officer = make_staff("officer")
    first = _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})
    second = _submitted_with(officer, {"a.policy": "yes"})
    ids = sorted([first.id, second.id])
    by_subquery = scoring_inputs.load_inputs(
        Assessment.select(Assessment.id).where(Assessment.id.in_(ids))
    )
    by_list = scoring_inputs.load_inputs(ids)
    assert {k: (s.version, s.answers) for k, s in by_list.submissions.items()} == {
        k: (s.version, s.answers) for k, s in by_subquery.submissions.items()
    }
    assert by_list.reviews == by_subquery.reviews
    assert by_list.remediations == by_subquery.remediations
    assert by_list.questionnaires == by_subquery.questionnaires
    assert by_list.questionnaires[first.snapshot_id] is questionnaire_of(first)

    executed = _count_queries(db, monkeypatch)
    scoring_inputs.load_inputs(ids)
    assert len(executed) == 4  # the snapshot rebuilt already: its content is not read again
    assert not any('"content"' in sql for sql in executed)


def test_the_claims_in_answers_are_kept_by_their_inputs(db, make_staff, monkeypatch):
    officer = make_staff("officer")
    assessment = _submitted_with(officer, {"a.policy": "yes"})
    questionnaire = questionnaire_of(assessment)
    vendor = SimpleNamespace(name="株式会社クラウド", corporate_number="1234567890123")
    case = SimpleNamespace(title="庁内LAN保守", contract_end=dt.date(2030, 3, 31))
    answers = '{"a.policy": "yes"}'
    scoring_inputs.clear_cache()
    parsed = []
    original = ismap_claims.claims_in_answers
    monkeypatch.setattr(
        ismap_claims,
        "claims_in_answers",
        lambda *args: parsed.append(args) or original(*args),
    )
    once = scoring_inputs.claims_in(questionnaire, answers, 2, vendor, case, None)
    again = scoring_inputs.claims_in(questionnaire, answers, 2, vendor, case, None)
    assert once == again and len(parsed) == 1
    renamed = SimpleNamespace(name="別の事業者", corporate_number="1234567890123")
    assert scoring_inputs.claims_in(questionnaire, answers, 2, renamed, case, None) == once
    assert len(parsed) == 2  # another party: computed for it, not taken from the other
    scoring_inputs.clear_cache()
    scoring_inputs.claims_in(questionnaire, answers, 2, vendor, case, None)
    assert len(parsed) == 3
