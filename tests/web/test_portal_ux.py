"""The vendor portal's working comfort: where am I, what to fix, known facts, dates, help."""

from __future__ import annotations

import datetime as dt
import re

from tests.answering import section_form
from tests.conftest import csrf_token, home_department
from tests.web.test_portal import _fill_everything
from vendorcheck.services import answers as answer_service
from vendorcheck.services import invitations, review
from vendorcheck.services.assessments import questionnaire_of, read_draft
from vendorcheck.services.audit import Actor
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.models import Assessment, AuditEvent, Case, Department, Vendor

NUMBER = "7000012050002"  # a valid 法人番号 (check digit 7)


def _post_section(client, path, assessment, section_id, form, action="save"):
    current = Assessment.get_by_id(assessment.id)
    return client.post(
        f"{path}s/{section_id}",
        data={
            **form,
            "csrf_token": csrf_token(client, f"{path}s/{section_id}"),
            "revision": str(current.draft_revision),
            "action": action,
        },
    )


def _value_of(html: str, element_id: str) -> str:
    match = re.search(rf'<input id="{element_id}"[^>]*value="([^"]*)"', html)
    assert match, f"no input {element_id}"
    return match.group(1)


def test_section_page_starts_with_a_compact_indicator_and_the_questions(client, invite):
    path, assessment = invite("outsourcing")
    questionnaire = questionnaire_of(assessment)
    sections = questionnaire.sections
    html = client.get(f"{path}s/{sections[2].id}").get_data(as_text=True)
    indicator = re.search(r'<nav class="portal-progress".*?</nav>', html, re.S).group(0)
    count = re.sub(r"<[^>]+>", "", indicator)
    assert re.search(rf"3 / \d+\s+{re.escape(sections[2].title.ja)}", count), count
    assert 'href="#all-pages"' in indicator
    first = next(q for q in sections[2].questions if not q.show_if)
    dom_id = "q-" + first.id.replace(".", "-")
    assert f'<a class="skip-link" href="#{dom_id}">質問へ移動</a>' in html
    # the questions come before the full list of pages and the summary
    assert html.index(f'id="{dom_id}"') < html.index('id="all-pages"')
    assert html.index(f'id="{dom_id}"') < html.index("data-last-saved")
    full_list = html[html.index('id="all-pages"') :]
    assert all(s.title.ja in full_list for s in sections if s.show_if is None)


def test_after_a_return_the_overview_counts_the_change_requests_and_says_fix(client, invite, db):
    path, assessment = invite("outsourcing")
    _fill_everything(client, path, assessment)
    current = Assessment.get_by_id(assessment.id)
    answer_service.submit(current, current.draft_revision, Actor.system())
    questionnaire = questionnaire_of(current)
    texts = [q for q in questionnaire.questions if q.type == "text" and not q.show_if][:3]
    assert len({q.section_id for q in texts}) >= 1
    review.return_to_vendor(
        Actor.system(),
        Assessment.get_by_id(assessment.id),
        "全体を見直してください。",
        {q.id: f"「{q.id}」を具体的に" for q in texts},
        links=invitations.LinkSettings("http://vendorcheck.test"),
    )
    html = client.get(path).get_data(as_text=True)
    assert "修正依頼 3 件" in html
    first_section = next(s for s in questionnaire.sections if s.id == texts[0].section_id)
    fix = re.search(r'<a class="button" href="([^"]+)">修正する</a>', html)
    assert fix and fix.group(1) == f"{path}s/{first_section.id}"
    assert "回答を始める" not in html
    for question in texts:
        assert f'#q-{question.id.replace(".", "-")}"' in html
    per_section = {}
    for question in texts:
        per_section[question.section_id] = per_section.get(question.section_id, 0) + 1
    section_html = client.get(f"{path}s/{first_section.id}").get_data(as_text=True)
    indicator = re.search(r'<nav class="portal-progress".*?</nav>', section_html, re.S).group(0)
    assert f"修正依頼 {per_section[first_section.id]} 件" in indicator
    assert "question--commented" in section_html


def test_before_any_return_the_overview_shows_no_change_requests(client, invite, db):
    path, _assessment = invite("outsourcing")
    html = client.get(path).get_data(as_text=True)
    assert "修正依頼" not in html and "回答を始める" in html


def test_known_facts_are_prefilled_editable_and_differences_shown_to_staff(
    client, invite, db, login_as
):
    path, assessment = invite("outsourcing", vendor_name="架空システム株式会社")
    vendor = Vendor.get_by_id(assessment.vendor_id)
    vendor.corporate_number, vendor.contact_name = NUMBER, "情報システム部 山田 花子"
    vendor.save()
    Case.update(department=home_department()).where(Case.id == assessment.case_id).execute()
    html = client.get(f"{path}s/company").get_data(as_text=True)
    assert _value_of(html, "q-company-name--answer") == "架空システム株式会社"
    assert _value_of(html, "q-company-corporate_number--answer") == NUMBER
    assert _value_of(html, "q-company-contact--answer") == "情報システム部 山田 花子"
    assert _value_of(html, "q-company-contact_email--answer") == "vendor@example.jp"
    assert "登録済みの情報" in html
    assert read_draft(Assessment.get_by_id(assessment.id)).answers == {}  # nothing stored on GET

    questionnaire = questionnaire_of(assessment)
    form = {
        **section_form(questionnaire, "company"),
        "q__company.name": ["架空システムズ株式会社"],
        "q__company.corporate_number": [NUMBER],
        "q__company.contact": ["情報システム部 山田 花子"],
        "q__company.contact_email": ["vendor@example.jp"],
    }
    assert _post_section(client, path, assessment, "company", form).status_code == 302
    saved = client.get(f"{path}s/company").get_data(as_text=True)
    assert _value_of(saved, "q-company-name--answer") == "架空システムズ株式会社"
    assert "登録済みの情報" not in saved

    login_as("officer")
    page = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    box = re.search(r'<div class="notice notice--warning known-changes".*?</div>', page, re.S)
    assert box, "the review page does not show the changed register facts"
    text = re.sub(r"<[^>]+>", "", box.group(0))
    assert "事業者の登録情報と異なる回答があります（1 件）" in text
    assert "架空システム株式会社" in text and "架空システムズ株式会社" in text
    assert text.index("架空システム株式会社") < text.index("架空システムズ株式会社")
    assert "法人番号" not in re.sub(r"事業者の登録情報.*?。", "", text, count=1)


def test_an_emptied_prefilled_field_stays_empty(client, invite, db):
    path, assessment = invite("outsourcing", vendor_name="架空システム株式会社")
    questionnaire = questionnaire_of(assessment)
    form = {**section_form(questionnaire, "company"), "q__company.address": [""]}
    Vendor.update(address="架空市本町1-1").where(Vendor.id == assessment.vendor_id).execute()
    _post_section(client, path, assessment, "company", form)
    html = client.get(f"{path}s/company").get_data(as_text=True)
    assert _value_of(html, "q-company-address--answer") == ""


def _date_question(questionnaire):
    question = next(q for q in questionnaire.questions if q.answer_type.holds_date)
    trigger = questionnaire.question(question.show_if.to_data()["question"])
    return question, trigger, question.show_if.to_data()["in"][0]


def test_date_inputs_read_in_japanese_and_accept_wareki_and_full_width(client, invite, db):
    path, assessment = invite("outsourcing")
    questionnaire = questionnaire_of(assessment)
    question, trigger, value = _date_question(questionnaire)
    dom_id = "q-" + question.id.replace(".", "-") + "--answer"
    html = client.get(f"{path}s/{question.section_id}").get_data(as_text=True)
    control = re.search(rf'<input id="{dom_id}"[^>]*>', html).group(0)
    assert 'type="text"' in control and 'type="date"' not in control
    assert 'placeholder="例: 2026-12-01 / 令和8年12月1日"' in control
    base = {**section_form(questionnaire, question.section_id), f"q__{trigger.id}": [value]}
    for typed, stored in (
        ("令和8年12月1日", "2026-12-01"),
        ("２０２７－０３－３１", "2027-03-31"),
        ("R9.4.1", "2027-04-01"),
    ):
        form = {**base, f"q__{question.id}": [typed]}
        response = _post_section(client, path, assessment, question.section_id, form)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert read_draft(Assessment.get_by_id(assessment.id)).answers[question.id] == stored
    shown = client.get(f"{path}s/{question.section_id}").get_data(as_text=True)
    assert _value_of(shown, dom_id) == "令和9年4月1日"
    for bad, message in (
        ("令和8年2月30日", "日付は 2025-04-01 または 令和7年4月1日 の形で入力してください。"),
        ("2026-02-30", "存在しない日付です。年月日を確認してください。"),
        ("あした" * 300, "日付は 2025-04-01 または 令和7年4月1日 の形で入力してください。"),
    ):
        form = {**base, f"q__{question.id}": [bad]}
        refused = _post_section(client, path, assessment, question.section_id, form)
        page = refused.get_data(as_text=True)
        assert refused.status_code == 400 and message in page
        assert _value_of(page, dom_id) == bad  # what was typed stays in the field


def test_file_control_is_a_button_like_label_for_a_visually_hidden_input(client, invite):
    path, assessment = invite("outsourcing")
    questionnaire = questionnaire_of(assessment)
    question = next(q for q in questionnaire.questions if q.type == "file" and not q.show_if)
    dom_id = "q-" + question.id.replace(".", "-")
    html = client.get(f"{path}s/{question.section_id}").get_data(as_text=True)
    assert f'<label class="file-control__button" for="{dom_id}--file"' in html
    assert (
        f'<span class="file-control__name" id="{dom_id}-file-name">選択されていません</span>'
        in html
    )
    assert "js/file_control.js" in html


def test_help_box_names_the_requesting_section_on_every_portal_page(client, invite, db, login_as):
    path, assessment = invite("outsourcing")
    department = home_department()
    Case.update(department=department).where(Case.id == assessment.case_id).execute()
    admin = login_as("admin")
    edit = f"/admin/departments/{department.id}"
    bad = client.post(
        edit,
        data={
            "csrf_token": csrf_token(client, edit),
            "name": department.name,
            "active": "y",
            "contact_name": "情報政策課 佐藤",
            "phone": "電話してください",
            "email": "johosys@example.lg.jp",
        },
    )
    assert bad.status_code == 400
    assert "電話番号は 03-1234-5678 のように数字とハイフンで入力してください。" in bad.get_data(
        as_text=True
    )
    saved = client.post(
        edit,
        data={
            "csrf_token": csrf_token(client, edit),
            "name": department.name,
            "active": "y",
            "contact_name": "情報政策課 佐藤",
            "phone": "０３－１２３４－５６７８",
            "email": "johosys@example.lg.jp",
        },
    )
    assert saved.status_code == 302
    stored = Department.get_by_id(department.id)
    assert (stored.contact_name, stored.phone, stored.email) == (
        "情報政策課 佐藤",
        "03-1234-5678",
        "johosys@example.lg.jp",
    )
    event = AuditEvent.select().where(AuditEvent.action == "department.update").get()
    assert "03-1234-5678" in event.after and event.actor_id == admin.id
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    section = questionnaire_of(assessment).sections[0]
    for page in (
        path,
        f"{path}s/{section.id}",
        f"{path}confirm",
        f"{path}answers/file",
        f"{path}checksheet/",
    ):
        html = client.get(page).get_data(as_text=True)
        box = re.search(r'<aside class="container portal-help".*?</aside>', html, re.S)
        assert box, f"no help box on {page}"
        text = box.group(0)
        assert "お問い合わせ先" in text and department.name in text
        assert "情報政策課 佐藤" in text and 'href="tel:03-1234-5678"' in text
        assert 'href="mailto:johosys@example.lg.jp"' in text


def test_help_box_falls_back_to_the_inviting_officer(client, db, make_staff, app):
    officer = make_staff("officer")
    officer.email = "tanto@example.lg.jp"
    officer.save()
    vendor = Vendor.create(name="補完株式会社", name_normalized="補完株式会社")
    case = Case.create(
        title="補完の案件",
        kind="outsourcing",
        classification_level="2",
        tier=2,
        department=home_department(),
    )
    link = invitations.invite(
        Actor("staff", officer.id, officer.display_name),
        case,
        [vendor.id],
        catalogue(app.config).for_kind("outsourcing")[0],
        deadline=None,
        language="ja",
        settings=invitations.LinkSettings("http://vendorcheck.test"),
    )[0]
    html = client.get(link.url.removeprefix("http://vendorcheck.test")).get_data(as_text=True)
    box = re.search(r'<aside class="container portal-help".*?</aside>', html, re.S).group(0)
    assert officer.display_name in box and 'href="mailto:tanto@example.lg.jp"' in box


def test_wrong_corporate_number_says_what_to_check(client, invite, db):
    path, assessment = invite("outsourcing")
    questionnaire = questionnaire_of(assessment)
    form = {**section_form(questionnaire, "company"), "q__company.corporate_number": ["1" * 13]}
    html = _post_section(client, path, assessment, "company", form).get_data(as_text=True)
    assert "法人番号が正しくありません。13桁の番号をご確認ください。" in html
    assert "チェックディジット" not in html


def test_english_portal_shows_the_deadline_with_its_wareki_not_iso(client, invite, db):
    path, assessment = invite("outsourcing", language="en")
    Assessment.update(deadline=dt.date(2026, 12, 1)).where(Assessment.id == assessment.id).execute()
    html = client.get(path).get_data(as_text=True)
    assert "令和8年12月1日 (1 December 2026)" in html and "2026-12-01" not in html
