"""The three journeys end to end in Chromium, at 1280 px, at 390 px and with JavaScript off:
the officer (vendor, case, invitation, review with a filter and a comment, return, a reviewer's
score and a remediation, acceptance, the annex), the vendor (answer, autosave, upload, submit,
resubmit after the return) and the CISO (the queue on the dashboard, the approval).

One server and one browser serve the three runs; every screen is photographed under the test's
tmp dir (journeys/<mode>/NN-step.png) and measured: page checks (raw ids, labels, one h1), no
sideways scroll at 390 px, no table cell narrower than two characters, AA contrast, landmarks."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import docx
import pytest

from tests.browser.portal_driver import fill_visible_questions, revise_and_resubmit
from tests.browser.test_look import _check
from tests.conftest import PASSWORD, TEST_ORGANISATION
from tests.page_checker import page_problems, raw_ids
from vendorcheck.domain.jp import corporate_number_check_digit
from vendorcheck.services import review as review_service
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.models import Assessment, Evidence, MailMessage

pytestmark = pytest.mark.browser

# name: (viewport width, JavaScript on)
MODES = {"desktop": (1280, True), "phone": (390, True), "nojs": (1280, False)}


@dataclass
class Run:
    """One journey run: the browser contexts of one mode, its screenshots and what was wrong."""

    browser: object
    base: str
    folder: Path
    width: int
    javascript: bool
    contexts: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    shots: int = 0
    seen: set = field(default_factory=set)

    def page(self):
        context = self.browser.new_context(
            locale="ja-JP",
            viewport={"width": self.width, "height": 900},
            java_script_enabled=self.javascript,
            accept_downloads=True,
        )
        if self.javascript:  # the copy buttons beside hashes write to the clipboard
            context.grant_permissions(["clipboard-read", "clipboard-write"])
        self.contexts.append(context)
        return context.new_page()

    def look(self, page, step: str) -> None:
        """Photograph the screen; the first time a kind of page is seen, photograph all of it
        (the first screen of a very tall page: a full shot of it takes seconds) and collect what
        the page checks and the measurements find."""
        page.wait_for_load_state("load")
        self.shots += 1
        kind = re.sub(r"/p/[^/]+/", "/p/<link>/", re.sub(r"\d+", "N", urlsplit(page.url).path))
        first = kind not in self.seen
        self.seen.add(kind)
        shot = self.folder / f"{self.shots:02d}-{step}.png"
        tall = page.evaluate("document.documentElement.scrollHeight") > 8000
        page.screenshot(path=str(shot), full_page=first and not tall)
        if first:
            name = f"{self.folder.name}/{step}"
            self.problems += [f"{name}: {p}" for p in page_problems(page.content())]
            self.problems += _check(page, name, self.width)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _log_in(page, base: str, login_id: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("ログイン ID").fill(login_id)
    page.get_by_label("パスワード").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert re.search(r"/$", page.url), page.url


def _submit(page, locator) -> None:
    """Press a submit button and wait for the page it leads to (with or without JavaScript)."""
    with page.expect_navigation():
        locator.click()


def _officer_opens_a_case(run: Run, page, mode: str) -> tuple[str, str]:
    base = run.base
    page.goto(f"{base}/vendors/new")
    page.get_by_label("事業者名").fill(f"株式会社{mode}試験")
    base12 = f"{list(MODES).index(mode) + 1:012d}"
    page.get_by_label("法人番号（任意）").fill(f"{corporate_number_check_digit(base12)}{base12}")
    page.get_by_label("担当者のメールアドレス（任意）").fill(f"{mode}@example.jp")
    run.look(page, "vendor-form")
    _submit(page, page.get_by_role("button", name="登録する"))
    assert re.search(r"/vendors/\d+$", page.url)
    run.look(page, "vendor")

    page.goto(f"{base}/cases/new")
    page.get_by_label("案件名", exact=True).fill(f"庁内チャットサービスの利用（{mode}）")
    page.get_by_label("案件の種類").select_option("cloud")
    page.get_by_label("所管部局").select_option(label="事務部局")
    levels = page.locator("#classification_level option").all_inner_texts()
    two = next(i for i, text in enumerate(levels) if text.startswith("機密性2"))
    page.get_by_label("取り扱う情報の分類").select_option(index=two)
    run.look(page, "case-form")
    _submit(page, page.get_by_role("button", name="作成する"))
    assert re.search(r"/cases/\d+$", page.url)
    case_url = page.url
    run.look(page, "case")

    with page.expect_navigation():
        page.get_by_role("link", name="事業者を招待する").click()
    page.get_by_label(f"株式会社{mode}試験").check()
    run.look(page, "invite-form")
    _submit(page, page.get_by_role("button", name="招待する"))
    link = page.locator("code.vendor-link").inner_text().strip()
    assert link.startswith(base + "/p/")
    run.look(page, "invited")
    return case_url, link


def _vendor_answers(run: Run, page, link: str, questionnaire) -> None:
    page.goto(link)
    run.look(page, "portal-overview")
    with page.expect_navigation():
        page.get_by_role("link", name="回答を始める").click()
    first = True
    for _ in range(3 * len(questionnaire.sections)):
        match = re.search(r"/s/([^/#?]+)$", page.url)
        if not match:
            break
        fill_visible_questions(page, questionnaire, match.group(1))
        if first:
            if run.javascript:  # typed answers are kept without pressing a button
                status = page.locator("[data-autosave-status]")
                status.filter(has_text="自動保存しました").wait_for(timeout=10_000)
            run.look(page, "portal-section")
            first = False
        _submit(page, page.locator("button[name=action][value=next]"))
    page.goto(link + "confirm")
    run.look(page, "portal-confirm")
    _submit(page, page.get_by_role("button", name="提出する"))
    assert "第1版として提出しました" in page.content()
    run.look(page, "portal-submitted")


def _officer_reviews_and_returns(run: Run, page, case_url: str, question) -> int:
    page.goto(case_url)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("回答を見る")).first.click()
    assessment_id = int(re.search(r"/assessments/(\d+)", page.url).group(1))
    assert "証跡.pdf" in page.content()  # the vendor's upload reached the reviewer
    run.look(page, "review")

    # the filter is a GET form: it works the same without JavaScript
    page.get_by_label("表示する質問", exact=True).select_option("pending")
    _submit(page, page.get_by_role("button", name="表示する"))
    assert "show=pending" in page.url
    assert "「審査待ちの質問」" in page.get_by_role("status").first.inner_text()
    assert page.locator(f"#answer-{question.id.replace('.', '-')}").count() == 1
    run.look(page, "review-pending")

    box = page.locator(f"#comment-{question.id.replace('.', '-')}")
    box.fill("規程の条番号も書いてください。")
    _submit(page, box.locator("xpath=ancestor::form").get_by_role("button"))
    assert "規程の条番号も書いてください。" in page.content()

    page.locator("form[action$='/return'] textarea[name=message]").fill(
        "記載をもう少し具体的にしてください。"
    )
    page.locator(f"textarea[name='comment__{question.id}']").fill(
        "該当する規程の名称を書いてください。"
    )
    _submit(page, page.get_by_role("button", name="差し戻す"))
    assert "差し戻し中" in page.content()
    run.look(page, "returned")
    return assessment_id


def _officer_scores_and_proposes(run: Run, page, assessment_id: int, questionnaire) -> None:
    question = next(q for q in questionnaire.questions if q.mandatory_from_tier == 1)
    page.goto(f"{run.base}/assessments/{assessment_id}/scorecard")
    run.look(page, "scorecard")
    block = page.locator(f"#q-{question.id.replace('.', '-')}")
    block.get_by_role("link", name=re.compile("審査担当者の評点を付ける")).click()
    block.get_by_label("評点", exact=True).select_option("0.5")
    block.get_by_label("評点の理由").fill("条番号はあるが運用の記載が足りない。")
    _submit(page, block.get_by_role("button", name=re.compile("評点を登録する")))
    remediation = page.locator(f"#remediation-{question.id.replace('.', '-')}")
    remediation.get_by_role("link", name=re.compile("是正措置（条件）を登録する")).click()
    remediation.get_by_label("事業者が行うこと").fill("運用手順書を契約後30日以内に提出する。")
    remediation.get_by_label("期限").fill("2027-03-31")
    _submit(page, remediation.get_by_role("button", name=re.compile("是正措置を登録する")))
    assert "承認待ち" in remediation.inner_text()
    run.look(page, "remediation-proposed")


def _ciso_approves_from_the_queue(run: Run, page, vendor_name: str) -> None:
    page.goto(run.base + "/")
    queue = page.locator("section[aria-labelledby=ciso-queue-title]")
    row = queue.locator("tr", has_text="是正措置の承認").filter(has_text=vendor_name)
    assert "運用の記載" not in row.inner_text()  # the queue names the question, not the reason
    run.look(page, "ciso-queue")
    with page.expect_navigation():
        row.get_by_role("link", name=re.compile("承認する")).click()
    assert "#remediation-" in page.url
    article = page.locator("article.scorecard-remediation", has_text="承認待ち")
    _submit(page, article.get_by_role("button", name=re.compile("^承認する")))
    assert "承認済み" in page.locator("article.scorecard-remediation").first.inner_text()
    run.look(page, "ciso-approved")


def _officer_accepts_and_makes_the_annex(run: Run, page, assessment_id: int) -> bytes:
    page.goto(f"{run.base}/assessments/{assessment_id}")
    page.get_by_role("link", name="承認・不採用を判断する").click()  # a jump within the page
    page.locator("#decision-accepted").check()
    page.locator("form[action$='/decide'] textarea[name=reason]").fill("是正措置を条件に承認する。")
    if page.locator("#pending-warning").count():
        page.get_by_label("審査待ちの質問が残ったまま承認する").check()
    run.look(page, "decide")
    _submit(page, page.get_by_role("button", name="判断を登録する"))
    assert "承認" in page.locator("dl.summary").first.inner_text()

    page.goto(f"{run.base}/assessments/{assessment_id}/annex")
    run.look(page, "annex")
    _submit(page, page.get_by_role("button", name=re.compile("この内容で特記事項を作成する")))
    flash = page.locator(".flash--success")
    assert "特記事項の第1版を作成しました。" in flash.inner_text()
    run.look(page, "annex-made")
    _copy_the_hash(run, page)
    with page.expect_download() as download:
        flash.get_by_role("link", name=re.compile("第1版をダウンロード")).click()
    return Path(download.value.path()).read_bytes()


def _copy_the_hash(run: Run, page) -> None:
    """The annex's SHA-256 is shortened; with JavaScript a button copies all of it, without
    JavaScript the button stays hidden and the whole value is in the title and hidden text."""
    code = page.locator("span.hash code").first
    full = code.get_attribute("title")
    assert re.fullmatch(r"[0-9a-f]{64}", full) and len(code.inner_text()) < len(full)
    button = page.locator("span.hash button.copy-button").first
    if not run.javascript:
        assert button.is_hidden() and full in page.locator("span.hash").first.text_content()
        return
    button.click()
    page.locator("span.hash button.copy-button", has_text="コピーしました").first.wait_for(
        timeout=5_000
    )
    assert page.evaluate("navigator.clipboard.readText()") == full


def _journeys(app, run: Run, mode: str, make_staff) -> None:
    db = app.extensions["vendorcheck_db"]
    questionnaire = catalogue(app.config).for_kind("cloud", respondent="vendor")[0]
    question = next(  # a free-text answer that waits for a reviewer's score
        q
        for q in questionnaire.questions
        if q.type == "text" and q.required and q.requirements and q.weight and not q.show_if
    )
    officer = make_staff("officer", login_id=f"officer-{mode}")
    ciso = make_staff("ciso", login_id=f"ciso-{mode}")

    staff = run.page()
    _log_in(staff, run.base, officer.login_id)
    run.look(staff, "dashboard")
    case_url, link = _officer_opens_a_case(run, staff, mode)

    vendor = run.page()
    _vendor_answers(run, vendor, link, questionnaire)
    assessment_id = _officer_reviews_and_returns(run, staff, case_url, question)

    vendor.goto(link)
    assert "記載をもう少し具体的にしてください。" in vendor.content()
    run.look(vendor, "portal-returned")
    revise_and_resubmit(
        vendor,
        link,
        question,
        "該当する規程の名称を書いてください。",
        "情報セキュリティ規程 第20条に従います。",
        version=2,
    )
    run.look(vendor, "portal-resubmitted")

    _officer_scores_and_proposes(run, staff, assessment_id, questionnaire)
    chief = run.page()
    _log_in(chief, run.base, ciso.login_id)
    _ciso_approves_from_the_queue(run, chief, f"株式会社{mode}試験")
    annex = _officer_accepts_and_makes_the_annex(run, staff, assessment_id)
    annex_text = "\n".join(p.text for p in docx.Document(io.BytesIO(annex)).paragraphs)
    assert "運用手順書を契約後30日以内に提出する。" in annex_text

    with db.connection_context():
        assessment = Assessment.get_by_id(assessment_id)
        assert assessment.status == "accepted" and assessment.decided_by_id == officer.id
        assert assessment.submitted_version == 2
        assert Evidence.select().where(Evidence.assessment == assessment).count() >= 1
        assert review_service.scorecard(assessment).verdict


def test_officer_vendor_and_ciso_journeys_at_both_widths_and_without_javascript(
    app, live_server, browser, make_staff, tmp_path
):
    app.config["BASE_URL"] = live_server  # links in mails and on pages point at this server
    problems = []
    for mode, (width, javascript) in MODES.items():
        folder = tmp_path / "journeys" / mode
        folder.mkdir(parents=True)
        run = Run(browser, live_server, folder, width, javascript)
        try:
            _journeys(app, run, mode, make_staff)
        finally:
            run.close()
        problems += run.problems
        assert run.shots >= 20, f"{mode}: only {run.shots} screens photographed"
    assert not problems, "\n".join(problems)

    with app.extensions["vendorcheck_db"].connection_context():
        subjects = [m.subject for m in MailMessage.select()]
    assert len(subjects) >= 6  # an invitation and a return mail in every run
    for subject in subjects:  # mail subjects carry the organisation's name, never ids
        assert TEST_ORGANISATION in subject and "vendorcheck" not in subject.lower(), subject
        assert not raw_ids(subject), subject
