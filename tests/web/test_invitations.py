"""Inviting vendors from a case: links shown once, mails queued, reissue and revoke, roles."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import csrf_token
from tests.web.test_cases import invite, make_case, post_case
from vendorcheck.services import invitations
from vendorcheck.services.audit import Actor
from vendorcheck.services.errors import ServiceError
from vendorcheck.services.mail import SmtpSettings, deliver_pending
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.services.vendors import create_vendor
from vendorcheck.store.models import AccessToken, Assessment, AuditEvent, Case, MailMessage

SYSTEM = Actor.system("test")
SETTINGS = invitations.LinkSettings(base_url="http://vendorcheck.test")
LINK = re.compile(r"http://vendorcheck\.test/p/([A-Za-z0-9_-]+)/")


@pytest.fixture
def case(db):
    return make_case(title="文書管理システム保守", kind="system")


@pytest.fixture
def mailed(db):
    return create_vendor(SYSTEM, name="メール株式会社", contact_email="contact@mail.example.jp")


@pytest.fixture
def unmailed(db):
    return create_vendor(SYSTEM, name="連絡先なし合同会社")


def post_invite(client, case, **data):
    path = f"/cases/{case.id}/invite"
    token = csrf_token(client, path)
    form = {"questionnaire_id": "system", "deadline": "", "language": "ja", **data}
    return client.post(path, data={"csrf_token": token, **form})


def tokens_in(html: str) -> list[str]:
    return LINK.findall(html)


def test_invite_page_defaults_to_the_first_questionnaire_and_the_case_deadline(
    client, login_as, case, mailed, unmailed
):
    login_as("officer")
    html = client.get(f"/cases/{case.id}/invite").get_data(as_text=True)
    assert re.search(r'<option selected value="system">|<option value="system" selected', html)
    assert f'value="{case.answer_deadline.isoformat()}"' in html
    assert re.search(r'<option selected value="ja">|<option value="ja" selected', html)
    assert "メール株式会社" in html and "連絡先なし合同会社（メールアドレス未登録）" in html
    for vendor in (mailed, unmailed):
        checkbox = re.search(rf'<input[^>]*value="{vendor.id}"[^>]*>', html).group(0)
        assert 'type="checkbox"' in checkbox and 'name="vendor_ids"' in checkbox
    assert "outsourcing" not in html  # only questionnaires of the case's kind are offered


def test_inviting_shows_each_link_once_and_queues_mail_with_a_hashed_token(
    client, login_as, case, mailed, unmailed, db, today
):
    login_as("officer")
    deadline = (today + dt.timedelta(days=20)).isoformat()
    response = post_invite(client, case, vendor_ids=[mailed.id, unmailed.id], deadline=deadline)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "このリンクはこの画面でだけ表示されます" in html
    links = tokens_in(html)
    assert len(links) == 2 and len(set(links)) == 2
    assert "送信待ちに登録しました（宛先: contact@mail.example.jp）" in html
    assert "メールアドレスが登録されていないため、送信しません" in html
    assessments = {a.vendor_id: a for a in Assessment.select().where(Assessment.case == case.id)}
    assert set(assessments) == {mailed.id, unmailed.id}
    assert all(a.deadline == today + dt.timedelta(days=20) for a in assessments.values())
    stored = {t.token_hash for t in AccessToken.select()}
    assert {invitations.hash_token(t) for t in links} == stored
    mail = MailMessage.get()  # only the vendor with an address gets mail
    assert mail.to_address == "contact@mail.example.jp" and "文書管理システム保守" in mail.subject
    mailed_token = tokens_in(mail.body)[0]
    token_row = AccessToken.get(AccessToken.token_hash == invitations.hash_token(mailed_token))
    assert token_row.assessment_id == assessments[mailed.id].id
    for token in links:  # the token itself is stored nowhere but in the outgoing mail
        assert not AccessToken.select().where(AccessToken.token_hash == token).exists()
        assert (
            not AuditEvent.select()
            .where(AuditEvent.after.contains(token) | AuditEvent.summary.contains(token))
            .exists()
        )
    assert AuditEvent.select().where(AuditEvent.action == "assessment.invite").count() == 2
    detail = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert not tokens_in(detail) and all(token not in detail for token in links)
    version = Assessment.select().first().snapshot.version
    assert (
        f"（第{version}版）" in detail
        and "<code>system</code>" not in detail
        and "招待済み" in detail
        and "有効（" in detail
    )
    assert (
        invitations.resolve_link(mailed_token, "127.0.0.1", SETTINGS).id == token_row.assessment_id
    )


def test_invitation_mail_reaches_a_real_smtp_server_with_the_link(
    app, client, login_as, case, mailed, smtp_server
):
    login_as("officer")
    html = post_invite(client, case, vendor_ids=[mailed.id]).get_data(as_text=True)
    token = tokens_in(html)[0]
    settings = SmtpSettings(
        smtp_server.host, smtp_server.port, "none", "", "", "noreply@city.example.jp", 10, 3
    )
    deliver_pending(settings)
    (message,) = smtp_server.messages
    assert message["to"] == ["contact@mail.example.jp"]
    body = message["message"].get_body(preferencelist=("plain",)).get_content()
    assert f"http://vendorcheck.test/p/{token}/" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "招待する事業者を1社以上選んでください。"),
        ({"deadline": "2000-01-01"}, "回答期限には今日以降の日付を入力してください。"),
        ({"deadline": "2030-13-40"}, "回答期限は 2025-04-01 のように"),
        ({"questionnaire_id": "outsourcing"}, "確認書を一覧から選択してください。"),
        ({"questionnaire_id": "nope"}, "確認書を一覧から選択してください。"),
        ({"language": "fr"}, "回答の言語を選んでください。"),
        ({"vendor_ids": ["99999"]}, "選ばれた事業者が見つかりません。"),
        ({"vendor_ids": ["abc"]}, "選ばれた事業者が見つかりません。"),
    ],
)
def test_bad_invitations_are_refused_and_write_nothing(
    client, login_as, case, mailed, data, message
):
    login_as("officer")
    form = {"vendor_ids": [mailed.id], **data} if data else {}  # {}: no vendor chosen
    response = post_invite(client, case, **form)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert Assessment.select().count() == 0 and AccessToken.select().count() == 0
    assert MailMessage.select().count() == 0


def test_the_same_vendor_cannot_be_invited_twice(app, client, login_as, case, mailed, unmailed):
    invite(app, case, mailed)
    login_as("officer")
    page = client.get(f"/cases/{case.id}/invite").get_data(as_text=True)
    vendor_id = mailed.id
    assert re.search(rf'disabled[^>]*value="{vendor_id}"|value="{vendor_id}"[^>]*disabled', page)
    assert "メール株式会社（この案件に招待済み）" in page
    response = post_invite(client, case, vendor_ids=[unmailed.id, mailed.id])
    assert response.status_code == 400
    assert "メール株式会社 はこの案件に招待済みです。" in response.get_data(as_text=True)
    assert Assessment.select().count() == 1  # the other vendor was not invited either


def test_reissue_makes_the_old_link_gone_and_shows_the_new_one_once(
    app, client, login_as, case, mailed
):
    (old,) = invite(app, case, mailed)
    old_token = LINK.search(old.url).group(1)
    login_as("officer")
    path = f"/cases/{case.id}"
    token = csrf_token(client, path)
    response = client.post(
        f"{path}/assessments/{old.assessment.id}/reissue", data={"csrf_token": token}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "リンクを再発行しました" in html
    assert (
        "このリンクはこの画面でだけ表示されます" in html
        and "以前のリンクは使えなくなりました" in html
    )
    (new_token,) = tokens_in(html)
    with pytest.raises(invitations.LinkGone):
        invitations.resolve_link(old_token, "127.0.0.1", SETTINGS)
    assert invitations.resolve_link(new_token, "127.0.0.1", SETTINGS).id == old.assessment.id
    if "portal.overview" in app.view_functions:
        assert client.get(f"/p/{old_token}/").status_code == 410
    reissue_mail = MailMessage.select().order_by(MailMessage.id.desc()).first()
    assert new_token in reissue_mail.body and "新しいリンクを発行しました" in reissue_mail.body
    assert AuditEvent.get(AuditEvent.action == "assessment.link_reissue").object_id == str(
        old.assessment.id
    )
    assert not tokens_in(client.get(path).get_data(as_text=True))


def test_revoke_disables_the_link(app, client, login_as, case, mailed):
    (link,) = invite(app, case, mailed)
    token_text = LINK.search(link.url).group(1)
    login_as("officer")
    path = f"/cases/{case.id}"
    token = csrf_token(client, path)
    response = client.post(
        f"{path}/assessments/{link.assessment.id}/revoke", data={"csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == path
    with pytest.raises(invitations.LinkGone):
        invitations.resolve_link(token_text, "127.0.0.1", SETTINGS)
    page = client.get(path).get_data(as_text=True)
    assert "リンクを無効化しました" in page and "無効化済み" in page
    assert AuditEvent.get(AuditEvent.action == "assessment.link_revoke").object_id == str(
        link.assessment.id
    )
    again = client.post(
        f"{path}/assessments/{link.assessment.id}/revoke", data={"csrf_token": token}
    )
    assert "有効なリンクはありませんでした" in client.get(again.headers["Location"]).get_data(
        as_text=True
    )


def test_link_actions_on_an_assessment_of_another_case_are_404(app, client, login_as, case, mailed):
    (link,) = invite(app, case, mailed)
    other = make_case(title="別の案件", kind="system")
    login_as("officer")
    token = csrf_token(client, f"/cases/{other.id}")
    for action in ("reissue", "revoke"):
        response = client.post(
            f"/cases/{other.id}/assessments/{link.assessment.id}/{action}",
            data={"csrf_token": token},
        )
        assert response.status_code == 404
    assert AccessToken.get().revoked_at is None


def test_viewer_cannot_invite_reissue_or_revoke(app, client, login_as, case, mailed, unmailed):
    (link,) = invite(app, case, mailed)
    login_as("viewer")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "メール株式会社" in page and "リンクを再発行" not in page
    token = csrf_token(client, f"/cases/{case.id}")
    before = (
        AccessToken.select().count(),
        MailMessage.select().count(),
        AuditEvent.select().count(),
    )
    for path, data in (
        (f"/cases/{case.id}/invite", {"vendor_ids": [unmailed.id], "questionnaire_id": "system"}),
        (f"/cases/{case.id}/assessments/{link.assessment.id}/reissue", {}),
        (f"/cases/{case.id}/assessments/{link.assessment.id}/revoke", {}),
    ):
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path
    after = (
        AccessToken.select().count(),
        MailMessage.select().count(),
        AuditEvent.select().count(),
    )
    assert before == after and Assessment.select().count() == 1
    assert AccessToken.get().revoked_at is None


def test_case_page_links_to_the_review_page_when_it_exists(app, client, login_as, case, mailed):
    (link,) = invite(app, case, mailed)
    login_as("viewer")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    if "review.assessment" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            review_url = url_for("review.assessment", assessment_id=link.assessment.id)
        assert f'href="{review_url}"' in html and "回答を見る" in html
    else:
        assert "回答を見る" not in html


def test_kind_cannot_change_once_vendors_are_invited(app, client, login_as, case, mailed):
    invite(app, case, mailed)
    login_as("officer")
    response = post_case(client, f"/cases/{case.id}/edit", kind="outsourcing")
    assert response.status_code == 400
    assert "案件の種類は変更できません" in response.get_data(as_text=True)
    assert Case.get_by_id(case.id).kind == "system"


def test_no_questionnaire_for_the_kind_is_explained(app, client, login_as, db, monkeypatch):
    from vendorcheck.services.questionnaires import QuestionnaireCatalogue

    case = make_case(kind="sns", classification_level="1")
    monkeypatch.setattr(QuestionnaireCatalogue, "for_kind", lambda self, kind, respondent=None: [])
    login_as("officer")
    html = client.get(f"/cases/{case.id}/invite").get_data(as_text=True)
    assert "使える確認書がありません" in html and '<form method="post" action="/cases/' not in html


def test_html_in_names_is_escaped_on_every_page_that_shows_them(app, client, login_as, db, today):
    evil = '<script>alert("x")</script>'
    vendor = create_vendor(SYSTEM, name=evil, contact_email="evil@example.jp")
    case = make_case(title=evil, kind="system", description=evil)
    login_as("officer")
    html = post_invite(client, case, vendor_ids=[vendor.id]).get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assessment = Assessment.get()
    token = csrf_token(client, f"/cases/{case.id}")
    reissued = client.post(
        f"/cases/{case.id}/assessments/{assessment.id}/reissue", data={"csrf_token": token}
    ).get_data(as_text=True)
    assert "<script>" not in reissued
    Assessment.update(deadline=today + dt.timedelta(days=3)).execute()
    for path in (
        "/",
        "/cases/",
        f"/cases/{case.id}",
        f"/cases/{case.id}/edit",
        f"/cases/{case.id}/invite",
        f"/vendors/{vendor.id}",
        "/vendors/",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page, path
        assert "&lt;script&gt;" in page, path


def test_a_department_self_check_cannot_be_sent_to_a_vendor(app, client, login_as, db):
    case = make_case(kind="sns", classification_level="1")
    vendor = create_vendor(SYSTEM, name="株式会社ひかりソーシャル", contact_email="a@example.jp")
    login_as("officer")
    page = client.get(f"/cases/{case.id}/invite").get_data(as_text=True)
    # an SNS case is an outsourced operation: only the vendor questionnaire is offered
    sns, outsourced = catalogue(app.config).for_kind("sns")
    assert (sns.respondent, outsourced.respondent) == ("department", "vendor")
    assert outsourced.title.ja in page and sns.title.ja not in page
    light = make_case(kind="cloud_light", classification_level="1")
    page = client.get(f"/cases/{light.id}/invite").get_data(as_text=True)
    assert "使える確認書がありません" in page
    with pytest.raises(ServiceError, match="事業者には送れません"):
        invitations.invite(
            SYSTEM,
            case,
            [vendor.id],
            sns,
            deadline=None,
            language="ja",
            settings=invitations.LinkSettings("http://vendorcheck.test"),
        )
    assert Assessment.select().count() == 0
