"""Long staff pages made navigable: contents, answer filters, visible review actions, and the
download link in the success message after an annex is made."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.test_annexes import _generate, make_assessment
from tests.web.test_review import _post
from tests.web.test_review_bugs import _submitted_with


def _answer_ids(html: str) -> list[str]:
    answers = html.split('id="answers-title"', 1)[1]
    return re.findall(r'<article class="question" id="answer-([^"]+)"', answers)


def test_review_page_has_contents_jump_links_and_visible_actions(client, login_as, db):
    officer = login_as("officer")
    assessment = _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})
    html = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    contents = html.split('<nav class="page-contents"', 1)[1].split("</nav>", 1)[0]
    for anchor in ("#scorecard-title", "#gaps", "#actions-title", "#answers-title", "#section-a"):
        assert f'href="{anchor}"' in contents
    assert '<a class="button" href="#decide">' in html
    assert '<a class="button button--warning" href="#return">' in html
    assert '<details class="review-action"' not in html and "<summary>承認" not in html
    assert '<label class="form-label" for="comment-a-policy">この質問にコメントする</label>' in html


def test_answer_filters_keep_only_the_questions_asked_for(client, login_as, db):
    officer = login_as("officer")
    assessment = _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})
    page = f"/assessments/{assessment.id}"
    assert _answer_ids(client.get(page).get_data(as_text=True)) == ["a-policy", "a-detail"]
    assert _answer_ids(client.get(page + "?show=pending").get_data(as_text=True)) == ["a-detail"]
    assert _answer_ids(client.get(page + "?show=short").get_data(as_text=True)) == ["a-policy"]
    assert _answer_ids(client.get(page + "?show=commented").get_data(as_text=True)) == []
    _post(client, assessment, "comments", question_id="a.detail", body="具体的に。")
    html = client.get(page + "?show=commented").get_data(as_text=True)
    assert _answer_ids(html) == ["a-detail"] and "「コメントのある質問」: 1 問" in html
    assert _answer_ids(client.get(page + "?show=changed").get_data(as_text=True)) == []
    # an unknown filter shows everything instead of failing
    assert len(_answer_ids(client.get(page + "?show=<x>").get_data(as_text=True))) == 2


def test_success_message_after_making_an_annex_carries_its_download_link(app, client, login_as, db):
    login_as("officer")
    assessment = make_assessment(app, "outsourcing")
    created = _generate(client, assessment)
    html = client.get(created.headers["Location"]).get_data(as_text=True)
    flash = html.split('class="flash flash--success"', 1)[1].split("</div>", 1)[0]
    link = f'href="/assessments/{assessment.id}/annex/1.docx" download>第1版をダウンロード（.docx）'
    assert "特記事項の第1版を作成しました。" in flash and link in flash
    assert client.get(f"/assessments/{assessment.id}/annex/1.docx").status_code == 200


def _score_ids(html: str) -> list[str]:
    questions = html.split('id="questions-title"', 1)[1].split('id="evidence-title"', 1)[0]
    return re.findall(r'<article class="scorecard-question" id="q-([^"]+)"', questions)


def test_scorecard_has_contents_and_the_same_filters_as_links_with_counts(client, login_as, db):
    officer = login_as("officer")
    assessment = _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})
    page = f"/assessments/{assessment.id}/scorecard"
    html = client.get(page).get_data(as_text=True)
    contents = html.split('<nav class="page-contents"', 1)[1].split("</nav>", 1)[0]
    for anchor in ("#verdict-title", "#gaps-title", "#questions-title", "#certificates-title"):
        assert f'href="{anchor}"' in contents
    assert 'href="#score-section-a"' in contents and 'id="score-section-a"' in html
    links = html.split('<ul class="filter-links"', 1)[1].split("</ul>", 1)[0]
    assert '<strong aria-current="true">すべての質問（2）</strong>' in links
    pending = f'href="/assessments/{assessment.id}/scorecard?show=pending#questions-title"'
    assert f"{pending}>審査待ちの質問（1）</a>" in links
    assert _score_ids(html) == ["a-policy", "a-detail"]
    assert _score_ids(client.get(page + "?show=pending").get_data(as_text=True)) == ["a-detail"]
    html = client.get(page + "?show=short").get_data(as_text=True)
    assert _score_ids(html) == ["a-policy"] and "「✗ / △（満点でない質問）」: 1 問" in html
    assert _score_ids(client.get(page + "?show=commented").get_data(as_text=True)) == []
    _post(client, assessment, "comments", question_id="a.policy", body="方針の予定は。")
    assert _score_ids(client.get(page + "?show=commented").get_data(as_text=True)) == ["a-policy"]
    assert _score_ids(client.get(page + "?show=changed").get_data(as_text=True)) == []
    assert len(_score_ids(client.get(page + "?show=bogus").get_data(as_text=True))) == 2
    refused = client.get(page + "?show=%00")  # a NUL is refused before any view (security.py)
    assert refused.status_code == 400 and "NUL 文字" in refused.get_data(as_text=True)


def test_review_page_offers_the_filters_as_links_that_keep_the_version(client, login_as, db):
    officer = login_as("officer")
    assessment = _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})
    html = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    links = html.split('<ul class="filter-links"', 1)[1].split("</ul>", 1)[0]
    assert "✗ / △（満点でない質問）（1）" in links and "コメントのある質問（0）" in links
    assert f'href="/assessments/{assessment.id}?show=short#answers-title"' in links


def test_contents_stay_in_view_on_wide_screens_and_collapse_on_narrow_ones():
    css = (Path(__file__).resolve().parents[2] / "vendorcheck/web/static/css/app.css").read_text()
    wide = css.split("@media (min-width: 75rem) {", 1)[1].split("}\n}", 1)[0]
    assert re.search(r"\.page-contents \{[^}]*position: sticky", wide)
    narrow = css.split("@media (max-width: 74.99rem) {", 1)[1].split("}\n}", 1)[0]
    assert re.search(r"\.page-contents ol ol \{ display: none; \}", narrow)


def test_review_scorecard_and_annex_name_the_information_class_not_its_codes(client, login_as, db):
    officer = login_as("officer")
    assessment = _submitted_with(officer, {"a.policy": "no", "a.detail": "策定中です。"})
    for page in ("", "/scorecard", "/annex"):
        html = client.get(f"/assessments/{assessment.id}{page}").get_data(as_text=True)
        assert "（確認の段階 2）" in html and "区分2（2）" not in html, page
