"""Long staff pages made navigable: contents, answer filters, visible review actions, and the
download link in the success message after an annex is made."""

from __future__ import annotations

import re

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
