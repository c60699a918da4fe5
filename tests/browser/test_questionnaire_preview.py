"""A real Chromium: the preview shows and hides follow-up questions as answers change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from vendorcheck.domain.questionnaire import load_questionnaire
from vendorcheck.domain.questionnaire.conditions import TierAtLeast

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def log_in(page, live_server, login_id):
    page.goto(f"{live_server}/login")
    page.get_by_label("ログイン ID").fill(login_id)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/$"))


def test_follow_up_question_appears_and_hides_with_the_answer(live_server, page, make_staff):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    staff = make_staff("viewer")
    log_in(page, live_server, staff.login_id)
    page.goto(f"{live_server}/questionnaires/cloud/preview?tier=2")

    follow_up = page.locator("#q-legal-governing_law_detail")
    expect(follow_up).to_be_hidden()
    page.locator('input[name="q__legal.governing_law"][value="other"]').check()
    expect(follow_up).to_be_visible()
    page.locator('input[name="q__legal.governing_law"][value="jp"]').check()
    expect(follow_up).to_be_hidden()

    # A condition on a hidden question is false: the chain hides together.
    sub_follow_up = page.locator("[data-show-if*='sub.uses_subcontractors']").first
    expect(sub_follow_up).to_be_hidden()
    page.locator('input[name="q__sub.uses_subcontractors"][value="yes"]').check()
    expect(sub_follow_up).to_be_visible()
    page.locator('input[name="q__sub.uses_subcontractors"][value="no"]').check()
    expect(sub_follow_up).to_be_hidden()
    assert errors == []


def test_preview_options_switch_tier_and_language(live_server, page, make_staff):
    staff = make_staff("officer")
    log_in(page, live_server, staff.login_id)
    cloud = load_questionnaire(ROOT / "questionnaires" / "cloud.toml")
    from_tier_two = next(q for q in cloud.questions if q.show_if == TierAtLeast(2))
    page.goto(f"{live_server}/questionnaires/cloud/preview?tier=1")
    tier_two_only = page.locator(f"[data-question='{from_tier_two.id}']")
    expect(tier_two_only).to_be_hidden()
    page.get_by_label("取り扱う情報の区分").select_option("2")
    page.get_by_label("表示言語").select_option("en")
    page.get_by_role("button", name="表示する").click()
    page.wait_for_url(re.compile(r"tier=2&lang=en"))
    expect(tier_two_only).to_be_visible()
    expect(page.locator("form[data-tier='2']")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Required").first).to_be_visible()
