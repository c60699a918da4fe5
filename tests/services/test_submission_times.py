"""The newest submission's time kept on its assessment (migration 0022): written by submit in
its transaction, the dashboard's waiting list ordered by it, back-filled from submissions."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from tests.services.test_expiry_facts import _resubmit
from tests.services.test_judgement import GOOD, Build, new_officer
from vendorcheck.services import assessment_board
from vendorcheck.services.cases import with_latest_submission
from vendorcheck.store.models import Assessment, Submission

MIGRATION = importlib.import_module(
    "vendorcheck.store.migrations.0022_assessment_last_submitted_at"
)


@pytest.fixture
def build(db, make_staff) -> Build:
    return Build(new_officer(make_staff))


def stored_times() -> dict[int, dt.datetime | None]:
    return dict(Assessment.select(Assessment.id, Assessment.last_submitted_at).tuples())


def recomputed_times() -> dict[int, dt.datetime | None]:
    """Each assessment's newest submission's time, read from the submissions themselves."""
    query = with_latest_submission(Assessment.select(Assessment.id, Assessment.submitted_version))
    return {a.id: a.submission.submitted_at if a.submission else None for a in query}


def test_submit_keeps_the_newest_versions_time_on_the_assessment(build):
    first = build(GOOD)
    draft = build(GOOD, submit=False)
    submitted = Submission.get(Submission.assessment == first.id)
    assert stored_times()[first.id] == submitted.submitted_at
    assert stored_times()[draft.id] is None
    _resubmit(first, GOOD)
    second = Submission.get(Submission.assessment == first.id, Submission.version == 2)
    assert second.submitted_at >= submitted.submitted_at
    assert stored_times()[first.id] == second.submitted_at
    assert stored_times() == recomputed_times()


def test_the_waiting_list_is_the_newest_submission_first(build):
    first, second, third = (build(GOOD) for _ in range(3))
    _resubmit(first, GOOD)  # now the newest, though the lowest id
    waiting = assessment_board.waiting_for_review()
    assert [a.id for a in waiting] == [first.id, third.id, second.id]
    times = [a.submission.submitted_at for a in waiting]
    assert times == sorted(times, reverse=True)
    assert waiting[0].submission.submitted_at == stored_times()[first.id]


def test_migration_0022_back_fills_the_times(build, db):
    build(GOOD)
    _resubmit(build(GOOD), GOOD)
    build(GOOD, submit=False)
    expected = stored_times()
    Assessment.update(last_submitted_at=None).execute()
    assert stored_times() != expected
    MIGRATION.back_fill(db)
    assert stored_times() == expected == recomputed_times()
