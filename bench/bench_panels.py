"""Each dashboard panel computed afresh on the ten-year dataset: median and fastest server time
and SQL queries, as the CISO sees it (the page computes them all once after any change).

    .venv/bin/python bench/bench_panels.py [instance folder] [panel ...]

Without a folder the dataset of bench_scale.py is built or reused.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import _app, build_or_reuse

from vendorcheck.domain.access import Reader
from vendorcheck.domain.jp import today_jst
from vendorcheck.services import (
    assessment_board,
    audit,
    expiry,
    monitoring_board,
    overdue_remediations,
    register_board,
)
from vendorcheck.services.ciso_queue import ciso_queue
from vendorcheck.services.organisation import (
    get_organisation,
    list_departments,
    setup_progress,
)
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Staff

RUNS = 15


def main() -> None:
    args = sys.argv[1:]
    instance = Path(args.pop(0)) if args and Path(args[0]).is_dir() else build_or_reuse(False)[0]
    app = _app(instance)
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    count = [0]
    original = db.execute_sql

    def counting(sql, params=None, *rest, **options):
        count[0] += 1
        return original(sql, params, *rest, **options)

    db.execute_sql = counting
    with app.app_context(), db.connection_context():
        staff = Staff.get(Staff.role == "ciso")
        reader, today = Reader(staff.id, staff.role, staff.department_id), today_jst()
        # The page gives the queue the board's list of answers waiting for review (web/home.py).
        waiting = assessment_board.dashboard(reader=reader).waiting_review
        panels = {
            "expiring": lambda: expiry.expiring_panel(50),
            "setup": setup_progress,
            "organisation": get_organisation,
            "queue": lambda: ciso_queue(waiting=waiting),
            "recent": lambda: audit.newest(10),
            "my_events": lambda: audit.recent_by("staff", staff.id),
            "board": lambda: assessment_board.dashboard(reader=reader),
            "remediations": overdue_remediations.overdue_remediations,
            "registers": lambda: register_board.board(reader, today),
            "monitoring": lambda: monitoring_board.board(reader),
            "departments": lambda: list_departments(include_inactive=False),
        }
        total = 0.0
        for name, compute in panels.items():
            if args and name not in args:
                continue
            times = []
            for _ in range(RUNS):
                count[0] = 0
                started = time.perf_counter()
                compute()
                times.append((time.perf_counter() - started) * 1000)
            total += statistics.median(times)
            print(
                f"{name:14s} {statistics.median(times):6.1f} ms (fastest {min(times):5.1f})"
                f" {count[0]:3d} queries"
            )
        print(f"sum of the medians {total:.1f} ms")


if __name__ == "__main__":
    main()
