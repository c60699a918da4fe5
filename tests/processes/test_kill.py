"""kill -9 of a real server process during submits and during annex generation, and of an
import command mid-run: after a restart the SQLite file passes PRAGMA integrity_check, every
acknowledged submission is wholly there (its answers, its audit event and its mail in the
outbox), and nothing is half-written."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import threading
import time

import docx
import pytest
import requests

from tests.conftest import PASSWORD
from tests.processes.prepare import ready_to_submit, sqlite_path
from tests.servers import Server, csrf_of, run_command, staff_session
from vendorcheck.store.models import (
    Assessment,
    AuditEvent,
    GeneratedAnnex,
    IsmapEntry,
    IsmapImport,
    MailMessage,
    Submission,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _integrity(url: str) -> str:
    with sqlite3.connect(sqlite_path(url)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def _submit(server: Server, token: str, revision: int, acknowledged: list, lock) -> None:
    session = requests.Session()
    try:
        csrf = csrf_of(session, f"{server.base}/p/{token}/confirm")
        response = session.post(
            f"{server.base}/p/{token}/submit",
            data={"csrf_token": csrf, "revision": str(revision)},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code == 302 and response.headers["Location"].endswith(f"/p/{token}/"):
            with lock:
                acknowledged.append(token)
    except requests.RequestException:
        pass  # the server was killed under this request: not acknowledged


def test_kill_9_during_submits_keeps_every_acknowledged_submission_whole(
    app, db, database_url, tmp_path
):
    vendors = ready_to_submit(app, 16)
    db.close()
    server = Server(tmp_path / "server", database_url).start()
    acknowledged: list[str] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_submit,
            args=(server, v.token, v.assessment.draft_revision, acknowledged, lock),
        )
        for v in vendors
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill9()
    for thread in threads:
        thread.join(timeout=60)
    assert acknowledged, "no submit was acknowledged before the kill"
    server.start()  # the restart opens the database again (and recovers the WAL)
    server.stop()
    assert _integrity(database_url) == "ok"
    db.connect(reuse_if_open=True)
    whole = 0
    for vendor in vendors:
        token, row = vendor.token, Assessment.get_by_id(vendor.assessment.id)
        submissions = list(Submission.select().where(Submission.assessment == row.id))
        audits = AuditEvent.select().where(
            AuditEvent.action == "assessment.submit", AuditEvent.object_id == str(row.id)
        )
        mails = MailMessage.select().where(MailMessage.subject.contains(row.vendor.name))
        if token in acknowledged:
            assert row.submitted_version == 1 and len(submissions) == 1, token
        # whole or not at all: the state, the version, its answers, its audit event, its mail
        if submissions:
            whole += 1
            assert row.submitted_version == 1 and row.status != "draft"
            answers = json.loads(submissions[0].answers)
            assert answers and answers == vendor.expected_answers
            assert audits.count() == 1 and mails.count() == 1
        else:
            assert row.submitted_version == 0 and audits.count() == 0 and mails.count() == 0
    assert whole >= len(acknowledged)


def test_kill_9_during_annex_generation_leaves_whole_annexes_only(
    app, db, database_url, tmp_path, make_staff
):
    vendors = ready_to_submit(app, 3, submit=True, accept=True)
    officer = make_staff("admin")
    db.close()
    server = Server(tmp_path / "server", database_url).start()
    session = staff_session(server, officer.login_id, PASSWORD)
    stop = threading.Event()

    def generate(assessment_id: int) -> None:
        url = f"{server.base}/assessments/{assessment_id}/annex"
        while not stop.is_set():
            try:
                token = csrf_of(session, url)
                session.post(url, data={"csrf_token": token}, allow_redirects=False, timeout=30)
            except requests.RequestException:
                return

    threads = [threading.Thread(target=generate, args=(v.assessment.id,)) for v in vendors]
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    server.kill9()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    server.start()
    server.stop()
    assert _integrity(database_url) == "ok"
    db.connect(reuse_if_open=True)
    annexes = list(GeneratedAnnex.select())
    assert annexes, "no annex was generated before the kill"
    for annex in annexes:
        data = bytes(annex.docx)
        assert hashlib.sha256(data).hexdigest() == annex.content_hash
        assert docx.Document(io.BytesIO(data)).paragraphs  # every stored one opens
    for vendor in vendors:
        assessment = vendor.assessment
        versions = [a.version for a in annexes if a.assessment_id == assessment.id]
        assert versions == list(range(1, len(versions) + 1))  # no gap, no duplicate
        audits = AuditEvent.select().where(
            AuditEvent.action == "annex.generate", AuditEvent.object_id == str(assessment.id)
        )
        assert audits.count() == len(versions)


def _ismap_list(rows: int) -> bytes:
    lines = ["ISMAP登録番号,クラウドサービス名,申請者,登録年月日,監査対象期間（終了）"]
    lines += [
        f"C{21 + n % 5}-{n:04d}-1,架空クラウド{n},株式会社架空{n},2021/3/1,2025/3/31"
        for n in range(1, rows + 1)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_kill_9_during_an_import_changes_all_or_nothing(app, db, database_url, tmp_path):
    db.close()
    listed = tmp_path / "ismap.csv"
    listed.write_bytes(_ismap_list(6000))
    instance = tmp_path / "cli"
    killed_after = []
    for delay in (0.6, 1.2, 2.0):
        process = run_command(instance, database_url, "ismap", "import", str(listed))
        time.sleep(delay)
        if process.poll() is None:
            process.kill()
            killed_after.append(delay)
        process.wait(timeout=60)
        assert _integrity(database_url) == "ok"
        db.connect(reuse_if_open=True)
        imports = IsmapImport.select().count()
        entries = IsmapEntry.select().count()
        assert entries in (0, 6000), f"half an import: {entries} entries"
        assert (entries == 0) == (imports == 0)
        db.close()
    assert killed_after, "every import finished before the kill: make the list longer"
