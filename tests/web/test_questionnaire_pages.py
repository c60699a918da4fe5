"""The questionnaire pages: list, preview as vendors see it, requirement coverage."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from html import unescape
from pathlib import Path

import pytest

from vendorcheck.domain.questionnaire import TIERS, load_directory
from vendorcheck.domain.questionnaire.conditions import TierAtLeast
from vendorcheck.domain.requirements import load_requirements
from vendorcheck.services import wording
from vendorcheck.services.questionnaires import (
    QuestionnaireCatalogue,
    questionnaire_from_snapshot,
    snapshot_json,
)

SHIPPED = Path(__file__).resolve().parents[2] / "questionnaires"
PAGES = ["/questionnaires/", "/questionnaires/cloud/preview", "/questionnaires/coverage"]

SMALL = textwrap.dedent(
    """
    id = "{id}"
    version = {version}
    respondent = "department"
    kinds = ["cloud_light"]
    title = {{ ja = "{title}" }}

    [thresholds]
    "1" = {{ pass = 50 }}
    "2" = {{ pass = 60 }}
    "3" = {{ pass = 70 }}

    [[sections]]
    id = "terms"
    title = {{ ja = "利用規約" }}

    [[sections.questions]]
    id = "terms.checked"
    type = "yesno"
    text = {{ ja = "利用規約を確認しましたか。" }}
    requirements = ["CLL-01"]
    mandatory_from_tier = 2
    """
)


@pytest.fixture
def shipped():
    return load_directory(SHIPPED)


@pytest.fixture
def own_folder(app, tmp_path):
    """Point the app at an empty questionnaire folder of the test's own."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    app.config["QUESTIONNAIRES_DIR"] = str(folder)
    return folder


def html_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_viewer_sees_every_questionnaire_with_counts_and_pass_marks(client, login_as, shipped):
    login_as("viewer")
    response = client.get("/questionnaires/")
    assert response.status_code == 200
    html = html_of(response)
    assert 'class="error-summary"' not in html  # no load errors in the shipped files
    for questionnaire in shipped.values():
        assert questionnaire.title.ja in html
        assert f"/questionnaires/{questionnaire.id}/preview?tier=3" in html
        assert f"{len(questionnaire.questions)} 問" in html
        for tier in TIERS:
            assert f"合格点 {questionnaire.pass_mark(tier)} 点" in html
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert "確認書" in nav


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_preview_shows_the_questionnaire_as_the_vendor_sees_it(
    client, login_as, shipped, tier, lang
):
    login_as("officer")
    for questionnaire in shipped.values():
        response = client.get(f"/questionnaires/{questionnaire.id}/preview?tier={tier}&lang={lang}")
        assert response.status_code == 200
        html = html_of(response)
        assert f'data-tier="{tier}"' in html
        assert 'src="/static/js/conditions.js"' in html
        hidden = {
            question_id: bool(rest)
            for question_id, rest in re.findall(
                r'<div class="question[^"]*" id="[^"]+" data-question="([^"]+)"[^>]*?( hidden)?>',
                html,
            )
        }
        applicable = questionnaire.applicable_questions({}, tier)
        assert hidden == {q.id: q.id not in applicable for q in questionnaire.questions}
        text = unescape(html)
        shown = wording.localised(questionnaire)  # in the organisation's own words
        for question in shown.questions:
            assert question.text.get(lang) in text, question.id
            assert "{当団体}" not in question.text.get(lang)
        mandatory = any(q.is_mandatory(tier) for q in questionnaire.questions)
        if lang == "ja":
            assert "回答必須" in html
            assert ("必須（適合に必要）</em>" in html) == mandatory
        else:
            assert "Required" in html and "回答必須" not in html
            assert ("Mandatory (needed to pass)" in html) == mandatory
            assert f'lang="{lang}"' in html


def test_preview_controls_follow_the_question_types(client, login_as, shipped):
    login_as("officer")
    for questionnaire in shipped.values():
        html = html_of(client.get(f"/questionnaires/{questionnaire.id}/preview?tier=3"))
        for question in questionnaire.questions:
            name = f'name="q__{question.id}"'
            if question.type in ("choice", "yesno"):
                assert html.count(f'type="radio" name="q__{question.id}"') >= 2
            elif question.type == "multi":
                assert f'type="checkbox" name="q__{question.id}"' in html
            elif question.type == "file":
                assert f'type="file" id="q-{question.id.replace(".", "-")}--file"' in html
                assert f'name="file__{question.id}"' in html
            else:
                assert name in html, question.id
        assert "該当しない" in html or not any(q.allow_na for q in questionnaire.questions)


def test_preview_shows_staff_the_requirement_ids(client, login_as, shipped):
    login_as("officer")
    questionnaire = shipped["cloud"]
    html = html_of(client.get("/questionnaires/cloud/preview?tier=2"))
    question = questionnaire.questions[0]
    assert f"要件: {', '.join(question.requirements)}" in html


def test_tier_conditions_are_applied_by_the_server(client, login_as, shipped):
    """A question shown only from a tier is hidden below it, without any JavaScript."""
    login_as("officer")
    found = [
        (questionnaire, question)
        for questionnaire in shipped.values()
        for question in questionnaire.questions
        if isinstance(question.show_if, TierAtLeast)
    ]
    assert found, "expected a shipped question with show_if = { tier_at_least = N }"
    questionnaire, question = found[0]
    anchor = f'id="q-{question.id.replace(".", "-")}"'
    below = html_of(
        client.get(f"/questionnaires/{questionnaire.id}/preview?tier={question.show_if.tier - 1}")
    )
    at = html_of(
        client.get(f"/questionnaires/{questionnaire.id}/preview?tier={question.show_if.tier}")
    )
    assert re.search(anchor + r"[^>]*hidden", below)
    assert not re.search(anchor + r"[^>]*hidden", at)


def test_answers_tried_in_the_preview_show_follow_ups_and_japanese_errors(client, login_as):
    login_as("officer")
    shown = html_of(client.get("/questionnaires/cloud/preview?tier=2&q__legal.governing_law=other"))
    assert not re.search(r'id="q-legal-governing_law_detail"[^>]*hidden', shown)
    assert re.search(r'name="q__legal.governing_law" value="other"[^>]*checked', shown)
    bad = client.get("/questionnaires/cloud/preview?tier=2&q__legal.governing_law=mars")
    assert bad.status_code == 200
    assert "選択肢の中から選んでください。" in html_of(bad)
    assert 'aria-invalid="true"' in html_of(bad)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tier=4", "情報の区分は 1、2、3 のいずれかを選んでください。"),
        ("tier=x", "情報の区分は 1、2、3 のいずれかを選んでください。"),
        ("tier=2&lang=fr", "表示言語は日本語（ja）か英語（en）を選んでください。"),
    ],
)
def test_bad_tier_or_language_is_a_400_in_japanese(client, login_as, query, message):
    login_as("viewer")
    response = client.get(f"/questionnaires/cloud/preview?{query}")
    assert response.status_code == 400
    assert message in html_of(response)


def test_unknown_questionnaire_is_a_404_in_japanese(client, login_as):
    login_as("viewer")
    response = client.get("/questionnaires/no_such/preview?tier=1")
    assert response.status_code == 404
    assert "確認書「no_such」はありません" in html_of(response)


def test_coverage_lists_every_requirement_and_nothing_is_missing(client, login_as, shipped):
    login_as("viewer")
    response = client.get("/questionnaires/coverage")
    assert response.status_code == 200
    html = html_of(response)
    for requirement_id in load_requirements():
        assert f'id="req-{requirement_id}"' in html
    assert "未対応" not in html.split('<table class="coverage-table">')[1]
    assert "外部サービス（クラウドサービス）" in html  # a group heading of REQUIREMENTS.md
    cloud = shipped["cloud"]
    for requirement_id, question_ids in cloud.requirement_index.items():
        link = f"/questionnaires/cloud/preview?tier=3#q-{question_ids[0].replace('.', '-')}"
        assert link in html, requirement_id


def test_coverage_marks_a_required_id_that_no_question_asks(client, login_as, own_folder):
    (own_folder / "light.toml").write_text(
        SMALL.format(id="light", version=1, title="軽微なサービス"), encoding="utf-8"
    )
    login_as("viewer")
    html = html_of(client.get("/questionnaires/coverage"))
    row = re.search(r'<tr id="req-CLL-02">.*?</tr>', html, re.S).group(0)
    assert "未対応" in row
    assert "軽微なサービス: CLL-02 未対応" in html
    covered = re.search(r'<tr id="req-CLL-01">.*?</tr>', html, re.S).group(0)
    assert "terms.checked" in covered and "未対応" not in covered


def test_a_broken_file_is_listed_with_its_errors_and_the_rest_still_works(
    client, login_as, own_folder
):
    (own_folder / "light.toml").write_text(
        SMALL.format(id="light", version=1, title="軽微なサービス"), encoding="utf-8"
    )
    (own_folder / "broken.toml").write_text(
        SMALL.format(id="broken", version=1, title="壊れた確認書").replace(
            'type = "yesno"', 'type = "yesnoo"'
        ),
        encoding="utf-8",
    )
    login_as("viewer")
    response = client.get("/questionnaires/")
    assert response.status_code == 200
    html = html_of(response)
    assert 'class="error-summary"' in html
    assert "broken.toml: 質問 terms.checked: 未知の質問の種類 type = &#39;yesnoo&#39;" in html
    assert "軽微なサービス" in html
    assert client.get("/questionnaires/broken/preview").status_code == 404
    assert client.get("/questionnaires/light/preview?tier=2").status_code == 200


def test_an_edited_file_is_read_again_without_a_restart(client, login_as, own_folder):
    path = own_folder / "light.toml"
    path.write_text(SMALL.format(id="light", version=1, title="初版の題名"), encoding="utf-8")
    login_as("viewer")
    assert "初版の題名" in html_of(client.get("/questionnaires/"))
    path.write_text(SMALL.format(id="light", version=2, title="改版後の題名"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    html = html_of(client.get("/questionnaires/"))
    assert "改版後の題名" in html and "初版の題名" not in html


def test_catalogue_filters_by_kind(shipped):
    catalogue = QuestionnaireCatalogue(SHIPPED)
    assert [q.id for q in catalogue.all()] == sorted(shipped)
    assert catalogue.errors == []
    for kind in ("outsourcing", "system", "cloud", "cloud_light", "sns"):
        assert catalogue.for_kind(kind), kind
        assert all(kind in q.kinds for q in catalogue.for_kind(kind))


def test_snapshot_round_trips_and_is_cached_by_hash(tmp_path):
    """Issued questionnaires are stored as JSON; later edits of the file never change them."""
    folder = tmp_path / "copy"
    shutil.copytree(SHIPPED, folder)
    original = QuestionnaireCatalogue(folder).get("cloud")
    content_hash, text = snapshot_json(original)
    assert content_hash == original.content_hash
    rebuilt = questionnaire_from_snapshot(text, content_hash)
    assert rebuilt == original
    assert questionnaire_from_snapshot(text, content_hash) is rebuilt
    assert questionnaire_from_snapshot(text) == original
    with pytest.raises(ValueError, match="ハッシュ値と一致しません"):
        questionnaire_from_snapshot(text, "0" * 64)
