"""Saving in the portal as a vendor sees it in Chromium: Japan time after autosave, a stale save
that keeps what was typed (autosave and button), and follow-up questions with JavaScript off."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.portal_driver import dom_id, follow_up_of
from vendorcheck.domain.jp import now_jst
from vendorcheck.services.assessments import read_draft
from vendorcheck.store.models import Assessment

pytestmark = pytest.mark.browser


def _stored_answer(app, assessment_id: int, question_id: str) -> object:
    with app.extensions["vendorcheck_db"].connection_context():
        return read_draft(Assessment.get_by_id(assessment_id)).answers.get(question_id)


def _japan_minutes_around_now() -> set[str]:
    now = now_jst()
    return {f"{now + dt.timedelta(minutes=step):%H:%M}" for step in (-1, 0, 1)}


def _text_question(questionnaire):
    return next(q for q in questionnaire.questions if q.type == "text" and not q.show_if)


def test_autosave_shows_japan_time_and_refreshes_the_last_saved_line(page, portal):
    url, _assessment_id, questionnaire = portal()
    question = _text_question(questionnaire)
    page.goto(f"{url}s/{question.section_id}")
    last_saved = page.locator("[data-last-saved]")
    assert last_saved.inner_text() == "まだ保存されていません"
    page.locator(f"#{dom_id(question.id)}--answer").fill("自動保存の時刻を確かめます")
    status = page.locator("[data-autosave-status]")
    status.filter(has_text="自動保存しました").wait_for(timeout=10_000)
    shown = re.search(r"(\d\d:\d\d)", status.inner_text()).group(1)
    assert shown in _japan_minutes_around_now()
    assert shown in last_saved.inner_text()
    page.reload()
    assert shown in page.locator("[data-last-saved]").inner_text()


def test_stale_autosave_keeps_the_typed_text_beside_the_newer_one(app, browser, portal):
    url, assessment_id, questionnaire = portal()
    question = _text_question(questionnaire)
    section_url = f"{url}s/{question.section_id}"
    context = browser.new_context(locale="ja-JP")
    first, second = context.new_page(), context.new_page()
    first.goto(section_url)
    second.goto(section_url)
    first.locator(f"#{dom_id(question.id)}--answer").fill("一つ目のタブの内容")
    first.locator("[data-autosave-status]").filter(has_text="自動保存しました").wait_for(
        timeout=10_000
    )
    field = second.locator(f"#{dom_id(question.id)}--answer")
    field.fill("二つ目のタブの内容")
    panel = second.locator("[data-stale-panel]")
    panel.wait_for(timeout=10_000)
    assert "二つ目のタブの内容" in panel.locator("[data-stale-typed]").first.inner_text()
    assert "一つ目のタブの内容" in panel.locator("[data-stale-stored]").first.inner_text()
    assert field.input_value() == "二つ目のタブの内容"
    assert _stored_answer(app, assessment_id, question.id) == "一つ目のタブの内容"

    panel.get_by_role("button", name="自分の入力で保存する").click()
    second.locator("[data-autosave-status]").filter(has_text="自動保存しました").wait_for(
        timeout=10_000
    )
    assert _stored_answer(app, assessment_id, question.id) == "二つ目のタブの内容"
    context.close()


def test_stale_button_save_keeps_the_typed_text_and_offers_either(app, browser, portal):
    url, assessment_id, questionnaire = portal()
    question = _text_question(questionnaire)
    section_url = f"{url}s/{question.section_id}"
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    first, second = context.new_page(), context.new_page()
    first.goto(section_url)
    second.goto(section_url)
    first.locator(f"#{dom_id(question.id)}--answer").fill("先に保存した内容")
    with first.expect_navigation():
        first.get_by_role("button", name="保存する", exact=True).click()
    second.locator(f"#{dom_id(question.id)}--answer").fill("後から入力した内容")
    with second.expect_navigation():
        second.get_by_role("button", name="保存する", exact=True).click()
    box = second.locator("#stale")
    assert "上書きを防ぐため" in second.content()
    assert "後から入力した内容" in box.locator("[data-stale-typed]").first.inner_text()
    assert "先に保存した内容" in box.locator("[data-stale-stored]").first.inner_text()
    assert second.locator(f"#{dom_id(question.id)}--answer").input_value() == "後から入力した内容"
    assert _stored_answer(app, assessment_id, question.id) == "先に保存した内容"

    with second.expect_navigation():
        box.get_by_role("button", name="自分の入力で保存する").click()
    assert "保存しました。" in second.content()
    assert _stored_answer(app, assessment_id, question.id) == "後から入力した内容"

    # The first tab is stale now: it may take the stored answer instead of its own.
    first.locator(f"#{dom_id(question.id)}--answer").fill("破棄してよい入力")
    with first.expect_navigation():
        first.get_by_role("button", name="保存する", exact=True).click()
    with first.expect_navigation():
        first.get_by_role("link", name="保存されている内容を表示する（自分の入力は破棄）").click()
    assert first.locator(f"#{dom_id(question.id)}--answer").input_value() == "後から入力した内容"
    assert _stored_answer(app, assessment_id, question.id) == "後から入力した内容"
    context.close()


def test_without_javascript_save_and_next_stays_when_follow_ups_appear(app, browser, portal):
    url, _, questionnaire = portal("cloud", tier=2)
    trigger = questionnaire.question("legal.governing_law")
    follow_up = follow_up_of(questionnaire, trigger.id)
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    section_url = f"{url}s/{trigger.section_id}"
    page.goto(section_url)
    page.locator(f'input[name="q__{trigger.id}"][value="other"]').check()
    with page.expect_navigation():
        page.locator("button[name=action][value=next]").click()
    assert page.url == section_url
    assert "このページで答える質問が変わりました" in page.content()
    assert page.locator(f"#{dom_id(follow_up.id)}").is_visible()

    with page.expect_navigation():
        page.locator("button[name=action][value=next]").click()
    assert page.url != section_url
    context.close()
