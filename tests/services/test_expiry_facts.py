"""Expiry facts: written at submission, equal to a full recomputation, back-filled by 0008."""

from __future__ import annotations

from importlib.util import module_from_spec, spec_from_file_location

import pytest

from tests.services.test_expiry import certified, days
from tests.services.test_judgement import GOOD, Build, new_officer
from vendorcheck.domain.expiry_dates import CERTIFICATE, EVIDENCE
from vendorcheck.services import answers as answer_service
from vendorcheck.services import expiry, expiry_facts
from vendorcheck.store.db import MIGRATIONS_DIR
from vendorcheck.store.models import Assessment, ExpiryFact


@pytest.fixture
def build(db, make_staff) -> Build:
    return Build(new_officer(make_staff))


def _resubmit(assessment: Assessment, answers: dict[str, str]) -> None:
    """Return the assessment to the vendor and submit new answers as the next version."""
    Assessment.update(status="returned").where(Assessment.id == assessment.id).execute()
    fresh = Assessment.get_by_id(assessment.id)
    for section in answer_service.questionnaire_of(fresh).sections:
        form = {f"q__{q.id}": [answers[q.id]] for q in section.questions if q.id in answers}
        fresh = Assessment.get_by_id(assessment.id)
        answer_service.save_section(fresh, section.id, form, fresh.draft_revision)
    fresh = Assessment.get_by_id(assessment.id)
    answer_service.submit(fresh, fresh.draft_revision, answer_service.vendor_actor(fresh, ""))


def test_submission_stores_the_certificate_and_evidence_dates_of_the_newest_version(build, today):
    assessment = build(certified(days(60)), attach=False)
    facts = list(ExpiryFact.select().where(ExpiryFact.assessment == assessment.id))
    kinds = {(f.kind, f.question_id, f.expires_on, f.submission_version) for f in facts}
    assert (CERTIFICATE, "cert.isms_expiry", days(60), 1) in kinds
    assert (EVIDENCE, "cert.isms_certificate", days(60), 1) in kinds
    assert all(f.label and not f.label.startswith("cert.") for f in facts)
    _resubmit(assessment, certified(days(200)))
    after = {
        (f.kind, f.expires_on, f.submission_version)
        for f in ExpiryFact.select().where(ExpiryFact.assessment == assessment.id)
    }
    assert after == {(CERTIFICATE, days(200), 2), (EVIDENCE, days(200), 2)}, "replaced"
    assert expiry.expiring_soon(today) == []  # the new date is outside the window


def test_stored_facts_equal_a_full_recomputation(build):
    build(certified(days(10)))
    build(certified(days(400)))
    build(GOOD)  # no certificate answered: no facts
    build(certified(days(30)), submit=False)  # a draft has none
    resubmitted = build(certified(days(20)))
    _resubmit(resubmitted, certified(days(50)))
    stored = expiry_facts.stored_facts()
    assert stored and stored == expiry_facts.recomputed_facts()
    assert len({key[0] for key in stored}) == 3


def test_migration_0008_back_fills_the_facts_of_existing_submissions(build, db):
    build(certified(days(10)))
    build(certified(days(90)))
    expected = expiry_facts.stored_facts()
    ExpiryFact.delete().execute()
    assert expiry_facts.stored_facts() == set()
    spec = spec_from_file_location("m0008", MIGRATIONS_DIR / "0008_derived_facts.py")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    module._back_fill(db, ExpiryFact)
    assert expiry_facts.stored_facts() == expected == expiry_facts.recomputed_facts()
