"""A returned application resubmitted keeps every submitted version frozen, and the approver
sees what changed since the version before; the people history and the versions are
append-only in the database itself (UPDATE and DELETE refused by triggers)."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import DatabaseError

from tests.answering import section_form
from tests.conftest import csrf_token
from tests.registers_entries import make_entry
from tests.registers_helpers import (
    answer_self_check,
    apply_for_sns,
    as_user,
    decide,
    staff_of,
    submit_application,
)
from vendorcheck.domain import registers as reg
from vendorcheck.services import self_checks
from vendorcheck.store.models import ApplicationVersion, RegisterPerson, UseApplication


def _edit_entry(client, entry_id: int, **changes) -> None:
    page = f"/registers/{entry_id}/edit"
    token = csrf_token(client, page)
    entry = UseApplication.select().where(UseApplication.entry == entry_id).get().entry
    values = {
        "name": entry.name,
        "provider_name": entry.provider_name,
        "url": entry.url,
        "purpose": entry.purpose,
        "classification_level": entry.classification_level,
        "platform": entry.platform,
        "account_name": entry.account_name,
        "account_handle": entry.account_handle,
        "audience": entry.audience,
        "content": entry.content,
        "posters": entry.posters,
        "response_hours": entry.response_hours,
        "official_page_url": entry.official_page_url,
        "mfa_enabled": "1" if entry.mfa_enabled else "",
        "start_date": entry.start_date.isoformat() if entry.start_date else "",
        "next_review_on": entry.next_review_on.isoformat() if entry.next_review_on else "",
        **changes,
    }
    response = client.post(page, data={"csrf_token": token, **values})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _change_answer(client, application_id: int, question_id: str, value: str) -> None:
    application = UseApplication.get_by_id(application_id)
    questionnaire = self_checks.questionnaire_of(application)
    section_id = questionnaire.question(question_id).section_id
    form = {**section_form(questionnaire, section_id), f"q__{question_id}": value}
    token = csrf_token(client, f"/applications/{application_id}/s/{section_id}")
    response = client.post(
        f"/applications/{application_id}/s/{section_id}",
        data={
            **form,
            "csrf_token": token,
            "revision": str(application.draft_revision),
            "action": "save",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_resubmission_keeps_both_versions_and_shows_the_changes(client, make_staff, db):
    officer = staff_of(make_staff, "officer", display_name="高橋 真理")
    ciso = staff_of(make_staff, "ciso", display_name="佐藤 修一")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id)
    answer_self_check(client, application_id)
    assert submit_application(client, application_id).status_code == 302
    first = ApplicationVersion.get(ApplicationVersion.version == 1)
    assert "平日 8時30分〜17時15分" in first.fields and "高橋 真理" in first.responsible
    assert first.submitted_by_id == officer.id

    as_user(client, ciso)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "第1版からの変更" not in page and "申請内容（第1版）" in page
    decide(client, application_id, "return", "休日の対応と目的を具体的に書いてください。")

    as_user(client, officer)
    entry_id = UseApplication.get_by_id(application_id).entry_id
    _edit_entry(client, entry_id, response_hours="毎日 8時〜20時（休日は当番職員）")
    _change_answer(client, application_id, "account.purpose", "災害時の避難情報の即時発信")
    assert submit_application(client, application_id).status_code == 302

    versions = list(ApplicationVersion.select().order_by(ApplicationVersion.version))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].fields == first.fields and versions[0].answers == first.answers
    assert "毎日 8時〜20時" in versions[1].fields

    as_user(client, ciso)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "第1版からの変更（第2版）" in page
    changed = page.split('id="changes-title"')[1].split("</section>")[0]
    assert "対応時間" in changed and "平日 8時30分〜17時15分" in changed
    assert "毎日 8時〜20時(休日は当番職員)" in changed  # stored NFKC-normalised
    assert "災害時の避難情報の即時発信" in changed
    assert changed.count("data-change") == 2
    assert "第2版" in page and "第1版" in page.split('id="versions"')[1]
    assert decide(client, application_id, "approve", "修正を確認した").status_code == 302
    assert UseApplication.get_by_id(application_id).status == reg.DECIDED_APPROVED


def test_resubmitted_unchanged_says_so(client, make_staff, db):
    officer = staff_of(make_staff, "officer")
    ciso = staff_of(make_staff, "ciso")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id)
    answer_self_check(client, application_id)
    submit_application(client, application_id)
    as_user(client, ciso)
    decide(client, application_id, "return", "確認のため差し戻します。")
    as_user(client, officer)
    submit_application(client, application_id)
    as_user(client, ciso)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "前の版から変わった項目はありません" in page


def test_submitted_versions_refuse_update_and_delete(client, make_staff, db):
    officer = staff_of(make_staff, "officer")
    as_user(client, officer)
    application_id = apply_for_sns(client, officer.id)
    answer_self_check(client, application_id)
    submit_application(client, application_id)
    version = ApplicationVersion.get()
    with pytest.raises(DatabaseError), db.atomic():
        ApplicationVersion.update(answers="{}").where(ApplicationVersion.id == version.id).execute()
    with pytest.raises(DatabaseError), db.atomic():
        ApplicationVersion.delete().where(ApplicationVersion.id == version.id).execute()
    assert ApplicationVersion.get_by_id(version.id).answers == version.answers


def test_people_history_rows_refuse_update_and_delete(db):
    entry = make_entry(responsible="高橋 真理")
    row = RegisterPerson.get(RegisterPerson.entry == entry)
    with pytest.raises(DatabaseError), db.atomic():
        RegisterPerson.update(name="書き換え").where(RegisterPerson.id == row.id).execute()
    with pytest.raises(DatabaseError), db.atomic():
        RegisterPerson.update(effective_from=dt.date(2000, 1, 1)).where(
            RegisterPerson.id == row.id
        ).execute()
    with pytest.raises(DatabaseError), db.atomic():
        RegisterPerson.delete().where(RegisterPerson.id == row.id).execute()
    with pytest.raises(DatabaseError), db.atomic():
        db.execute_sql("UPDATE register_person SET reason = 'x'")
    kept = RegisterPerson.get_by_id(row.id)
    assert (kept.name, kept.effective_from) == ("高橋 真理", row.effective_from)
