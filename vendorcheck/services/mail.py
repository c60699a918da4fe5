"""The mail outbox: queue in the caller's transaction; deliver later with retries."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from peewee import IntegrityError, fn

from vendorcheck.store.db import database
from vendorcheck.store.leases import lease_rows
from vendorcheck.store.models import MailMessage, utcnow

log = logging.getLogger("vendorcheck.mail")


def queue_mail(
    to: str, subject: str, body: str, *, dedupe_key: str | None = None
) -> MailMessage | None:
    """Add a message to the outbox; with a dedupe key already used, add nothing and return None."""
    if dedupe_key and MailMessage.select().where(MailMessage.dedupe_key == dedupe_key).exists():
        return None
    try:
        with database.atomic():
            return MailMessage.create(
                to_address=to, subject=subject[:300], body=body, dedupe_key=dedupe_key
            )
    except IntegrityError:  # a concurrent run queued the same reminder first
        return None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # none, starttls, tls
    username: str
    password: str
    sender: str
    timeout: int
    max_attempts: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            config["SMTP_SECURITY"],
            config["SMTP_USERNAME"],
            config["SMTP_PASSWORD"],
            config["MAIL_FROM"],
            config["SMTP_TIMEOUT_SECONDS"],
            config["MAIL_MAX_ATTEMPTS"],
        )


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    retried: int
    failed: int
    error: str = ""  # set when the SMTP server could not be reached or refused the session

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _message(row: MailMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "vendorcheck")
    # base64 keeps Japanese text 7-bit clean for relays that do not offer 8BITMIME.
    message.set_content(row.body, cte=None if row.body.isascii() else "base64")
    return message


LEASE = dt.timedelta(minutes=10)


def _claim(batch_size: int) -> list[MailMessage]:
    """Lease due messages in a short transaction, so concurrent senders never take the same row.

    A sender that dies mid-run leaves its rows leased; they become due again when the lease
    ends, so a crash delays mail but never loses it.
    """
    with database.atomic():
        now = utcnow()
        query = (
            MailMessage.select()
            .where(MailMessage.status == "pending", MailMessage.next_attempt_at <= now)
            .order_by(MailMessage.id)
            .limit(batch_size)
        )
        return lease_rows(query, MailMessage.next_attempt_at, now + LEASE)


def _record(row: MailMessage, error: str, max_attempts: int) -> str:
    row.attempts += 1
    if not error:
        row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
    elif row.attempts >= max_attempts:
        row.status, row.last_error = "failed", error[:2000]
        log.warning("mail %s to %s failed for good: %s", row.id, row.to_address, error)
    else:
        row.last_error = error[:2000]
        row.next_attempt_at = utcnow() + dt.timedelta(minutes=2 ** (row.attempts - 1))
    with database.atomic():
        row.save()
    return row.status if row.status != "pending" else "retry"


def _release(rows: list[MailMessage]) -> None:
    """Hand back leased rows that were not tried, so the next run can take them at once."""
    with database.atomic():
        MailMessage.update(next_attempt_at=utcnow()).where(
            MailMessage.id.in_([row.id for row in rows]), MailMessage.status == "pending"
        ).execute()


def deliver_pending(settings: SmtpSettings, *, batch_size: int = 100) -> DeliveryReport:
    """Send a batch of due messages once; failures wait (1, 2, 4 … minutes) and give up after max attempts.

    A slow server must not outlive the lease (another sender would take the rows and send them
    again), so the run stops sending once half the lease has passed and releases the rest.
    """
    claimed_at = time.monotonic()
    due = _claim(batch_size)
    if not due:
        return DeliveryReport(0, 0, 0)
    outcomes = {"sent": 0, "retry": 0, "failed": 0}
    smtp: smtplib.SMTP | None = None
    connect_error = ""
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        connect_error = f"SMTP サーバー {settings.host}:{settings.port} に接続できません: {exc}"
    except UnicodeError:  # smtplib encodes AUTH credentials as ASCII
        connect_error = (
            f"SMTP サーバー {settings.host}:{settings.port} に認証できません: "
            "SMTP のユーザー名・パスワードには ASCII 文字（半角英数字・記号）だけを使ってください。"
        )
    for index, row in enumerate(due):
        if time.monotonic() - claimed_at > LEASE.total_seconds() / 2:
            _release(due[index:])
            break
        error = connect_error
        if smtp is not None:
            try:
                smtp.send_message(_message(row, settings.sender))
            except (OSError, smtplib.SMTPException, UnicodeError) as exc:
                error = f"送信に失敗しました: {exc}"
        outcomes[_record(row, error, settings.max_attempts)] += 1
    if smtp is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    return DeliveryReport(outcomes["sent"], outcomes["retry"], outcomes["failed"], connect_error)


@dataclass(frozen=True)
class OutboxStatus:
    due: int  # pending and due now
    waiting: int  # pending with a later time: waiting for a retry, or taken by a running sender
    sent: int
    failed: int
    recent_failures: tuple[MailMessage, ...]


def outbox_status(*, failures: int = 20) -> OutboxStatus:
    """Count the outbox by state and list the newest messages that failed for good."""
    now = utcnow()
    pending = MailMessage.select().where(MailMessage.status == "pending")
    due = pending.where(MailMessage.next_attempt_at <= now).count()
    counts = {
        row.status: row.n
        for row in MailMessage.select(
            MailMessage.status, fn.COUNT(MailMessage.id).alias("n")
        ).group_by(MailMessage.status)
    }
    failed = (
        MailMessage.select(
            MailMessage.id,
            MailMessage.to_address,
            MailMessage.subject,
            MailMessage.attempts,
            MailMessage.last_error,
            MailMessage.created_at,
        )
        .where(MailMessage.status == "failed")
        .order_by(MailMessage.id.desc())
        .limit(failures)
    )
    return OutboxStatus(
        due=due,
        waiting=counts.get("pending", 0) - due,
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        recent_failures=tuple(failed),
    )
