"""A full disk during uploads: the SQLite database of a real server on a small tmpfs volume,
filled with evidence until nothing fits. The vendor gets a clear Japanese error (507), the
database stays whole, and nothing is half-written: every stored file is complete and every
file the draft lists exists."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid

import pytest
import requests

from tests.answering import TINY_PDF
from tests.conftest import TEST_ORGANISATION, missing
from tests.processes.prepare import ready_to_submit
from tests.servers import Server
from vendorcheck.app import create_app
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.store.models import Organisation

MB = 1024 * 1024


@pytest.fixture
def small_volume(tmp_path):
    """A 6 MB tmpfs volume (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        missing("mounting a small tmpfs volume needs root: the full-disk test was not run")
    mount = tmp_path / f"volume-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        missing(f"mount -t tmpfs failed here ({done.stderr.strip()}): full-disk test not run")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_during_uploads_is_a_clear_error_and_nothing_half_written(
    small_volume, sqlite_template, tmp_path
):
    database = small_volume / "vendorcheck.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    app = create_app(
        {"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "prep"), "SECRET_KEY": "x"}
    )
    db = app.extensions["vendorcheck_db"]
    with db.connection_context():
        Organisation.update(name=TEST_ORGANISATION).execute()
        (vendor,) = ready_to_submit(app, 1)
        question = next(
            q for q in questionnaire_of(vendor.assessment).questions if q.type == "file"
        )
    db.close()
    settings = {
        "MAX_EVIDENCE_MB": 2,
        "EVIDENCE_MAX_FILES_PER_QUESTION": 100,
        "EVIDENCE_MAX_MB_PER_QUESTION": 1000,
        "EVIDENCE_MAX_FILES_PER_ASSESSMENT": 1000,
        "EVIDENCE_MAX_MB_PER_ASSESSMENT": 1000,
    }
    server = Server(tmp_path / "server", url, settings).start()
    session = requests.Session()
    section = f"{server.base}/p/{vendor.token}/s/{question.section_id}"
    statuses = []
    try:
        for n in range(12):
            page = session.get(section, timeout=30).text
            response = session.post(
                section,
                data={
                    "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                    "revision": re.search(r'name="revision" value="(\d+)"', page).group(1),
                    "action": "save",
                },
                files={f"file__{question.id}": (f"大きな証跡{n}.pdf", _pdf(MB + n))},
                timeout=60,
            )
            statuses.append(response.status_code)
            if response.status_code == 507:
                assert "ディスクが一杯のため、保存できませんでした" in response.text
                assert '<html lang="ja">' in response.text
                break
    finally:
        server.stop()
    assert 507 in statuses, f"the volume never filled up: {statuses}"
    assert 500 not in statuses and statuses[0] in (200, 302)
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = connection.execute(
            "SELECT id, size, sha256, data FROM evidence WHERE removed_at IS NULL"
        ).fetchall()
        draft = connection.execute(
            "SELECT draft_answers FROM assessment WHERE id = ?", (vendor.assessment.id,)
        ).fetchone()[0]
    for _id, size, sha256, data in rows:
        assert len(data) == size and hashlib.sha256(data).hexdigest() == sha256
    stored = json.loads(draft)
    listed = {int(i) for i in stored.get("answers", stored).get(question.id, [])}
    assert listed <= {row[0] for row in rows}, "the draft lists a file that is not stored"
    stored_big = [row for row in rows if row[1] > MB - 1]
    assert len(stored_big) == sum(s in (200, 302) for s in statuses)  # acknowledged ones only


def _pdf(size: int) -> bytes:
    return TINY_PDF + os.urandom(size - len(TINY_PDF))  # random bytes: nothing compresses
