"""One way to say "not found": an id that addresses nothing is the one Japanese 404 page (the
portal's own look under a vendor link, a message and status 1 in the CLI); a choice on a form
that is no longer there is said on the form's page."""

from __future__ import annotations

import pytest

from tests.checksheet_filling import fill
from tests.conftest import csrf_token
from tests.services.test_judgement import Build
from tests.web.test_annexes import make_assessment
from tests.web.test_checksheet_round_trip import _confirm, _download, _upload
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    ConflictResolution,
    Remediation,
    ReviewComment,
    ReviewScore,
)

ERROR_PAGE = "エラーコード: 404"


@pytest.fixture
def officer(login_as, db):
    return login_as("officer")


def _post(client, page: str, target: str, /, **data):
    return client.post(target, data={"csrf_token": csrf_token(client, page), **data})


def _is_the_404_page(response, message: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 404, html[:500]
    assert message in html and ERROR_PAGE in html and "トップページへ戻る" in html
    assert "Not Found" not in html and "requested URL" not in html  # not werkzeug's own page


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("review", {"question_id": "no.such.question", "score": "0.5", "reason": "理由"}),
        ("review/clear", {"question_id": "no.such.question"}),
        (
            "remediations",
            {"question_id": "no.such.question", "action": "是正", "due_on": "2099-03-31"},
        ),
    ],
)
def test_a_scorecard_form_naming_an_unknown_question_gives_the_japanese_404(
    client, officer, path, data
):
    assessment = Build(officer)()
    page = f"/assessments/{assessment.id}/scorecard"
    response = _post(client, page, f"{page}/{path}", **data)
    _is_the_404_page(response, "指定された質問はこの確認書にありません。")
    assert ReviewScore.select().count() == 0 and Remediation.select().count() == 0


def test_an_unknown_remediation_and_a_comment_on_an_unknown_question_give_the_404(client, officer):
    assessment = Build(officer)()
    page = f"/assessments/{assessment.id}/scorecard"
    step = _post(client, page, f"{page}/remediations/424242/accept")
    _is_the_404_page(step, "指定された是正措置が見つかりません。")
    comment = _post(
        client,
        f"/assessments/{assessment.id}",
        f"/assessments/{assessment.id}/comments",
        question_id="no.such.question",
        body="確認してください",
    )
    _is_the_404_page(comment, "コメントする質問が見つかりません。")
    assert ReviewComment.select().count() == 0


def test_the_json_caller_gets_the_message_as_json(client, officer):
    response = client.get("/assessments/424242/scorecard", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {
        "ok": False,
        "message": "回答（アセスメント）ID 424242 は見つかりません。",
    }


def test_admin_pages_of_an_unknown_staff_member_or_department_are_the_404(client, login_as):
    login_as("admin")
    _is_the_404_page(client.get("/admin/staff/424242"), "指定された職員は登録されていません。")
    _is_the_404_page(
        client.get("/admin/departments/424242"), "指定された部局は登録されていません。"
    )


def test_an_unknown_register_export_format_is_the_japanese_404(client, officer):
    _is_the_404_page(
        client.get("/registers/export.pdf"),
        "この形式では台帳を出力できません。Word・CSV・Excel のいずれかを選んでください。",
    )


@pytest.mark.parametrize(
    "path", ["/official-accounts", "/official-accounts.json", "/official-accounts.csv"]
)
def test_the_official_accounts_switched_off_are_the_japanese_404(app, client, db, path):
    app.config["OFFICIAL_ACCOUNTS_PUBLIC"] = False
    _is_the_404_page(client.get(path), "公式アカウントの一覧は公開していません。")


def test_resetting_the_password_of_an_account_the_list_does_not_have_is_said_on_the_list(
    client, login_as
):
    login_as("admin")
    response = _post(client, "/admin/staff", "/admin/staff/424242/reset-password")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/staff")
    listing = client.get("/admin/staff").get_data(as_text=True)
    assert "パスワードを再発行する職員が一覧にありません。" in listing
    assert not AuditEvent.select().where(AuditEvent.action == "staff.password_reset").exists()


def test_a_conflict_the_answers_no_longer_raise_is_said_on_the_annex_page(app, client, officer):
    assessment = make_assessment(app, "system", overrides={"contract.damages": "cap_low"})
    page = f"/assessments/{assessment.id}/annex"
    response = _post(
        client,
        page,
        f"{page}/conflicts",
        key="no.such.conflict",
        decision="accept",
        reason="理由",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and ERROR_PAGE not in html
    assert "この契約上の相違は見つかりません（回答が変わった可能性があります）。" in html
    assert "損害賠償の範囲" in html  # the annex page with its open conflict
    assert ConflictResolution.select().count() == 0


def test_a_checksheet_confirmed_twice_is_said_on_its_page_and_another_id_is_the_portal_404(
    client, invite, db
):
    path, assessment = invite("cloud")
    html = _upload(
        client, path, fill(_download(client, path), questionnaire_of(assessment))
    ).get_data(as_text=True)
    assert _confirm(client, path, html).status_code == 302
    again = _confirm(client, path, html)
    body = again.get_data(as_text=True)
    assert again.status_code == 409 and "このチェックシートの回答はすでに保存されています。" in body
    assert Assessment.get_by_id(assessment.id).draft_revision == 1
    other = _post(client, f"{path}checksheet/", f"{path}checksheet/424242/confirm", revision="1")
    text = other.get_data(as_text=True)
    assert other.status_code == 404 and "確認待ちのチェックシートが見つかりません" in text
    assert "リンクが正しくありません" in text and "トップページへ戻る" not in text  # portal look


def test_an_unknown_portal_section_is_the_portal_404(client, invite, db):
    path, _ = invite("cloud")
    response = client.get(f"{path}s/no-such-section")
    text = response.get_data(as_text=True)
    assert response.status_code == 404 and "指定されたページ（セクション）はありません。" in text
    assert "リンクが正しくありません" in text


def test_the_cli_says_not_found_in_japanese_with_status_1(runner, db):
    result = runner.invoke(args=["register", "show", "424242"])
    assert result.exit_code == 1
    assert "指定された台帳の項目は登録されていません。" in result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
