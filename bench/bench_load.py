"""Load on loopback: 50 vendors filling their questionnaires at once (page views, autosaves,
uploads, a submit each), alone and with staff browsing the comparison and the registers, on
SQLite and on PostgreSQL, against `vendorcheck serve` in its own process; a bare Flask route
served the same way (waitress in its own process, the same threads) in the same run.

    .venv/bin/python bench/bench_load.py [--seconds 60] [--vendors 50] [--think 0.5]
                                         [--staff-think 3] [--ramp 10]

Vendors open their links at moments spread over the first --ramp seconds (as invitation mails
are opened, not all in one instant; every request from the first is counted), then move as
the portal lets a person move: each step (view a section, change an answer)
takes 0.5–1.5 × --think seconds of typing, and the save goes out when the page's script sends
it, its delay after the last keystroke (DELAY in autosave.js, read from the file: 1.2 s), so a
vendor saves every 1.45–1.95 s at most. Staff open a page every --staff-think seconds (0.5–1.5
times it, as people read what they opened: a comparison table or a register is read for a few
seconds before the next click). A third run, the heavier load, has vendors saving without the
script's delay (every 0.25–0.75 s, faster than any browser sends) and staff clicking at that
pace too; it is printed and checked for 5xx and lost answers only.

Targets (issue 18): zero 5xx; zero lost or duplicated answers, checked by reading the database
afterwards (each vendor's last acknowledged autosave is the stored answer, each acknowledged
upload is one stored file, each acknowledged submit one submission); autosave p99 ≤ 300 ms on
SQLite. PostgreSQL runs when VENDORCHECK_BENCH_DATABASE_URL or VENDORCHECK_TEST_DATABASE_URL
is set (a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_setup import (
    STAFF_USERS,
    check_database,
    drop_schema,
    postgres_url,
    prepare,
    serve_app,
    serve_bare,
)
from load_traffic import Stats, autosave_delay, bare_loop, percentile, staff_loop, vendor_loop

AUTOSAVE_P99_TARGET_MS = 300


def run(label: str, database_url: str, args, staff_think: float | None, after_input: float) -> dict:
    """One run: the vendors (saving after_input seconds after their typing), and staff
    browsing every staff_think seconds unless None."""
    with_staff = staff_think is not None
    instance = Path(tempfile.mkdtemp(prefix="vc-load-"))
    plans, pages = prepare(database_url, instance, args.vendors)
    process, base = serve_app(database_url, instance)
    bare_process, bare_base = serve_bare()
    stats = Stats()
    try:
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=vendor_loop,
                args=(base, p, stats, until, args.think, after_input, args.ramp),
            )
            for p in plans
        ]
        if with_staff:
            threads += [
                threading.Thread(
                    target=staff_loop, args=(base, f"bench{n}", pages, stats, until, staff_think)
                )
                for n in range(STAFF_USERS)
            ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        bare = Stats()
        bare_until = time.monotonic() + min(15, args.seconds)
        bare_threads = [
            threading.Thread(target=bare_loop, args=(bare_base, bare, bare_until, args.think))
            for _ in range(len(threads))
        ]
        for thread in bare_threads:
            thread.start()
        for thread in bare_threads:
            thread.join()
    finally:
        process.terminate()
        bare_process.terminate()
        process.wait(timeout=30)
        bare_process.wait(timeout=30)
    problems = check_database(database_url, plans)
    shutil.rmtree(instance, ignore_errors=True)
    bare_p50 = percentile(bare.latencies["bare"], 0.5)
    bare_p99 = percentile(bare.latencies["bare"], 0.99)
    total = sum(len(v) for v in stats.latencies.values())
    staff = f" + {STAFF_USERS} staff every {staff_think:g} s" if with_staff else ""
    pace = f"saving {after_input:g} s after typing" if after_input else "saving without delay"
    print(f"== {label}: {args.vendors} vendors {pace}{staff}, {args.seconds} s")
    print(
        f"  {total / args.seconds:7.1f} req/s in all; bare route with as many clients: "
        f"{len(bare.latencies['bare']) / min(15, args.seconds):7.1f} req/s, "
        f"p50 {bare_p50:.1f} ms, p99 {bare_p99:.1f} ms"
    )
    for kind, values in sorted(stats.latencies.items()):
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        statuses = dict(sorted(stats.statuses[kind].items()))
        print(
            f"  {kind:<12} n={len(values):6d}  p50 {p50:7.1f} ms ({p50 / max(bare_p50, 0.01):5.1f}× bare)"
            f"  p99 {p99:7.1f} ms ({p99 / max(bare_p99, 0.01):5.1f}× bare)  {statuses}"
        )
    submitted = sum(p.submitted for p in plans)
    print(
        f"  5xx: {stats.server_errors()}  submitted: {submitted}/{len(plans)}  uploads: "
        f"{sum(p.uploads for p in plans)}  lost or duplicated: {len(problems)} {problems[:5]}"
    )
    return {
        "autosave_p99": percentile(stats.latencies["autosave"], 0.99),
        "errors": stats.server_errors(),
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--vendors", type=int, default=50)
    parser.add_argument("--think", type=float, default=0.5, help="seconds a vendor types per step")
    parser.add_argument(
        "--staff-think", type=float, default=3.0, help="seconds between a staff member's pages"
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which the vendors open their links"
    )
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    failures = []
    # Vendors alone; with staff at a person's pace (the targets); vendors saving without the
    # page's delay and staff clicking at that pace (the heavier load: printed, and checked for
    # 5xx and lost answers only).
    delay = autosave_delay()
    paces = ((None, delay, True), (args.staff_think, delay, True), (args.think, 0.0, False))
    for staff_think, after_input, target in paces:
        directory = Path(tempfile.mkdtemp(prefix="vc-load-db-"))
        outcome = run(
            "SQLite", f"sqlite:///{directory / 'load.db'}", args, staff_think, after_input
        )
        shutil.rmtree(directory, ignore_errors=True)
        if target and outcome["autosave_p99"] > AUTOSAVE_P99_TARGET_MS:
            failures.append(f"SQLite autosave p99 {outcome['autosave_p99']:.0f} ms > 300 ms")
        failures += [f"SQLite: {p}" for p in outcome["problems"]]
        failures += [f"SQLite: {outcome['errors']} 5xx"] if outcome["errors"] else []
    pg = None if args.sqlite_only else postgres_url()
    if pg is None and not args.sqlite_only:
        print("== PostgreSQL: not run (set VENDORCHECK_BENCH_DATABASE_URL)")
    for staff_think, after_input, _target in paces if pg else ():
        base, schema, url = pg
        try:
            outcome = run("PostgreSQL", url, args, staff_think, after_input)
        finally:
            drop_schema(base, schema)
            pg = postgres_url()
        failures += [f"PostgreSQL: {p}" for p in outcome["problems"]]
        failures += [f"PostgreSQL: {outcome['errors']} 5xx"] if outcome["errors"] else []
    print("== targets:", "all met" if not failures else "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
