"""PostgreSQL backends of a running server terminated under load (pg_terminate_backend on the
app's own connections): the app recovers without a restart and the next requests succeed; only a request whose query was
running on a terminated backend at that moment fails."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import psycopg2
import pytest
import requests

from tests.conftest import PASSWORD, PG_URL
from tests.servers import Server, staff_session

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
PAGES = ("/", "/cases/", "/assessments/", "/vendors/")


def _terminate(application_name: str) -> int:
    connection = psycopg2.connect(PG_URL)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s AND pid <> pg_backend_pid()",
                (application_name,),
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_terminated_backends_under_load_do_not_need_a_restart(
    app, db, database_url, tmp_path, make_staff
):
    staff = make_staff("admin")
    db.close()
    name = f"vcfault_{uuid.uuid4().hex[:8]}"
    server = Server(tmp_path / "server", f"{database_url}&application_name={name}").start()
    try:
        session = staff_session(server, staff.login_id, PASSWORD)
        statuses: Counter = Counter()
        stop = threading.Event()

        def load() -> None:
            n = 0
            while not stop.is_set():
                try:
                    page = PAGES[n % len(PAGES)]
                    statuses[session.get(f"{server.base}{page}", timeout=30).status_code] += 1
                except requests.RequestException:
                    statuses["error"] += 1
                n += 1

        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        terminated = sum(_terminate(name) for _ in range(3) if not time.sleep(0.3))
        time.sleep(1.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert terminated >= 1, "no backend of the app was terminated"
        after = [session.get(f"{server.base}{p}", timeout=30).status_code for p in PAGES * 5]
        assert after == [200] * len(after), f"after the termination: {after} (load: {statuses})"
        assert server.process.poll() is None  # the same process, never restarted
        assert statuses[200] > 20 and statuses["error"] == 0
        # A query running on a backend at the moment it is terminated fails (a Japanese 500
        # page); the pool checks each connection as it hands it out, so no other request does.
        assert statuses[500] <= terminated, f"more failures than terminated backends: {statuses}"
    finally:
        server.stop()
