"""Serve vendorcheck and a bare Flask route the same way; print req/s, p50/p99 and the ratio.

Run: .venv/bin/python bench/bench_pages.py [--requests 600] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from http_bench import Served, bare_flask_app, csrf_token, load

from vendorcheck.app import create_app
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.store.migrate import apply_migrations

PASSWORD = "Measure-Password-2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="vc-bench-"))
    app = create_app({"INSTANCE_PATH": str(instance), "LOGIN_MAX_FAILURES_PER_ADDRESS": 10_000})
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    with db.connection_context():
        staff_service.create_staff(
            Actor.system(), login_id="bench", display_name="計測", role="admin", password=PASSWORD
        )

    results = []
    with Served(bare_flask_app()) as bare:
        results.append(
            load(
                "bare Flask route",
                requests.Session,
                lambda s: s.get(bare.url + "/"),
                total=args.requests,
                concurrency=args.concurrency,
            )
        )
    with Served(app) as served:
        results.append(
            load(
                "login page (GET /login)",
                requests.Session,
                lambda s: s.get(served.url + "/login"),
                total=args.requests,
                concurrency=args.concurrency,
            )
        )

        def logged_in() -> requests.Session:
            session = requests.Session()
            token = csrf_token(session.get(served.url + "/login").text)
            session.post(
                served.url + "/login",
                data={"login_id": "bench", "password": PASSWORD, "csrf_token": token},
            )
            return session

        results.append(
            load(
                "staff page (GET /admin/staff)",
                logged_in,
                lambda s: s.get(served.url + "/admin/staff"),
                total=args.requests,
                concurrency=args.concurrency,
                ok=lambda r: r.status_code == 200 and "職員の管理" in r.text,
            )
        )
    print(
        f"{args.requests} requests, {args.concurrency} concurrent clients, waitress with 8 threads, SQLite"
    )
    for result in results:
        print(result.line(results[0]))


if __name__ == "__main__":
    main()
