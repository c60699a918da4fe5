"""The vendor portal in Chromium: questions first on a phone, the skip link, what to fix after a
return, the styled file control (with and without JavaScript), Japanese dates in an English
browser, the help box, and no sideways scrolling at 390 px."""

from __future__ import annotations

import re

import pytest

from tests.answering import TINY_PDF, section_form
from tests.browser.portal_driver import dom_id
from vendorcheck.services import answers as answer_service
from vendorcheck.services import review
from vendorcheck.services.assessments import read_draft
from vendorcheck.services.audit import Actor
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.store.models import Assessment, Case, Department

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PDF = {"name": "証跡.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}


def _phone(browser, **options):
    return browser.new_context(locale="ja-JP", viewport=PHONE, is_mobile=True, **options)


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _with_department_contact(app, assessment_id):
    with app.extensions["vendorcheck_db"].connection_context():
        department = Department.create(
            name="情報政策課",
            sort_order=9,
            contact_name="佐藤 一郎",
            phone="03-1234-5678",
            email="johosys@example.lg.jp",
        )
        case_id = Assessment.get_by_id(assessment_id).case_id
        Case.update(department=department).where(Case.id == case_id).execute()


def test_on_a_phone_the_questions_come_first_and_no_page_scrolls_sideways(app, browser, portal):
    url, assessment_id, questionnaire = portal("outsourcing", tier=2)
    _with_department_contact(app, assessment_id)
    context = _phone(browser)
    page = context.new_page()
    sections = questionnaire.sections
    page.goto(f"{url}s/{sections[2].id}")
    indicator = page.locator(".portal-progress")
    assert re.match(rf"3 / \d+\s+{re.escape(sections[2].title.ja)}", indicator.inner_text())
    first = next(q for q in sections[2].questions if not q.show_if)
    top = page.locator(f"#{dom_id(first.id)}").bounding_box()["y"]
    assert top < PHONE["height"] * 0.6, f"the first question starts at {top}px on a phone"
    page.locator(".portal-progress__all").click()
    assert page.locator("#all-pages").evaluate("el => el.getBoundingClientRect().top") < 100
    pages = [url, f"{url}confirm", f"{url}answers/file", f"{url}checksheet/"]
    pages += [f"{url}s/{s.id}" for s in sections]
    for target in pages:
        page.goto(target)
        assert _sideways(page) <= 1, f"{target} scrolls sideways by {_sideways(page)}px at 390px"
        help_box = page.locator(".portal-help")
        assert help_box.is_visible() and "佐藤 一郎" in help_box.inner_text()
        assert "03-1234-5678" in help_box.inner_text()
    context.close()


def test_the_skip_link_lands_on_the_first_question(page, portal):
    url, _assessment_id, questionnaire = portal("outsourcing")
    section = questionnaire.sections[1]
    first = next(q for q in section.questions if not q.show_if)
    page.goto(f"{url}s/{section.id}")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.inner_text() == "質問へ移動"
    page.keyboard.press("Enter")
    assert page.url.endswith(f"#{dom_id(first.id)}")
    page.keyboard.press("Tab")
    inside = page.evaluate(f"!!document.activeElement.closest('#{dom_id(first.id)}')")
    assert inside, "after the skip link, Tab does not reach the first question"


def test_after_a_return_the_vendor_sees_what_to_fix_and_goes_there(app, page, portal):
    url, assessment_id, questionnaire = portal("outsourcing")
    db = app.extensions["vendorcheck_db"]
    texts = [q for q in questionnaire.questions if q.type == "text" and not q.show_if][:2]
    with db.connection_context():
        for section in questionnaire.sections * 2:
            assessment = Assessment.get_by_id(assessment_id)
            answer_service.save_section(
                assessment,
                section.id,
                section_form(questionnaire, section.id),
                assessment.draft_revision,
            )
        missing = answer_service.readiness(Assessment.get_by_id(assessment_id), questionnaire)
        for question_id in missing.missing:
            if questionnaire.question(question_id).type == "file":
                answer_service.add_evidence(
                    Assessment.get_by_id(assessment_id),
                    question_id,
                    "証跡.pdf",
                    TINY_PDF,
                    max_bytes=10**6,
                )
        assessment = Assessment.get_by_id(assessment_id)
        answer_service.submit(assessment, assessment.draft_revision, Actor.system())
        review.return_to_vendor(
            Actor.system(),
            Assessment.get_by_id(assessment_id),
            "二点の修正をお願いします。",
            {q.id: "具体的に書いてください。" for q in texts},
            links=LinkSettings(url.split("/p/")[0]),
        )
    page.goto(url)
    requests = page.locator("#requests")
    assert "修正依頼 2 件" in requests.inner_text()
    assert page.get_by_role("link", name="回答を始める").count() == 0
    page.get_by_role("link", name="修正する").click()
    page.wait_for_url(re.compile(rf"/s/{texts[0].section_id}$"))
    assert "修正依頼" in page.locator(".portal-progress").inner_text()
    comment = page.locator(f"#{dom_id(texts[0].id)}-comments")
    assert "具体的に書いてください。" in comment.inner_text()


def test_file_control_shows_the_chosen_name_and_uploads(app, page, portal):
    url, _assessment_id, questionnaire = portal("outsourcing")
    question = next(q for q in questionnaire.questions if q.type == "file" and not q.show_if)
    page.goto(f"{url}s/{question.section_id}")
    button = page.locator(f'label.file-control__button[for="{dom_id(question.id)}--file"]')
    assert button.is_visible() and button.inner_text() == "ファイルを選ぶ"
    name = page.locator(f"#{dom_id(question.id)}-file-name")
    assert name.inner_text() == "選択されていません"
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(files=[PDF])
    assert name.inner_text() == "証跡.pdf"
    with page.expect_navigation():
        page.get_by_role("button", name="保存する", exact=True).click()
    assert "証跡.pdf" in page.locator(f"#{dom_id(question.id)} .evidence__list").inner_text()


def test_file_control_works_without_javascript(app, browser, portal):
    url, _assessment_id, questionnaire = portal("outsourcing")
    question = next(q for q in questionnaire.questions if q.type == "file" and not q.show_if)
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{url}s/{question.section_id}")
    button = page.locator(f'label.file-control__button[for="{dom_id(question.id)}--file"]')
    assert button.is_visible()
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(files=[PDF])
    with page.expect_navigation():
        page.get_by_role("button", name="保存する", exact=True).click()
    assert "証跡.pdf" in page.locator(f"#{dom_id(question.id)} .evidence__list").inner_text()
    context.close()


def test_dates_read_in_japanese_in_an_english_browser(app, browser, portal):
    url, assessment_id, questionnaire = portal("outsourcing")
    question = next(q for q in questionnaire.questions if q.answer_type.holds_date)
    trigger = question.show_if.to_data()
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US"})
    page = context.new_page()
    page.goto(f"{url}s/{question.section_id}")
    page.locator(f'input[name="q__{trigger["question"]}"][value="{trigger["in"][0]}"]').check()
    control = page.locator(f"#{dom_id(question.id)}--answer")
    control.wait_for(state="visible")
    assert control.get_attribute("type") == "text"
    assert control.get_attribute("placeholder") == "例: 2026-12-01 / 令和8年12月1日"
    control.fill("令和８年１２月１日")
    page.locator("[data-autosave-status]").filter(has_text="自動保存しました").wait_for(
        timeout=10_000
    )
    with app.extensions["vendorcheck_db"].connection_context():
        answers = read_draft(Assessment.get_by_id(assessment_id)).answers
    assert answers[question.id] == "2026-12-01"
    page.reload()
    assert page.locator(f"#{dom_id(question.id)}--answer").input_value() == "令和8年12月1日"
    context.close()
