"""One date format: what people read (pages, mails) shows 和暦, never an ISO date.

The demonstration data puts cases, assessments in every state, returns, decisions,
contracts, registers and reminders in place; an admin then walks the staff pages linked
from the main lists, the vendor opens every demo link, and every mail in the outbox is
read. ISO dates may stay where nobody reads them: input values, data-* and datetime
attributes, links, and the CSV/JSON/XLSX downloads (not scanned here).
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import demo as demo_service
from vendorcheck.services import (
    expiry_reminders,
    ismap_reminders,
    monitoring_board,
    overdue_remediations,
    reminders,
)
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services.contract_links import ContractLinkSettings
from vendorcheck.services.invitations import LinkSettings
from vendorcheck.store.models import MailMessage

BASE_URL = "http://vendorcheck.test"
ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
# Scripts, styles and the answer boxes vendors type into are not text people read as dates.
# The audit log's <code> shows the stored JSON record verbatim (its summary line is in 和暦).
_SKIPPED = re.compile(r"<(script|style|textarea|code)\b.*?</\1>", re.S | re.I)
# An example of what to type (「例: 2026-04-01」, 「日付は 2026-04-01、令和8年4月1日…」) is a format, not a date.
_FORMAT_EXAMPLE = re.compile(r"(例[:：]?|日付は)\s*$")
_READ_ATTRIBUTES = re.compile(r'\s(?:title|aria-label|alt)="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")

START_PAGES = (
    "/",
    "/cases/",
    "/vendors/",
    "/assessments/",
    "/audit/",
    "/contracts/",
    "/registers/",
    "/ismap/",
    "/admin/staff",
    "/admin/departments",
)
SKIP_LINKS = re.compile(
    r"\.(xlsx|csv|json|docx|pdf|zip)$|/download|/evidence/|/export|/logout|/files/|\?.*format="
)


def iso_dates_people_read(page: str) -> list[str]:
    """ISO-like dates in the text of a page and in the attributes read aloud or on hover."""
    body = _SKIPPED.sub(" ", page)
    read = [html_lib.unescape(m.group(1)) for m in _READ_ATTRIBUTES.finditer(body)]
    text = html_lib.unescape(_TAG.sub(" ", body))
    found = []
    for chunk in (text, *read):
        for match in ISO_DATE.finditer(chunk):
            if _FORMAT_EXAMPLE.search(chunk[max(0, match.start() - 8) : match.start()]):
                continue
            found.append(chunk[max(0, match.start() - 40) : match.end() + 20].strip())
    return found


def test_the_scanner_sees_text_and_titles_but_not_inputs_or_data():
    assert iso_dates_people_read("<p>期限 2026-12-01</p>")
    assert iso_dates_people_read('<span title="2026-12-01 まで">x</span>')
    assert not iso_dates_people_read(
        '<input value="2026-12-01" data-day="2026-12-01"><time datetime="2026-12-01">令和8年12月1日</time>'
        '<a href="/audit/?since=2026-12-01">監査ログ</a><textarea>2026-12-01</textarea>'
        "<p>開始日（例: 2026-04-01）</p>"
    )


@pytest.fixture
def demo(app, db):
    catalogue = questionnaire_service.catalogue(app.config)
    return demo_service.load_demo(
        lambda kind, respondent: next(iter(catalogue.for_kind(kind, respondent)), None),
        LinkSettings(BASE_URL),
        max_evidence_bytes=10 * 1024 * 1024,
        contracts=(
            clause_service.clause_library(app.config),
            ContractLinkSettings.from_config(app.config),
        ),
        positions=clause_service.clause_positions(app.config),
    )


def _links(page: str, seen: set[str]) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', page):
        href = html_lib.unescape(href)
        parts = urlsplit(href)
        if parts.netloc or not href.startswith("/") or href.startswith("/static/"):
            continue
        if SKIP_LINKS.search(href) or href in seen:
            continue
        found.append(href)
    return found


def _crawl(client, starts, limit: int) -> tuple[dict[str, list[str]], int]:
    """Problems per page, and how many HTML pages were read."""
    seen: set[str] = set()
    queue = list(starts)
    problems: dict[str, list[str]] = {}
    read = 0
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        # Unchecked: this test is about dates; the page checker runs in the rooms' own tests.
        response = FlaskClient.open(client, path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        read += 1
        if found := iso_dates_people_read(page):
            problems[path] = found[:3]
        queue.extend(_links(page, seen | set(queue)))
    return problems, read


def test_pages_and_mails_people_read_show_no_iso_dates(app, client, demo, login_as):
    links = ContractLinkSettings.from_config(app.config)
    for later in (0, 3, 7, 30, 120):  # reminders, overdue notices and expiry warnings
        today = today_jst() + dt.timedelta(days=later)
        reminders.queue_reminders(today, links)
        expiry_reminders.queue_expiry_reminders(today)
        overdue_remediations.queue_overdue_remediation_notices(today)
        ismap_reminders.queue_ismap_expiry_reminders(today)
        monitoring_board.queue_monitoring_reminders(today, links)
    login_as("admin")
    problems, staff_pages = _crawl(client, START_PAGES, limit=260)
    assert staff_pages > 100
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    portal_starts = [urlsplit(link.url).path for link in demo.links]
    portal_starts += [urlsplit(link.url).path for link in demo.contract_links]
    portal_problems, portal_pages = _crawl(client, portal_starts, limit=120)
    assert len(portal_starts) >= 5 and portal_pages > 2 * len(portal_starts)
    problems |= portal_problems
    mails = list(MailMessage.select())
    assert len(mails) > 10 and any("Dear" in m.body for m in mails)
    for mail in mails:
        for found in (iso_dates_people_read(mail.subject), ISO_DATE.findall(mail.body)):
            if found:
                problems[f"mail「{mail.subject}」"] = [
                    line for line in mail.body.splitlines() if ISO_DATE.search(line)
                ][:3] or found[:3]
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())
