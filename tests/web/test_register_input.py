"""Wrong, hostile and oversized input on the register pages: a Japanese message beside the
field, the input kept, nothing written; retirement needs its confirmations and evidence."""

from __future__ import annotations

import io

import pytest

from tests.answering import TINY_PDF
from tests.conftest import csrf_token
from tests.registers_entries import make_entry
from tests.registers_helpers import SNS_FIELDS, as_user, department_id, staff_of
from vendorcheck.domain import registers as reg
from vendorcheck.store.models import RegisterEntry, RetirementEvidence, UseApplication


@pytest.fixture
def officer(client, make_staff):
    staff = staff_of(make_staff, "officer", display_name="高橋 真理")
    as_user(client, staff)
    return staff


def _apply(client, officer, kind="sns", **changes):
    data = {
        **SNS_FIELDS,
        "department_id": str(department_id()),
        "staff_id": str(officer.id),
        "csrf_token": csrf_token(client, f"/applications/new?kind={kind}"),
        **changes,
    }
    return client.post(f"/applications/new?kind={kind}", data=data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "名称を入力してください"),
        ({"url": "javascript:alert(1)"}, "http:// 又は https://"),
        ({"classification_level": "2"}, "公開情報だけです。分類は機密性1"),
        ({"purpose": "あ" * 2001}, "2000文字以内"),
        ({"start_date": "令和8年2月30日"}, "令和8年4月1日 の形"),
        ({"platform": "myspace"}, "一覧から選んでください"),
        ({"staff_id": "", "person_name": ""}, "責任者は必ず登録"),
        ({"staff_id": "", "person_name": "外部 太郎", "person_department": ""}, "所属も入力"),
        ({"classification_level": "機密性9"}, "一覧から選んでください"),
    ],
)
def test_a_wrong_application_is_refused_with_its_input_kept(client, officer, changes, message):
    response = _apply(client, officer, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "防災情報・避難情報の発信" in html or "purpose" in changes  # what was typed stays
    assert UseApplication.select().count() == 0 and RegisterEntry.select().count() == 0


def test_script_in_fields_is_escaped_on_every_register_page(client, officer):
    evil = '<script>alert("x")</script>'
    response = _apply(client, officer, name=evil, purpose=evil, notes=evil)
    assert response.status_code == 302
    entry, application = RegisterEntry.get(), UseApplication.get()
    for path in ("/registers/", f"/registers/{entry.id}", f"/applications/{application.id}", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html


def test_a_light_service_for_confidential_information_is_sent_to_a_vetting_case(client, officer):
    response = _apply(client, officer, kind="cloud_light", classification_level="2")
    assert (
        response.status_code == 400
        and "承認済みの確認結果を選んでください" in response.get_data(as_text=True)
    )


def test_retirement_needs_both_confirmations_and_evidence_and_leaves_the_public_list(
    client, officer, db
):
    entry = make_entry(name="閉鎖する公式 X")
    assert client.get("/official-accounts.json").get_json()["accounts"]
    url = f"/registers/{entry.id}/retire"
    token = csrf_token(client, url)
    missing = client.post(url, data={"csrf_token": token, "disposed": "1", "note": "削除済み"})
    assert missing.status_code == 400 and "両方を確認" in missing.get_data(as_text=True)
    no_file = client.post(
        url, data={"csrf_token": token, "disposed": "1", "accounts_deleted": "1", "note": "削除"}
    )
    assert no_file.status_code == 400 and "証跡のファイル" in no_file.get_data(as_text=True)
    fake = client.post(
        url,
        data={
            "csrf_token": token,
            "disposed": "1",
            "accounts_deleted": "1",
            "note": "令和8年12月1日にアカウントを削除した。",
            "evidence": (io.BytesIO(b"MZ\x90\x00not a pdf"), "proof.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert fake.status_code == 400 and RegisterEntry.get_by_id(entry.id).status == reg.ACTIVE
    done = client.post(
        url,
        data={
            "csrf_token": token,
            "disposed": "1",
            "accounts_deleted": "1",
            "note": "令和8年12月1日にアカウントを削除した。",
            "evidence": (io.BytesIO(TINY_PDF), "削除完了.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    retired = RegisterEntry.get_by_id(entry.id)
    assert retired.status == reg.RETIRED and retired.retired_on is not None
    assert RetirementEvidence.select().count() == 1
    assert client.get("/official-accounts.json").get_json()["accounts"] == []
    proof = RetirementEvidence.get()
    download = client.get(f"/registers/{entry.id}/retirement/{proof.id}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    edit = client.post(
        f"/registers/{entry.id}/edit", data={"csrf_token": token, "name": "名前を変える"}
    )
    assert edit.status_code == 400 and "廃止した項目は変更できません" in edit.get_data(as_text=True)


def test_the_public_pages_can_be_switched_off(app, client, db):
    app.config["OFFICIAL_ACCOUNTS_PUBLIC"] = False
    for path in ("/official-accounts", "/official-accounts.json", "/official-accounts.csv"):
        assert client.get(path).status_code == 404


def test_the_public_list_never_shows_people_notes_or_other_entries(client, db):
    make_entry(
        account_name="公開する公式 X", notes="内部メモ: パスワードは金庫", responsible="高橋 真理"
    )
    make_entry(account_name="休止中の公式 LINE", status=reg.SUSPENDED)
    make_entry(name="非公開の会議サービス", entry_type=reg.SERVICE)
    for path in ("/official-accounts", "/official-accounts.json", "/official-accounts.csv"):
        body = client.get(path).get_data().decode("utf-8-sig")
        assert "公開する公式 X" in body
        for hidden in ("内部メモ", "高橋", "休止中", "非公開の会議サービス"):
            assert hidden not in body, (path, hidden)
