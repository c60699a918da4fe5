"""Several processes on one PostgreSQL database: two servers share the login throttle and the
sessions; the periodic commands (send-mail, remind, ismap sync, check-official-links) run in
two processes at once without sending twice or importing twice (check-official-links on one
SQLite file too)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
import requests

from tests.conftest import PASSWORD
from tests.processes.prepare import ready_to_submit
from tests.registers_entries import make_entry
from tests.servers import Server, csrf_of, run_command, staff_session
from vendorcheck.domain.jp import today_jst
from vendorcheck.services.mail import queue_mail
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    IsmapEntry,
    IsmapImport,
    MailMessage,
    RegisterEntry,
)

ON_POSTGRES = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.fixture
def two_servers(app, db, database_url, tmp_path):
    db.close()
    servers = [Server(tmp_path / f"server{n}", database_url).start() for n in (1, 2)]
    yield servers
    for server in servers:
        server.stop()


def _fail_login(server: Server, login_id: str) -> int:
    session = requests.Session()
    token = csrf_of(session, f"{server.base}/login")
    return session.post(
        f"{server.base}/login",
        data={"login_id": login_id, "password": "wrong-password-1", "csrf_token": token},
        timeout=30,
    ).status_code


@ON_POSTGRES
def test_two_servers_share_the_login_throttle_and_the_sessions(app, two_servers, make_staff):
    first, second = two_servers
    target, other = make_staff("officer"), make_staff("viewer")
    limit = app.config["LOGIN_MAX_FAILURES"]
    statuses = [_fail_login(first if n % 2 else second, target.login_id) for n in range(limit)]
    assert statuses == [400] * limit
    session = requests.Session()
    token = csrf_of(session, f"{first.base}/login")
    locked = session.post(
        f"{first.base}/login",
        data={"login_id": target.login_id, "password": PASSWORD, "csrf_token": token},
        timeout=30,
    )
    assert locked.status_code == 429 and "一時的にログインできません" in locked.text

    on_first = staff_session(first, other.login_id, PASSWORD)
    assert on_first.get(f"{first.base}/", allow_redirects=False, timeout=30).status_code == 200
    cookie = on_first.cookies.get("vendorcheck_session")
    on_second = requests.Session()
    on_second.cookies.set("vendorcheck_session", cookie)
    assert on_second.get(f"{second.base}/", allow_redirects=False, timeout=30).status_code == 200
    logout = csrf_of(on_second, f"{second.base}/")
    on_second.post(f"{second.base}/logout", data={"csrf_token": logout}, timeout=30)
    copied = requests.Session()
    copied.cookies.set("vendorcheck_session", cookie)
    ended = copied.get(f"{first.base}/", allow_redirects=False, timeout=30)
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]


def _together(tmp_path, database_url, *args: str, **settings) -> list[str]:
    """Run the same command in two processes at once; return their outputs."""
    processes = [run_command(tmp_path / f"cli{n}", database_url, *args, **settings) for n in (1, 2)]
    outputs = []
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
        outputs.append(output)
    return outputs


@ON_POSTGRES
def test_send_mail_in_two_processes_sends_each_message_once(
    app, db, database_url, tmp_path, smtp_server
):
    for n in range(40):
        queue_mail(f"to{n}@example.jp", f"試験のお知らせ {n}", "本文")
    db.close()
    smtp = {"SMTP_HOST": smtp_server.host, "SMTP_PORT": smtp_server.port}
    _together(tmp_path, database_url, "send-mail", **smtp)
    subjects = Counter(m["message"]["Subject"] for m in smtp_server.messages)
    assert len(subjects) == 40 and set(subjects.values()) == {1}
    db.connect(reuse_if_open=True)
    assert MailMessage.select().where(MailMessage.status != "sent").count() == 0


@ON_POSTGRES
def test_remind_in_two_processes_queues_each_reminder_once(app, db, database_url, tmp_path):
    vendors = ready_to_submit(app, 3)
    deadline = today_jst() + dt.timedelta(days=3)
    ids = [v.assessment.id for v in vendors]
    Assessment.update(deadline=deadline).where(Assessment.id.in_(ids)).execute()
    before = MailMessage.select().count()
    db.close()
    _together(tmp_path, database_url, "remind")
    db.connect(reuse_if_open=True)
    queued = list(MailMessage.select().order_by(MailMessage.id))[before:]
    to_vendors = [m for m in queued if m.to_address.startswith("vendor")]
    assert len(to_vendors) == 3
    assert len({(m.to_address, m.subject) for m in queued}) == len(queued)
    db.close()
    _together(tmp_path, database_url, "remind")  # again the same day: nothing new
    db.connect(reuse_if_open=True)
    assert MailMessage.select().count() == before + len(queued)


LIST = "登録番号,サービス名,事業者名\r\nC21-0008-2,架空クラウド,株式会社架空\r\n".encode("cp932")


@ON_POSTGRES
def test_ismap_sync_in_two_processes_imports_once(app, db, database_url, tmp_path, http_server):
    url = http_server.serve("/list.csv", LIST, content_type="text/csv; charset=shift_jis")
    http_server.routes["/list.csv"] = (*http_server.routes["/list.csv"][:4], 1.0)  # slow
    db.close()
    outputs = _together(tmp_path, database_url, "ismap", "sync", ISMAP_SYNC_URL=url)
    db.connect(reuse_if_open=True)
    assert IsmapImport.select().count() == 1, outputs
    assert IsmapEntry.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "ismap.import").count() == 1


def test_check_official_links_in_two_processes_checks_each_account_once(
    app, db, database_url, tmp_path, http_server
):
    """On PostgreSQL and on one SQLite file: the runs lease the accounts, so every page is
    fetched once, one audit event per run that checked, and a run that found every account
    leased says so and writes nothing."""
    entries = {}
    for n in range(3):
        handle = f"kakuu_city_{n}"
        page = http_server.serve(
            f"/sns{n}.html", f"<a href='https://x.com/{handle}'>X</a>", delay=2
        )
        entries[f"/sns{n}.html"] = make_entry(url=f"https://x.com/{handle}", official_page_url=page)
    db.close()
    outputs = _together(
        tmp_path, database_url, "check-official-links", OFFICIAL_LINKS_ALLOW_PRIVATE=1
    )
    db.connect(reuse_if_open=True)
    assert Counter(http_server.requests) == {path: 1 for path in entries}, outputs
    checked = [RegisterEntry.get_by_id(entry.id) for entry in entries.values()]
    assert all(e.listed_on_website is True and e.link_checked_at is not None for e in checked)
    assert all(e.link_check_leased_until is None for e in checked)
    events = list(AuditEvent.select().where(AuditEvent.action == "register.link_check"))
    reported = [row[0] for event in events for row in json.loads(event.after)["results"]]
    assert sorted(reported) == sorted(e.id for e in checked), outputs
    assert len(events) == sum("件を確認しました" in output for output in outputs), outputs
    assert any("別の check-official-links が確認中" in output for output in outputs), outputs
    assert MailMessage.select().count() == 0  # checking never mails, however many run

    for path in entries:  # the leases ended with the runs: the next run checks every account
        http_server.routes[path] = (*http_server.routes[path][:4], 0.0)
    db.close()
    again = run_command(
        tmp_path / "cli3", database_url, "check-official-links", OFFICIAL_LINKS_ALLOW_PRIVATE=1
    )
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0 and "3 件を確認しました" in output, output
    assert "確認中" not in output
    assert Counter(http_server.requests) == {path: 2 for path in entries}
