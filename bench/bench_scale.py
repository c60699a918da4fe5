"""Speed on ten years of data (issue 17): every figure of the issue's table, with its target.

Builds the ten-year dataset (`vendorcheck demo --scale 10y` plus one cloud case of 50 bidders)
once and keeps it under bench/.cache/, keyed by a hash of the migrations, the dataset code and
the questionnaires; later runs copy it. Then, in the same run and on the same machine:

* in-process (Flask test client): server time p50 and SQL queries of the dashboard, the case,
  vendor, register and audit lists (page 1 and page 50, with a filter), the comparison;
* real servers on loopback with a Python load generator: the dashboard under waitress and the
  vendor portal's section page under gunicorn (2 sync workers), as ratios to a bare Flask
  route served the same way;
* `vendorcheck remind` over the whole dataset.

    .venv/bin/python bench/bench_scale.py [--requests 300] [--concurrency 4] [--rebuild]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from http_bench import Served, bare_flask_app, csrf_token, load

from vendorcheck.app import create_app
from vendorcheck.services import demo_scale, invitations
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.reminders import queue_reminders
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Assessment, Case
from vendorcheck.web.home import CACHE_KEY as DASHBOARD_CACHE

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
PASSWORD = "Bench-Scale-Password-2026"
KEYED = [
    "vendorcheck/store/migrations",
    "vendorcheck/services/demo_scale.py",
    "vendorcheck/services/demo_scale_cases.py",
    "vendorcheck/services/demo_scale_history.py",
    "vendorcheck/services/demo_answers.py",
    "vendorcheck/services/expiry_facts.py",
    "vendorcheck/domain/expiry_dates.py",
    "questionnaires",
]
LISTS = {  # every staff list: its address, then filters and sorts to time on page 1 and 50
    "case list": ("/cases/", ["kind=cloud", "sort=title", "status=submitted", "q=システム"]),
    "vendor list": ("/vendors/", ["q=サンプル", "sort=updated&order=desc", "sort=email"]),
    "assessment list": ("/assessments/", ["status=submitted", "sort=vendor&order=desc", "q=株式"]),
    "register list": ("/registers/", ["status=active", "flagged=y", "sort=department"]),
    "audit log": ("/audit/", ["object_type=assessment", "action=assessment.submit",
                              "actor=事業者", "text=回答", "sort=actor", "since=2020-04-01"]),
    "ISMAP list": ("/ismap/", ["q=クラウド", "list=ismap&removed=1"]),
    "contract list": ("/contracts/", ["status=active", "sort=vendor&order=desc", "due=overdue"]),
}  # fmt: skip


def dataset_key() -> str:
    digest = hashlib.sha256()
    for name in KEYED:
        path = ROOT / name
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(ROOT).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _app(instance: Path):
    return create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "bench-secret",
            "BASE_URL": "http://127.0.0.1",
            "LOGIN_MAX_FAILURES_PER_ADDRESS": 100_000,
        }
    )


def build_or_reuse(rebuild: bool) -> tuple[Path, dict]:
    """Copy the cached dataset into a fresh instance folder (building it first if needed)."""
    key = dataset_key()
    cached, meta_file = CACHE / f"scale-{key}.db", CACHE / f"scale-{key}.json"
    if rebuild or not cached.exists():
        CACHE.mkdir(exist_ok=True)
        for old in CACHE.glob("scale-*"):
            old.unlink()
        build = Path(tempfile.mkdtemp(prefix="vc-scale-build-"))
        app = _app(build)
        db = app.extensions["vendorcheck_db"]
        apply_migrations(db)
        catalogue = questionnaire_service.catalogue(app.config)
        pick = lambda kind: next(iter(catalogue.for_kind(kind)), None)  # noqa: E731
        started = time.perf_counter()
        with app.app_context(), db.connection_context():
            result = demo_scale.load_scale(pick, password=PASSWORD)
            case_id = demo_scale.bidding_case(pick("cloud"), 50)
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        seconds = time.perf_counter() - started
        shutil.copy(build / "vendorcheck.db", cached)
        meta = {"bidding_case": case_id, "counts": result.counts, "build_seconds": seconds}
        meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        print(f"built the ten-year dataset in {seconds:.0f} s: {result.counts}")
    else:
        print(f"reusing the ten-year dataset {cached.name}")
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    instance = Path(tempfile.mkdtemp(prefix="vc-scale-"))
    shutil.copy(cached, instance / "vendorcheck.db")
    return instance, meta


def login(client_or_session, base: str = "") -> None:
    get = client_or_session.get
    page = get(f"{base}/login")
    html = page.get_data(as_text=True) if hasattr(page, "get_data") else page.text
    client_or_session.post(
        f"{base}/login",
        data={"login_id": "ciso", "password": PASSWORD, "csrf_token": csrf_token(html)},
    )


def in_process(app, path: str, runs: int, fresh=lambda: None) -> tuple[float, int, int]:
    """p50 server time (ms), queries of one view, HTML bytes: the Flask test client; `fresh`
    runs before each measured view (to drop the dashboard's kept panels)."""
    client = app.test_client()
    login(client)
    db = app.extensions["vendorcheck_db"]
    client.get(path)
    statements: list[str] = []
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    fresh()
    response = client.get(path)
    db.execute_sql = original
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(runs):
        fresh()
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(statements), len(response.data)


def list_figures(app, runs: int) -> list[tuple[str, str, str, str]]:
    """Server time and queries of every list, unfiltered and with each filter or sort, on
    page 1 and page 50: met when the slowest is ≤ 50 ms and page 50 costs the queries of
    page 1 (the tests compare the counts on small and ten-year data)."""
    rows = []
    for name, (path, variants) in LISTS.items():
        figures = []
        for query in ["", *variants]:
            for page in (1, 50):
                address = "&".join(p for p in (query, f"page={page}" if page > 1 else "") if p)
                ms, queries, _ = in_process(app, f"{path}?{address}" if address else path, runs)
                figures.append((f"{query or '—'} p{page}", ms, queries))
        slowest = max(figures, key=lambda figure: figure[1])
        constant = all(a[2] == b[2] for a, b in zip(figures[::2], figures[1::2], strict=True))
        text = (f"slowest {slowest[1]:.1f} ms ({slowest[0]}); "
                + ", ".join(f"{label} {ms:.1f} ms/{q} q" for label, ms, q in figures))  # fmt: skip
        rows.append((f"{name}: server time", text, "≤ 50 ms; same queries on page 1 and 50",
                     verdict(slowest[1] <= 50 and constant)))  # fmt: skip
    return rows


def wrk_rps(url: str, cookie: str = "", seconds: int = 8, connections: int = 8) -> float | None:
    """req/s that wrk measures on one URL (None when wrk is not installed)."""
    if shutil.which("wrk") is None:
        return None
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(match.group(1)) if match else None


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def gunicorn_ratio(instance: Path, portal_path: str, args) -> tuple[float, float]:
    """req/s of the portal section page and of a bare route, each under gunicorn 2 sync workers."""
    results = []
    for target, path in (
        ("http_bench:bare_flask_app()", "/"),
        ("vendorcheck.wsgi:app", portal_path),
    ):
        port = _free_port()
        env = {
            "PATH": str(Path(sys.executable).parent),
            "VENDORCHECK_INSTANCE_PATH": str(instance),
            "VENDORCHECK_SECRET_KEY": "bench-secret",
            "VENDORCHECK_BASE_URL": "http://127.0.0.1",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
        }
        command = [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-k", "sync",
                   "-b", f"127.0.0.1:{port}", "--log-level", "warning", target]  # fmt: skip
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base + path)
            result = load(f"gunicorn {target}", requests.Session, lambda s, u=base + path: s.get(u),
                          total=args.requests, concurrency=args.concurrency)  # fmt: skip
            results.append(result)
        finally:
            process.terminate()
            process.wait(timeout=30)
    bare, portal = results
    return portal.rps, 100 * portal.rps / bare.rps if bare.rps else 0.0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=10).status_code < 500:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--runs", type=int, default=15, help="in-process views per figure")
    parser.add_argument("--rebuild", action="store_true", help="build the dataset again")
    args = parser.parse_args()
    instance, meta = build_or_reuse(args.rebuild)
    app = _app(instance)
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    rows: list[tuple[str, str, str, str]] = []

    dashboard_ms, dashboard_queries, _ = in_process(app, "/", args.runs)
    rows.append(("dashboard: server time p50", f"{dashboard_ms:.1f} ms ({dashboard_queries} queries)",
                 "≤ 25 ms", verdict(dashboard_ms <= 25)))  # fmt: skip
    # After any change the panels are computed afresh once (then kept until the next change).
    cold_ms, cold_queries, _ = in_process(app, "/", args.runs,
                                          lambda: app.extensions.pop(DASHBOARD_CACHE, None))  # fmt: skip
    rows.append(("dashboard after a change (panels computed)", f"{cold_ms:.1f} ms "
                 f"({cold_queries} queries)", "≤ 25 ms", verdict(cold_ms <= 25)))  # fmt: skip
    rows += list_figures(app, args.runs)
    comparison = f"/cases/{meta['bidding_case']}/comparison"
    compare_ms, compare_queries, compare_bytes = in_process(app, comparison, args.runs)
    rows.append(("comparison 50 bidders × cloud", f"{compare_ms:.1f} ms, {compare_bytes / 1024:.0f} KB "
                 f"({compare_queries} queries)", "≤ 60 ms; ≤ 200 KB",
                 verdict(compare_ms <= 60 and compare_bytes <= 200 * 1024)))  # fmt: skip

    with Served(bare_flask_app()) as bare:
        bare_result = load("bare Flask route (waitress)", requests.Session,
                           lambda s: s.get(bare.url + "/"), total=args.requests,
                           concurrency=args.concurrency)  # fmt: skip
        bare_wrk = wrk_rps(bare.url + "/")
    with Served(app) as served:

        def logged_in() -> requests.Session:
            session = requests.Session()
            login(session, served.url)
            return session

        dash = load("dashboard (waitress)", logged_in, lambda s: s.get(served.url + "/"),
                    total=args.requests, concurrency=args.concurrency,
                    ok=lambda r: r.status_code == 200 and "ダッシュボード" in r.text)  # fmt: skip
        session = logged_in()
        cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
        dash_wrk = wrk_rps(served.url + "/", cookie)
    ratio = 100 * dash.rps / bare_result.rps if bare_result.rps else 0.0
    rows.append(("dashboard: req/s vs bare (waitress)", f"{dash.rps:.0f} vs {bare_result.rps:.0f} "
                 f"req/s = {ratio:.1f} %", "≥ 15 %", verdict(ratio >= 15)))  # fmt: skip
    if dash_wrk and bare_wrk:
        wrk_ratio = 100 * dash_wrk / bare_wrk
        rows.append(("dashboard: req/s vs bare (waitress, wrk 8 connections)",
                     f"{dash_wrk:.0f} vs {bare_wrk:.0f} req/s = {wrk_ratio:.1f} %", "≥ 15 %",
                     verdict(wrk_ratio >= 15)))  # fmt: skip

    with app.app_context(), db.connection_context():
        editable = (Assessment.select().join(Case)
                    .where(Assessment.status == "in_progress", Case.closed == False)  # noqa: E712
                    .order_by(Assessment.id).first())  # fmt: skip
        link = invitations.fresh_link(editable, invitations.LinkSettings.from_config(app.config))
        section = questionnaire_of(editable).sections[0].id
    portal_path = f"{link.url.removeprefix('http://127.0.0.1')}s/{section}"
    portal_rps, portal_ratio = gunicorn_ratio(instance, portal_path, args)
    rows.append(("vendor portal section (gunicorn 2 sync)", f"{portal_rps:.0f} req/s = "
                 f"{portal_ratio:.1f} % of bare", "≥ 10 %", verdict(portal_ratio >= 10)))  # fmt: skip

    with app.app_context(), db.connection_context():
        started = time.perf_counter()
        report = queue_reminders()
        remind_s = time.perf_counter() - started
    rows.append(("vendorcheck remind, whole dataset", f"{remind_s:.2f} s ({report.queued} mails)",
                 "≤ 5 s", verdict(remind_s <= 5)))  # fmt: skip

    counts = ", ".join(f"{key} {value:,}" for key, value in meta["counts"].items())
    print(f"dataset: {counts}; 50-bidder case {meta['bidding_case']}")
    print(f"{args.requests} requests, {args.concurrency} clients (Python load generator), SQLite")
    width = max(len(row[0]) for row in rows)
    for name, figure, target, met in rows:
        print(f"{name:<{width}}  {figure}  [target {target}: {met}]")
    shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
