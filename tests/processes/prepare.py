"""Data the process tests start from, made in-process before a server starts: vendors whose
answers are complete and ready to submit (or submitted and accepted), each invited by a staff
member with a mail address so that a submission queues a mail."""

from __future__ import annotations

from dataclasses import dataclass

from tests.answering import TINY_PDF, section_form
from tests.invitation import invite_vendor
from vendorcheck.domain import assessment_status
from vendorcheck.services import answers as answer_service
from vendorcheck.services import review
from vendorcheck.services import staff as staff_service
from vendorcheck.services.assessments import questionnaire_of, read_draft, refreshed
from vendorcheck.services.audit import Actor
from vendorcheck.services.drafts import applicable_answers
from vendorcheck.store.models import Assessment, Staff

SYSTEM = Actor.system("test")


@dataclass
class Prepared:
    token: str
    assessment: Assessment
    expected_answers: dict  # what a submission of the draft freezes


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _inviter() -> Staff:
    existing = Staff.get_or_none(Staff.login_id == "inviter")
    if existing:
        return existing
    staff, _ = staff_service.create_staff(
        SYSTEM,
        login_id="inviter",
        display_name="招待した職員",
        role="officer",
        password="Mail-Sender-Password-77",
        email="inviter@example.jp",
    )
    return staff


def fill(assessment: Assessment) -> Assessment:
    """Answer every applicable question and attach a file to each file question."""
    questionnaire = questionnaire_of(assessment)
    for _round in range(3):  # answers can reveal follow-up questions
        for section in questionnaire.sections:
            current = refreshed(assessment)
            form = section_form(questionnaire, section.id)
            answer_service.save_section(current, section.id, form, current.draft_revision)
    for question in questionnaire.questions:
        if question.type == "file" and not read_draft(refreshed(assessment)).answers.get(
            question.id
        ):
            answer_service.add_evidence(
                refreshed(assessment), question.id, "規程.pdf", TINY_PDF, max_bytes=10**6
            )
    return refreshed(assessment)


def ready_to_submit(
    app, count: int, *, submit: bool = False, accept: bool = False, kind: str = "cloud"
) -> list[Prepared]:
    inviter = _inviter()
    prepared = []
    for n in range(count):
        link = invite_vendor(
            app.config,
            kind=kind,
            base_url=app.config["BASE_URL"],
            vendor_name=f"株式会社試験{n:03d}",
            contact_email=f"vendor{n}@example.jp",
            case_title=f"試験の案件{n}",
        )
        Assessment.update(invited_by=inviter).where(Assessment.id == link.assessment.id).execute()
        assessment = fill(Assessment.get_by_id(link.assessment.id))
        questionnaire = questionnaire_of(assessment)
        expected = applicable_answers(questionnaire, read_draft(assessment), assessment.case.tier)
        if submit:
            answer_service.submit(assessment, assessment.draft_revision, SYSTEM)
        if accept:
            review.decide(
                SYSTEM,
                refreshed(assessment),
                assessment_status.ACCEPTED,
                "試験のため承認",
                confirm_pending=True,
            )
        token = link.url.rstrip("/").rsplit("/", 1)[1]
        prepared.append(Prepared(token, refreshed(assessment), expected))
    return prepared
