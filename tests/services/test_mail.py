"""The outbox against real SMTP servers on loopback: delivery, retries, leases, TLS settings."""

from __future__ import annotations

import datetime as dt
import shutil
import ssl
import subprocess
import threading

import pytest

from tests.conftest import free_port, missing
from vendorcheck.app import create_app
from vendorcheck.config import ConfigError
from vendorcheck.services import mail
from vendorcheck.services.mail import SmtpSettings, deliver_pending, queue_mail
from vendorcheck.store.models import MailMessage, utcnow

SENDER = "vendorcheck@city.kakuu.example.jp"
SUBJECT = "【架空市】情報セキュリティ確認書のご回答のお願い（電子申請・アンケート集計クラウドサービスの導入）"
BODY = (
    "株式会社みらいクラウド\n青木 美咲 様\n\n"
    "架空市です。案件「電子申請・アンケート集計クラウドサービスの導入」について、確認書へのご回答をお願いします。"
    "回答期限: 令和7年4月10日\n①②③ 髙﨑 — 〜 ～ ∥ “引用” 𠮷野家\n"
    "English line: deadline 2025-04-10.\n"
)


def settings(host: str, port: int, **changes) -> SmtpSettings:
    values = {
        "host": host,
        "port": port,
        "security": "none",
        "username": "",
        "password": "",
        "sender": SENDER,
        "timeout": 5,
        "max_attempts": 3,
    }
    values.update(changes)
    return SmtpSettings(**values)


def row(message: MailMessage) -> MailMessage:
    return MailMessage.get_by_id(message.id)


def make_due(*messages: MailMessage) -> None:
    """Move the next attempt into the past, as if the back-off (or a lease) had run out."""
    MailMessage.update(next_attempt_at=utcnow() - dt.timedelta(seconds=1)).where(
        MailMessage.id.in_([m.id for m in messages])
    ).execute()


def test_japanese_subject_and_body_arrive_intact_from_mail_from(db, smtp_server):
    queued = queue_mail("security@mirai-cloud.example.jp", SUBJECT, BODY)
    report = deliver_pending(settings(smtp_server.host, smtp_server.port))
    assert (report.sent, report.retried, report.failed, report.error) == (1, 0, 0, "")
    (received,) = smtp_server.messages
    message = received["message"]
    assert received["from"] == SENDER and received["to"] == ["security@mirai-cloud.example.jp"]
    assert message["From"] == SENDER and message["To"] == "security@mirai-cloud.example.jp"
    assert message["Subject"] == SUBJECT
    assert message.get_content() == BODY
    assert message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] == "base64"  # 7-bit clean on any relay
    assert message["Message-ID"].endswith("@city.kakuu.example.jp>")
    sent = row(queued)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
    assert sent.sent_at is not None
    assert deliver_pending(settings(smtp_server.host, smtp_server.port)).attempted == 0


def test_unreachable_server_backs_off_and_gives_up_after_max_attempts(db):
    closed = settings("127.0.0.1", free_port(), max_attempts=3)
    queued = queue_mail("vendor@example.jp", "件名", "本文")
    before = utcnow()
    first = deliver_pending(closed)
    assert (first.sent, first.retried, first.failed) == (0, 1, 0)
    assert "に接続できません" in first.error
    waiting = row(queued)
    assert waiting.status == "pending" and waiting.attempts == 1
    assert "に接続できません" in waiting.last_error
    assert before + dt.timedelta(seconds=55) <= waiting.next_attempt_at
    assert waiting.next_attempt_at <= utcnow() + dt.timedelta(minutes=1)
    assert deliver_pending(closed).attempted == 0, "not due again before the back-off ends"

    make_due(queued)
    before = utcnow()
    assert deliver_pending(closed).retried == 1
    waiting = row(queued)
    assert waiting.attempts == 2
    assert waiting.next_attempt_at >= before + dt.timedelta(seconds=115)  # 2 minutes

    make_due(queued)
    third = deliver_pending(closed)
    assert (third.retried, third.failed) == (0, 1)
    failed = row(queued)
    assert (failed.status, failed.attempts) == ("failed", 3)
    make_due(queued)
    assert deliver_pending(closed).attempted == 0, "a failed message is never tried again"


def test_a_message_refused_by_the_server_waits_while_the_others_go(db, smtp_server):
    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.startswith("bounce"):
                return "450 mailbox busy"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    from aiosmtpd.controller import Controller

    collected = []

    class Handler(Refusing):
        async def handle_DATA(self, server, session, envelope):
            collected.append(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        good = queue_mail("ok@example.jp", "件名", "本文")
        bad = queue_mail("bounce@example.jp", "件名", "本文")
        report = deliver_pending(settings("127.0.0.1", controller.port))
    finally:
        controller.stop()
    assert (report.sent, report.retried, report.error) == (1, 1, "")
    assert collected == [["ok@example.jp"]]
    assert row(good).status == "sent"
    assert row(bad).status == "pending" and "送信に失敗しました" in row(bad).last_error


def test_two_senders_at_once_never_send_a_message_twice(app, db, smtp_server):
    queued = [queue_mail(f"v{n}@example.jp", f"件名 {n}", f"本文 {n}") for n in range(40)]
    target = settings(smtp_server.host, smtp_server.port)
    database = app.extensions["vendorcheck_db"]
    reports, errors = [], []

    def run() -> None:
        try:
            with database.connection_context():
                reports.append(deliver_pending(target, batch_size=7))
                reports.append(deliver_pending(target, batch_size=7))
                reports.append(deliver_pending(target, batch_size=100))
        except Exception as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(report.sent for report in reports) == 40
    subjects = sorted(m["message"]["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"件名 {n}" for n in range(40))
    assert all(row(m).status == "sent" and row(m).attempts == 1 for m in queued)
    assert deliver_pending(target).attempted == 0


def test_a_sender_that_died_leaves_its_messages_leased_until_the_lease_ends(db, smtp_server):
    queued = queue_mail("vendor@example.jp", "件名", "本文")
    (claimed,) = mail._claim(10)  # a sender took it, then crashed before sending
    assert claimed.id == queued.id
    target = settings(smtp_server.host, smtp_server.port)
    assert deliver_pending(target).attempted == 0
    assert row(queued).next_attempt_at > utcnow() + dt.timedelta(minutes=9)
    make_due(queued)  # the lease has run out
    assert deliver_pending(target).sent == 1
    assert len(smtp_server.messages) == 1


def test_a_run_that_outlives_half_its_lease_stops_and_hands_the_rest_back(
    db, smtp_server, monkeypatch
):
    queued = [queue_mail(f"v{n}@example.jp", "件名", "本文") for n in range(3)]
    monkeypatch.setattr(mail, "LEASE", dt.timedelta(seconds=0))
    target = settings(smtp_server.host, smtp_server.port)
    assert deliver_pending(target).attempted == 0
    assert smtp_server.messages == []
    assert all(row(m).attempts == 0 and row(m).next_attempt_at <= utcnow() for m in queued)
    monkeypatch.setattr(mail, "LEASE", dt.timedelta(minutes=10))
    assert deliver_pending(target).sent == 3


def test_queue_mail_with_a_used_dedupe_key_adds_nothing(db):
    assert queue_mail("a@example.jp", "件名", "本文", dedupe_key="remind:x") is not None
    assert queue_mail("a@example.jp", "件名", "本文", dedupe_key="remind:x") is None
    assert MailMessage.select().count() == 1


def test_an_unknown_smtp_security_setting_is_refused_at_start_up(tmp_path):
    with pytest.raises(ConfigError, match="none / starttls / tls"):
        create_app(
            {
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                "SMTP_SECURITY": "ssl",
            }
        )


# --- TLS: a real certificate, trusted through SSL_CERT_FILE for the test only --------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    openssl = shutil.which("openssl")
    if not openssl:
        missing("openssl is not installed: TLS mail tests not run")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


class _Collect:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((session.authenticated, envelope.rcpt_tos))
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret-pass"
    return AuthResult(success=ok)


@pytest.fixture
def starttls_server(certificate):
    """An SMTP server that requires STARTTLS before anything else, and then AUTH."""
    from aiosmtpd.controller import Controller

    handler = _Collect()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    controller.start()
    yield controller, handler
    controller.stop()


def test_starttls_with_login_delivers_when_the_certificate_is_trusted(
    db, starttls_server, certificate, monkeypatch
):
    controller, handler = starttls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    queue_mail("vendor@example.jp", "件名", "本文")
    secure = settings(
        "127.0.0.1",
        controller.port,
        security="starttls",
        username="mailer",
        password="s3cret-pass",
    )
    assert deliver_pending(secure).sent == 1
    assert handler.messages == [(True, ["vendor@example.jp"])]


def test_a_wrong_or_non_ascii_password_leaves_the_message_waiting_with_the_reason(
    db, starttls_server, certificate, monkeypatch
):
    controller, handler = starttls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    queued = queue_mail("vendor@example.jp", "件名", "本文")
    secure = {"security": "starttls", "username": "mailer", "timeout": 2}
    wrong = deliver_pending(settings("127.0.0.1", controller.port, password="nope", **secure))
    assert wrong.retried == 1 and "に接続できません" in wrong.error
    make_due(queued)
    japanese = deliver_pending(settings("127.0.0.1", controller.port, password="秘密", **secure))
    assert japanese.retried == 1 and "ASCII" in japanese.error
    assert row(queued).attempts == 2 and handler.messages == []


def test_starttls_refuses_an_untrusted_certificate_and_sends_nothing(db, starttls_server):
    controller, handler = starttls_server
    queued = queue_mail("vendor@example.jp", "件名", "本文")
    report = deliver_pending(settings("127.0.0.1", controller.port, security="starttls"))
    assert report.sent == 0 and report.retried == 1
    assert "CERTIFICATE_VERIFY_FAILED" in row(queued).last_error
    assert handler.messages == []


def test_plain_smtp_to_a_server_that_requires_starttls_is_refused(db, starttls_server):
    controller, handler = starttls_server
    queued = queue_mail("vendor@example.jp", "件名", "本文")
    report = deliver_pending(settings("127.0.0.1", controller.port, security="none"))
    assert report.sent == 0 and report.retried == 1
    assert row(queued).status == "pending" and handler.messages == []


def test_starttls_against_a_server_without_it_never_falls_back_to_plain_text(db, smtp_server):
    queued = queue_mail("vendor@example.jp", "件名", "本文")
    report = deliver_pending(settings(smtp_server.host, smtp_server.port, security="starttls"))
    assert report.retried == 1 and "STARTTLS" in report.error
    assert smtp_server.messages == [] and row(queued).attempts == 1


def test_implicit_tls_delivers_and_a_plain_server_is_refused(
    db, certificate, smtp_server, monkeypatch
):
    from aiosmtpd.controller import Controller

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    handler = _Collect()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        ssl_context=_server_context(certificate),
    )
    controller.start()
    try:
        queue_mail("vendor@example.jp", "件名", "本文")
        assert deliver_pending(settings("127.0.0.1", controller.port, security="tls")).sent == 1
    finally:
        controller.stop()
    assert handler.messages == [(None, ["vendor@example.jp"])]
    queued = queue_mail("vendor2@example.jp", "件名", "本文")
    report = deliver_pending(settings(smtp_server.host, smtp_server.port, security="tls"))
    assert report.retried == 1 and report.error
    assert smtp_server.messages == [] and row(queued).status == "pending"


# --- the command -----------------------------------------------------------------------------


def test_send_mail_command_prints_a_japanese_summary(app, runner, db, smtp_server):
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, MAIL_FROM=SENDER)
    for n in range(3):
        queue_mail(f"v{n}@example.jp", SUBJECT, BODY)
    result = runner.invoke(args=["send-mail", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "送信 3 件、再試行待ち 0 件、失敗 0 件" in result.output
    assert len(smtp_server.messages) == 3
    again = runner.invoke(args=["send-mail"])
    assert again.exit_code == 0 and "送信 0 件、再試行待ち 0 件、失敗 0 件" in again.output
    assert len(smtp_server.messages) == 3


def test_send_mail_command_exits_1_when_the_server_cannot_be_reached(app, runner, db):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), MAIL_MAX_ATTEMPTS=1)
    queue_mail("v@example.jp", "件名", "本文")
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1
    assert "送信 0 件、再試行待ち 0 件、失敗 1 件" in result.output
    assert "に接続できません" in result.output
    status = runner.invoke(args=["send-mail", "--status"])
    assert status.exit_code == 0
    assert "送信待ち 0 件、再試行待ち 0 件、送信済み 0 件、失敗 1 件" in status.output
    assert "v@example.jp" in status.output and "試行 1 回" in status.output


def test_send_mail_with_nothing_queued_succeeds_without_connecting(app, runner, db):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "送信 0 件" in result.output
