"""How the pages look in a real Chromium with Japanese fonts, at 1280 px and at 390 px (a phone):
no horizontal scroll, no table cell squeezed below two characters, landmarks, labels, visible
focus and AA contrast. Screenshots go to VENDORCHECK_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from vendorcheck.services import demo as demo_service
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.store.models import Assessment, Case

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)

# Measured in the page: horizontal overflow, table cells narrower than two characters of
# their own font, and text whose contrast with its background is below WCAG AA.
MEASURE = """() => {
  const doc = document.documentElement;
  const narrow = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const text = cell.innerText.trim();
    if (!text || cell.offsetParent === null) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 2 * parseFloat(style.fontSize) - 1 && text.length >= 2) narrow.push(text.slice(0, 20));
  }
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const color = rgb(getComputedStyle(node).backgroundColor);
      if (color.length === 3 || (color.length === 4 && color[3] > 0.5)) return color.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lowContrast = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.offsetParent === null) continue;
    if (el.closest('.visually-hidden, .skip-link')) continue;
    const style = getComputedStyle(el);
    const fg = lum(rgb(style.color).slice(0, 3)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.6 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) lowContrast.push(node.textContent.trim().slice(0, 20) + ' ' + ratio.toFixed(2));
  }
  let widest = '';
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && !el.closest('.table-wrap')) { widest = el.tagName + '.' + el.className + ' ' + (el.innerText || '').slice(0, 30); break; }
  }
  return {
    widest: widest,
    overflow: doc.scrollWidth - window.innerWidth,
    narrow: narrow,
    lowContrast: lowContrast.slice(0, 5),
    landmarks: ['header', 'main', 'footer'].filter((tag) => !document.querySelector(tag)),
  };
}"""


@pytest.fixture
def demo_site(app, live_server, make_staff):
    """The demonstration data (cases, bids, returns, decisions), and an officer and a CISO."""
    db = app.extensions["vendorcheck_db"]
    catalogue = questionnaire_service.catalogue(app.config)
    with db.connection_context():
        demo_service.load_demo(
            lambda kind, respondent: next(iter(catalogue.for_kind(kind, respondent)), None),
            LinkSettings(live_server),
            max_evidence_bytes=10 * 1024 * 1024,
        )
        cloud = Case.get(Case.kind == "cloud")
        accepted = Assessment.get(Assessment.status == "accepted")
    return {
        "officer": make_staff("officer", login_id="look-officer"),
        "ciso": make_staff("ciso", login_id="look-ciso"),
        "case": cloud.id,
        "assessment": accepted.id,
    }


def _log_in(page, base: str, login_id: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("ログイン ID").fill(login_id)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/$"))


def _shot(page, name: str) -> None:
    folder = os.environ.get("VENDORCHECK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
        page.screenshot(path=str(Path(folder) / f"{name}-first-screen.png"))


def _check(page, name: str, width: int) -> list[str]:
    found = page.evaluate(MEASURE)
    problems = []
    if width <= 400 and found["overflow"] > 1:
        problems.append(
            f"{name}: scrolls sideways by {found['overflow']}px at {width}px ({found['widest']})"
        )
    if found["narrow"]:
        problems.append(
            f"{name}: cells narrower than two characters at {width}px: {found['narrow'][:5]}"
        )
    if found["lowContrast"]:
        problems.append(f"{name}: text below AA contrast: {found['lowContrast']}")
    if found["landmarks"]:
        problems.append(f"{name}: missing landmarks {found['landmarks']}")
    return problems


def _staff_pages(site) -> dict[str, str]:
    case, assessment = site["case"], site["assessment"]
    return {
        "dashboard": "/",
        "cases": "/cases/",
        "case": f"/cases/{case}",
        "comparison": f"/cases/{case}/comparison",
        "vendors": "/vendors/",
        "assessments": "/assessments/",
        "review": f"/assessments/{assessment}",
        "scorecard": f"/assessments/{assessment}/scorecard",
        "annex": f"/assessments/{assessment}/annex",
        "audit": "/audit/",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_pages_fit_at_desktop_and_phone_widths(browser, live_server, demo_site, width):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        _log_in(page, live_server, "look-ciso")
        problems = []
        for name, path in _staff_pages(demo_site).items():
            response = page.goto(live_server + path)
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            _shot(page, f"{name}-{width}")
            problems += _check(page, name, width)
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_focus_is_visible_on_links_buttons_and_fields(browser, live_server, demo_site):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _log_in(page, live_server, "look-officer")
        page.goto(f"{live_server}/cases/")
        for _ in range(12):
            page.keyboard.press("Tab")
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
            )
            assert outline[1] != "none" and outline[2] != "0px", outline
    finally:
        context.close()
