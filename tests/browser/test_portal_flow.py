"""A vendor answers in Chromium: fill, autosave, reload, submit; conflicts; JS off; phone; keyboard."""

from __future__ import annotations

import re

import pytest

from tests.answering import TINY_PDF
from tests.browser.portal_driver import (
    dom_id,
    fill_visible_questions,
    follow_up_of,
    revise_and_resubmit,
)
from vendorcheck.services import answers as answer_service
from vendorcheck.services import review
from vendorcheck.services.assessments import read_draft
from vendorcheck.services.audit import Actor
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.store.models import Assessment, Submission

pytestmark = pytest.mark.browser


def _attach_required_files(app, assessment_id, questionnaire):
    db = app.extensions["vendorcheck_db"]
    with db.connection_context():
        assessment = Assessment.get_by_id(assessment_id)
        for question_id in answer_service.readiness(assessment, questionnaire).missing:
            if questionnaire.question(question_id).type == "file":
                answer_service.add_evidence(
                    Assessment.get_by_id(assessment_id),  # each upload changes the draft
                    question_id,
                    "証跡.pdf",
                    TINY_PDF,
                    max_bytes=10**6,
                )


def test_vendor_fills_autosaves_reloads_and_submits(app, page, portal):
    url, assessment_id, questionnaire = portal()
    page.goto(url)
    assert page.locator("h1").inner_text() == questionnaire.title.ja
    page.get_by_role("link", name="回答を始める").click()
    first = questionnaire.sections[0]
    page.wait_for_url(re.compile(rf"/s/{first.id}$"))
    assert fill_visible_questions(page, questionnaire, first.id) > 0
    status = page.locator("[data-autosave-status]")
    status.filter(has_text="自動保存しました").wait_for(timeout=10_000)
    page.reload()
    for question in first.questions:
        if question.type == "text" and page.locator(f"#{dom_id(question.id)}--answer").is_visible():
            assert page.locator(f"#{dom_id(question.id)}--answer").input_value() != ""

    for _ in range(len(questionnaire.sections) + 1):
        match = re.search(r"/s/([^/#?]+)$", page.url)
        if not match:
            break
        fill_visible_questions(page, questionnaire, match.group(1))
        with page.expect_navigation():
            page.locator("button[name=action][value=next]").click()
    _attach_required_files(app, assessment_id, questionnaire)
    page.goto(url + "confirm")
    assert "必須項目はすべて回答されています" in page.content()
    page.get_by_role("button", name="提出する").click()
    page.wait_for_url(re.compile(r"/p/[^/]+/$"))
    assert "第1版として提出しました" in page.content()
    with app.extensions["vendorcheck_db"].connection_context():
        assert Assessment.get_by_id(assessment_id).status == "submitted"
        assert Submission.select().where(Submission.assessment == assessment_id).count() == 1


def test_second_tab_gets_a_clear_conflict_message_instead_of_overwriting(app, browser, portal):
    url, assessment_id, questionnaire = portal()
    text_question = next(q for q in questionnaire.questions if q.type == "text")
    section_url = f"{url}s/{text_question.section_id}"
    context = browser.new_context(locale="ja-JP")
    first, second = context.new_page(), context.new_page()
    first.goto(section_url)
    second.goto(section_url)
    first.locator(f"#{dom_id(text_question.id)}--answer").fill("一つ目のタブで入力")
    first.locator("[data-autosave-status]").filter(has_text="自動保存しました").wait_for(
        timeout=10_000
    )
    second.locator(f"#{dom_id(text_question.id)}--answer").fill("二つ目のタブで入力")
    second.locator("[data-autosave-status]").filter(has_text="上書きを防ぐため").wait_for(
        timeout=10_000
    )
    context.close()
    with app.extensions["vendorcheck_db"].connection_context():
        draft = read_draft(Assessment.get_by_id(assessment_id))
    assert draft.answers[text_question.id] == "一つ目のタブで入力"


def test_without_javascript_saving_shows_the_follow_up_questions(app, browser, portal):
    url, _, questionnaire = portal("cloud", tier=2)
    trigger = questionnaire.question("legal.governing_law")
    follow_up = follow_up_of(questionnaire, trigger.id)
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{url}s/{trigger.section_id}")
    assert not page.locator(f"#{dom_id(follow_up.id)}").is_visible()
    page.locator(f'input[name="q__{trigger.id}"][value="other"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存する", exact=True).click()
    assert "保存しました。" in page.content()
    assert page.locator(f"#{dom_id(follow_up.id)}").is_visible()
    context.close()


def test_portal_fits_a_phone_screen(browser, portal):
    url, _, questionnaire = portal("cloud", tier=2)
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 375, "height": 667}, is_mobile=True
    )
    page = context.new_page()
    for target in (url, f"{url}s/{questionnaire.sections[0].id}", f"{url}confirm"):
        page.goto(target)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{target} scrolls sideways by {overflow}px"
    context.close()


def test_keyboard_alone_can_answer_and_save(app, page, portal):
    url, assessment_id, questionnaire = portal()
    choice = next(q for q in questionnaire.sections[0].questions if q.type in ("choice", "yesno"))
    page.goto(f"{url}s/{questionnaire.sections[0].id}")
    target_name = f"q__{choice.id}"
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == target_name:
            break
    else:
        pytest.fail("could not reach the first choice with the Tab key")
    page.keyboard.press("Space")
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "保存する":
            break
    else:
        pytest.fail("could not reach the save button with the Tab key")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator(".flash").filter(has_text="保存しました。").wait_for()
    with app.extensions["vendorcheck_db"].connection_context():
        assert choice.id in read_draft(Assessment.get_by_id(assessment_id)).answers


def test_returned_assessment_shows_comments_and_can_be_resubmitted(app, page, portal):
    url, assessment_id, questionnaire = portal()
    db = app.extensions["vendorcheck_db"]
    text_question = next(q for q in questionnaire.questions if q.type == "text" and q.required)
    from tests.answering import section_form

    with db.connection_context():
        for section in questionnaire.sections * 2:  # the second pass: revealed follow-ups
            assessment = Assessment.get_by_id(assessment_id)
            answer_service.save_section(
                assessment,
                section.id,
                section_form(questionnaire, section.id),
                assessment.draft_revision,
            )
    _attach_required_files(app, assessment_id, questionnaire)
    with db.connection_context():
        assessment = Assessment.get_by_id(assessment_id)
        answer_service.submit(assessment, assessment.draft_revision, Actor.system())
        review.return_to_vendor(
            Actor.system(),
            Assessment.get_by_id(assessment_id),
            "記載を具体的にしてください。",
            {text_question.id: "対象となる規程名を書いてください。"},
            links=LinkSettings(url.split("/p/")[0]),
        )
    page.goto(url)
    assert "記載を具体的にしてください。" in page.content()
    revise_and_resubmit(
        page,
        url,
        text_question,
        "対象となる規程名を書いてください。",
        "情報セキュリティ規程 第12条に基づき対応します。",
        version=2,
    )
