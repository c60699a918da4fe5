"""Time the ISMAP list: importing a 5,000-row CSV (CP932) into an empty database, re-importing
it unchanged, and checking 200 claims against the stored list; median of several runs.

    .venv/bin/python bench/bench_ismap.py [--runs N]

Targets: a 5,000-row import in 2 s or less; 200 claims checked in 50 ms or less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vendorcheck.app import create_app
from vendorcheck.domain.ismap_checks import Claim
from vendorcheck.services import ismap as ismap_service
from vendorcheck.services import ismap_import
from vendorcheck.services.audit import Actor
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import IsmapEntry

IMPORT_TARGET_S = 2.0
CHECK_TARGET_MS = 50.0
ROWS = 5000
ACTOR = Actor.system("bench")


def list_file(rows: int) -> bytes:
    lines = [
        "登録番号,区分,クラウドサービス名,クラウドサービス事業者名,登録日,監査対象期間,言明の対象範囲"
    ]
    for i in range(rows):
        lines.append(
            f"C{i % 90 + 10}-{i:04d}-1,ISMAP,架空クラウド{i} スタンダード,株式会社架空{i % 700},"
            f"2023/4/{i % 28 + 1},2024年4月1日～2025年3月31日,全機能（東京・大阪リージョン）"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def claims(count: int) -> list[Claim]:
    rows = [i * 7 % ROWS for i in range(count)]
    return [
        Claim(
            f"C{j % 90 + 10}-{j:04d}-1",
            "ismap",
            f"(株)架空{j % 700}",
            service=f"架空クラウド{j}",
            until=dt.date(2026, 3, 31),
            partly_out_of_scope=j % 5 == 0,
        )
        for j in rows
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = list_file(ROWS)
    settings = ismap_import.ListSettings.from_config({})
    imports, reimports = [], []
    for run in range(args.runs):
        instance = Path(tempfile.mkdtemp(prefix=f"vc-bench-ismap-{run}-"))
        app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"})
        db = app.extensions["vendorcheck_db"]
        apply_migrations(db)
        with db.connection_context():
            start = time.perf_counter()
            report = ismap_import.import_file(data, "bench.csv", settings, ACTOR)
            imports.append(time.perf_counter() - start)
            assert len(report.added) == ROWS and IsmapEntry.select().count() == ROWS
            start = time.perf_counter()
            ismap_import.import_file(data, "bench.csv", settings, ACTOR)
            reimports.append(time.perf_counter() - start)
    wanted = claims(200)
    checks = []
    with db.connection_context():
        ismap_service.check_claims(wanted)
        for _ in range(20):
            start = time.perf_counter()
            results = ismap_service.check_claims(wanted)
            checks.append((time.perf_counter() - start) * 1000)
    assert len(results) == 200 and all(r.entry is not None for r in results)
    first, again = statistics.median(imports), statistics.median(reimports)
    check_ms = statistics.median(checks)
    print(
        f"import {ROWS:,} rows (CP932 CSV, empty list): {first:.2f} s (target ≤ {IMPORT_TARGET_S} s)"
    )
    print(
        f"re-import {ROWS:,} rows unchanged:            {again:.2f} s (target ≤ {IMPORT_TARGET_S} s)"
    )
    print(
        f"check 200 claims (one query):                {check_ms:.1f} ms (target ≤ {CHECK_TARGET_MS:g} ms)"
    )
    ok = first <= IMPORT_TARGET_S and again <= IMPORT_TARGET_S and check_ms <= CHECK_TARGET_MS
    print("OK" if ok else "SLOWER THAN TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
