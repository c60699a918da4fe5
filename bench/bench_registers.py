"""Register speed: a register of 10,000 entries listed, filtered, sorted and paginated, and the public
JSON of 200 official accounts. Prints the server time (in-process, one request at a time) and
the ratio to a bare Flask route measured the same way, then req/s under waitress with the
ratio to the bare route served the same way.
Targets (issue 12): list/filter/paginate ≤ 50 ms server time; public JSON ≤ 20 ms.
Run: .venv/bin/python bench/bench_registers.py [--entries 10000] [--requests 400]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from http_bench import Served, bare_flask_app, load

from vendorcheck.app import create_app
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.store.db import database
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Department, RegisterEntry, RegisterPerson, Staff

PASSWORD = "Correct-Horse-Battery-9"
PUBLIC_ACCOUNTS = 200


def fill(entries: int) -> None:
    departments = [d.id for d in Department.select()]
    rows, people = [], []
    start = dt.date(2024, 4, 1)
    for number in range(entries):
        sns = number < PUBLIC_ACCOUNTS or number % 3 == 0
        rows.append(
            {
                "entry_type": "sns" if sns else "service",
                "name": f"{'公式アカウント' if sns else '外部サービス'}{number:05d}",
                "name_normalized": f"{'公式アカウント' if sns else '外部サービス'}{number:05d}",
                "status": "active"
                if number < PUBLIC_ACCOUNTS
                else ("retired", "active", "suspended")[number % 3],
                "department": departments[number % len(departments)],
                "platform": "x" if sns else "",
                "account_name": f"架空市公式{number}" if sns else "",
                "url": f"https://x.example.com/kakuu{number}",
                "classification_level": "1",
                "start_date": start,
                "next_review_on": start + dt.timedelta(days=number % 900),
                "mfa_enabled": number % 7 != 0,
            }
        )
    with database.atomic():
        for offset in range(0, len(rows), 500):
            RegisterEntry.insert_many(rows[offset : offset + 500]).execute()
        for entry_id in RegisterEntry.select(RegisterEntry.id).tuples():
            people.append(
                {
                    "entry": entry_id[0],
                    "role": "responsible",
                    "name": "計測 太郎",
                    "department_name": "事務部局",
                    "effective_from": start,
                }
            )
        for offset in range(0, len(people), 500):
            RegisterPerson.insert_many(people[offset : offset + 500]).execute()


def server_ms(client, path: str, runs: int = 40) -> float:
    timings = []
    for _ in range(runs + 5):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings[5:])


def login(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"login_id": "bench", "password": PASSWORD, "csrf_token": token})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="vc-bench-registers-"))
    app = create_app({"INSTANCE_PATH": str(instance)})
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    with db.connection_context():
        staff, _ = staff_service.create_staff(
            Actor.system("bench"),
            login_id="bench",
            display_name="計測",
            role="ciso",
            password=PASSWORD,
        )
        Staff.update(must_change_password=False).where(Staff.id == staff.id).execute()
        fill(args.entries)

    bare = bare_flask_app().test_client()
    bare_ms = server_ms(bare, "/")
    client = app.test_client()
    login(client)
    pages = {
        "list (page 1)": "/registers/",
        "filter (SNS, 利用中, name)": "/registers/?type=sns&status=active&q=%E5%85%AC%E5%BC%8F",
        "filter (要対応)": "/registers/?flagged=1",
        "paginate (page 150)": "/registers/?page=150",
        "sort (部局, desc, page 3)": "/registers/?sort=department&order=desc&page=3",
        "filter (多要素認証なし)": "/registers/?flag=no_mfa",
    }
    print(f"register of {args.entries} entries; bare Flask route {bare_ms:.2f} ms server time")
    for label, path in pages.items():
        ms = server_ms(client, path)
        verdict = "ok" if ms <= 50 else "OVER 50 ms"
        print(f"  {label:<28} {ms:7.2f} ms  ({ms / bare_ms:6.1f} × bare)  {verdict}")
    public = app.test_client()
    ms = server_ms(public, "/official-accounts.json")
    count = len(public.get("/official-accounts.json").get_json()["accounts"])
    verdict = "ok" if ms <= 20 else "OVER 20 ms"
    print(
        f"  public JSON ({count} accounts)   {ms:7.2f} ms  ({ms / bare_ms:6.1f} × bare)  {verdict}"
    )

    results = []
    with Served(bare_flask_app()) as served_bare:
        results.append(
            load(
                "bare Flask route",
                requests.Session,
                lambda s: s.get(served_bare.url + "/"),
                total=args.requests,
            )
        )
    with Served(app) as served:
        results.append(
            load(
                "public JSON",
                requests.Session,
                lambda s: s.get(served.url + "/official-accounts.json"),
                total=args.requests,
            )
        )
    for result in results:
        print(result.line(results[0]))


if __name__ == "__main__":
    main()
