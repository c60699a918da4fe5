"""Vendors (事業者): register, validate, search by name or 法人番号, certifications, roles."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import csrf_token
from vendorcheck.domain.jp import corporate_number_check_digit, to_full_width_digits
from vendorcheck.services.audit import Actor
from vendorcheck.services.vendors import create_vendor
from vendorcheck.store.models import AuditEvent, Vendor, VendorCertification

SYSTEM = Actor.system("test")


def corporate_number(base12: str) -> str:
    return f"{corporate_number_check_digit(base12)}{base12}"


NUMBER = corporate_number("010001008844")
OTHER_NUMBER = corporate_number("012345678901")


def vendor_form(**overrides) -> dict[str, str]:
    data = {
        "name": "株式会社テストシステムズ",
        "corporate_number": "",
        "address": "東京都千代田区霞が関1-1-1",
        "contact_name": "山田 花子",
        "contact_email": "hanako@example.jp",
        "website": "https://example.jp/",
    }
    data.update(overrides)
    return data


def post_vendor(client, path: str = "/vendors/new", **overrides):
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, **vendor_form(**overrides)})


def test_officer_registers_a_vendor_with_a_full_width_corporate_number(client, login_as, db):
    login_as("officer")
    assert client.get("/vendors/new").status_code == 200
    typed = to_full_width_digits(f"{NUMBER[:1]}-{NUMBER[1:5]}-{NUMBER[5:9]}-{NUMBER[9:]}")
    response = post_vendor(client, name="ＡＢＣ　システム株式会社", corporate_number=typed)
    assert response.status_code == 302
    vendor = Vendor.get()
    assert response.headers["Location"] == f"/vendors/{vendor.id}"
    assert vendor.corporate_number == NUMBER  # 13 half-width digits
    assert vendor.name_normalized == "abc システム株式会社"
    event = AuditEvent.get(AuditEvent.action == "vendor.create")
    assert event.object_id == str(vendor.id) and NUMBER in event.after
    page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert NUMBER in page and "hanako@example.jp" in page and "登録しました" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": " "}, "事業者名を入力してください。"),
        ({"name": "名" * 201}, "事業者名は200文字以内で入力してください。"),
        (
            {"corporate_number": NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)},
            "法人番号が正しくありません。13桁の番号をご確認ください。",
        ),
        ({"corporate_number": "12345"}, "法人番号は13桁の数字で入力してください。"),
        ({"corporate_number": "abcdefghijklm"}, "法人番号は13桁の数字で入力してください。"),
        ({"contact_email": "hanako.example.jp"}, "name@example.jp の形式で入力してください"),
        ({"contact_email": "a b@example.jp"}, "name@example.jp の形式で入力してください"),
        ({"website": "example.jp"}, "http:// または https:// で始まるアドレス"),
        ({"website": "javascript:alert(1)"}, "http:// または https:// で始まるアドレス"),
        ({"website": "ftp://example.jp/"}, "http:// または https:// で始まるアドレス"),
    ],
)
def test_bad_vendor_input_is_refused_with_the_input_kept(client, login_as, db, overrides, message):
    login_as("officer")
    response = post_vendor(client, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert 'value="東京都千代田区霞が関1-1-1"' in html
    assert Vendor.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.object_type == "vendor").count() == 0


def test_duplicate_corporate_number_is_refused_on_create_and_edit(client, login_as, db):
    existing = create_vendor(SYSTEM, name="先に登録した株式会社", corporate_number=NUMBER)
    other = create_vendor(SYSTEM, name="別の株式会社", corporate_number=OTHER_NUMBER)
    login_as("officer")
    spaced = f"{NUMBER[:4]} {NUMBER[4:8]} {NUMBER[8:]}"
    response = post_vendor(client, name="後から登録する株式会社", corporate_number=spaced)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "既に「先に登録した株式会社」として登録" in html
    assert Vendor.select().count() == 2
    edit = post_vendor(
        client, f"/vendors/{other.id}/edit", name="別の株式会社", corporate_number=NUMBER
    )
    assert edit.status_code == 400 and "先に登録した株式会社" in edit.get_data(as_text=True)
    assert Vendor.get_by_id(other.id).corporate_number == OTHER_NUMBER
    same = post_vendor(
        client, f"/vendors/{existing.id}/edit", name="先に登録した株式会社", corporate_number=NUMBER
    )
    assert same.status_code == 302  # keeping its own number is not a clash


def test_edit_is_audited_and_renormalises_the_name(client, login_as, db):
    vendor = create_vendor(SYSTEM, name="旧名株式会社")
    login_as("officer")
    form = client.get(f"/vendors/{vendor.id}/edit").get_data(as_text=True)
    assert 'value="旧名株式会社"' in form
    response = post_vendor(client, f"/vendors/{vendor.id}/edit", name="ｼﾝﾒｲ株式会社")
    assert response.status_code == 302
    changed = Vendor.get_by_id(vendor.id)
    assert changed.name == "ｼﾝﾒｲ株式会社" and changed.name_normalized == "シンメイ株式会社"
    event = AuditEvent.get(AuditEvent.action == "vendor.update")
    assert "旧名株式会社" in event.before and "ｼﾝﾒｲ株式会社" in event.after
    post_vendor(client, f"/vendors/{vendor.id}/edit", name="ｼﾝﾒｲ株式会社")  # no change
    assert AuditEvent.select().where(AuditEvent.action == "vendor.update").count() == 1


def test_search_ignores_width_and_case_and_finds_corporate_numbers(client, login_as, db):
    create_vendor(SYSTEM, name="株式会社エービーシー", corporate_number=NUMBER)
    create_vendor(SYSTEM, name="ＸＹＺ Cloud 合同会社")
    create_vendor(SYSTEM, name="100% 株式会社")
    login_as("viewer")

    def found(q: str) -> set[str]:
        html = client.get("/vendors/", query_string={"q": q}).get_data(as_text=True)
        table = html.split("<tbody>")[1] if "<tbody>" in html else ""
        names = ("株式会社エービーシー", "ＸＹＺ Cloud 合同会社", "100% 株式会社")
        return {name for name in names if name in table}

    assert found("") == {"株式会社エービーシー", "ＸＹＺ Cloud 合同会社", "100% 株式会社"}
    assert found("ｴｰﾋﾞｰｼｰ") == {"株式会社エービーシー"}  # half-width katakana
    assert found("xyz cloud") == {"ＸＹＺ Cloud 合同会社"}  # full-width alphanumerics stored
    assert found("ｘｙｚ") == {"ＸＹＺ Cloud 合同会社"}  # full-width typed
    assert found(NUMBER) == {"株式会社エービーシー"}
    assert found(to_full_width_digits(NUMBER[:6])) == {"株式会社エービーシー"}
    assert found("%") == {"100% 株式会社"}  # LIKE wildcards are literal
    assert found("存在しない") == set()
    assert "該当する事業者はありません" in client.get("/vendors/?q=存在しない").get_data(
        as_text=True
    )


def test_certifications_are_added_removed_audited_and_expiry_highlighted(
    client, login_as, db, today
):
    vendor = create_vendor(SYSTEM, name="認証株式会社")
    login_as("officer")
    path = f"/vendors/{vendor.id}"
    token = csrf_token(client, path)
    for kind, number, expires in (
        ("isms", "IS 000001", today - dt.timedelta(days=1)),
        ("pmark", "10000001(01)", today + dt.timedelta(days=30)),
        ("ismap", "C0000001", today + dt.timedelta(days=400)),
    ):
        response = client.post(
            f"{path}/certifications",
            data={
                "csrf_token": token,
                "kind": kind,
                "number": number,
                "scope": "本社",
                "expires_on": expires.isoformat(),
            },
        )
        assert response.status_code == 302
    html = client.get(path).get_data(as_text=True)
    rows = {row.split("</td>")[0]: row for row in html.split("<tr>\n    <td>")[1:]}
    assert "期限切れ" in rows["ISMS（ISO/IEC 27001）"]
    assert "90日以内に期限" in rows["プライバシーマーク"]
    assert "期限切れ" not in rows["ISMAP"] and "90日以内" not in rows["ISMAP"]
    assert AuditEvent.select().where(AuditEvent.action == "vendor.certification_add").count() == 3
    isms = VendorCertification.get(VendorCertification.kind == "isms")
    response = client.post(f"{path}/certifications/{isms.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert VendorCertification.select().count() == 2
    event = AuditEvent.get(AuditEvent.action == "vendor.certification_remove")
    assert "IS 000001" in event.before
    missing = client.post(f"{path}/certifications/{isms.id}/remove", data={"csrf_token": token})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "bogus"}, "選択"),
        ({"kind": "isms", "expires_on": "2025-02-30"}, "有効期限は 2025-04-01 のように"),
        ({"kind": "isms", "number": "9" * 101}, "登録番号は100文字以内で入力してください。"),
    ],
)
def test_bad_certification_input_re_renders_the_vendor_page_with_400(
    client, login_as, db, data, message
):
    vendor = create_vendor(SYSTEM, name="認証株式会社")
    login_as("officer")
    token = csrf_token(client, f"/vendors/{vendor.id}")
    response = client.post(
        f"/vendors/{vendor.id}/certifications",
        data={"csrf_token": token, "scope": "保持される範囲", **data},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and "保持される範囲" in html
    assert VendorCertification.select().count() == 0


def test_viewer_reads_vendors_but_cannot_change_them(client, login_as, db):
    vendor = create_vendor(SYSTEM, name="閲覧株式会社")
    certification = VendorCertification.create(vendor=vendor, kind="isms")
    login_as("viewer")
    assert client.get("/vendors/").status_code == 200
    page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert "閲覧株式会社" in page and "認証を追加する" not in page and "編集する" not in page
    assert client.get("/vendors/new").status_code == 403
    assert client.get(f"/vendors/{vendor.id}/edit").status_code == 403
    token = csrf_token(client, "/vendors/")
    events = AuditEvent.select().count()
    for path, data in (
        ("/vendors/new", vendor_form(name="不正登録")),
        (f"/vendors/{vendor.id}/edit", vendor_form(name="不正変更")),
        (f"/vendors/{vendor.id}/certifications", {"kind": "pmark"}),
        (f"/vendors/{vendor.id}/certifications/{certification.id}/remove", {}),
    ):
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    assert [v.name for v in Vendor.select()] == ["閲覧株式会社"]
    assert VendorCertification.select().count() == 1
    assert AuditEvent.select().count() == events


def test_unknown_vendor_is_404(client, login_as):
    login_as("officer")
    token = csrf_token(client, "/vendors/")
    assert client.get("/vendors/4242").status_code == 404
    assert client.get("/vendors/4242/edit").status_code == 404
    response = client.post("/vendors/4242/certifications", data={"csrf_token": token})
    assert response.status_code == 404


def test_html_in_vendor_fields_is_escaped_on_every_vendor_page(client, login_as, db):
    evil = '<script>alert("x")</script>'
    vendor = create_vendor(SYSTEM, name=evil, contact_name=evil, address=evil)
    VendorCertification.create(vendor=vendor, kind="other", number=evil, scope=evil)
    login_as("officer")
    for path in (
        "/vendors/",
        "/vendors/?q=script",
        f"/vendors/{vendor.id}",
        f"/vendors/{vendor.id}/edit",
    ):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html, path
        assert "&lt;script&gt;" in html, path
    response = post_vendor(client, name=evil, website="javascript:alert(1)")
    assert response.status_code == 400 and "<script>" not in response.get_data(as_text=True)
