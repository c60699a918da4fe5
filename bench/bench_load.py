"""Load on loopback: 50 vendors filling their questionnaires at once (page views, autosaves,
uploads, a submit each), alone and with staff browsing the comparison and the registers, on
SQLite and on PostgreSQL, against `vendorcheck serve` in its own process; a bare Flask route
served the same way (waitress in its own process, the same threads) in the same run.

    .venv/bin/python bench/bench_load.py [--seconds 60] [--vendors 50] [--think 0.5]
                                         [--staff-think 3]

Staff open a page every --staff-think seconds (0.5–1.5 times it, as people read what they opened:
a comparison table or a register is read for a few seconds before the next click); the same
staff clicking at the vendors' pace (--think) runs too, as the heavier load, and is printed.

Targets (issue 18): zero 5xx; zero lost or duplicated answers, checked by reading the database
afterwards (each vendor's last acknowledged autosave is the stored answer, each acknowledged
upload is one stored file, each acknowledged submit one submission); autosave p99 ≤ 300 ms on
SQLite. PostgreSQL runs when VENDORCHECK_BENCH_DATABASE_URL or VENDORCHECK_TEST_DATABASE_URL
is set (a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from http_bench import csrf_token

from tests.answering import TINY_PDF, section_form
from tests.invitation import invite_vendor
from vendorcheck.app import create_app
from vendorcheck.services import answers as answer_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.audit import Actor
from vendorcheck.store.db import open_database
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import (
    Assessment,
    Case,
    Evidence,
    Organisation,
    Submission,
)

VENDORCHECK = str(Path(sys.executable).parent / "vendorcheck")
THREADS = 8
AUTOSAVE_P99_TARGET_MS = 300
STAFF_PASSWORD = "Bench-Staff-Password-93"
STAFF_USERS = 5
REVISION = re.compile(r'name="revision" value="(\d+)"')


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped: {process.stdout.read() if process.stdout else ''}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def serve_app(database_url: str, instance: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VENDORCHECK_")}
    env |= {
        "VENDORCHECK_INSTANCE_PATH": str(instance),
        "VENDORCHECK_DATABASE_URL": database_url,
        "VENDORCHECK_SECRET_KEY": "bench-secret",
        "VENDORCHECK_BASE_URL": f"http://127.0.0.1:{port}",
        "VENDORCHECK_THREADS": str(THREADS),
        "VENDORCHECK_PORTAL_MAX_FAILURES_PER_ADDRESS": "100000",
    }
    process = subprocess.Popen(
        [VENDORCHECK, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/login", process)
    return process, base


def serve_bare() -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "from http_bench import bare_flask_app\n"
        "from waitress import serve\n"
        f"serve(bare_flask_app(), host='127.0.0.1', port={port}, threads={THREADS}, _quiet=True)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/", process)
    return process, base


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, call):
        start = time.perf_counter()
        try:
            response = call()
            status = response.status_code
        except requests.RequestException:
            response, status = None, 599
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.statuses[kind][status] += 1
        return response

    def server_errors(self) -> int:
        return sum(n for by in self.statuses.values() for s, n in by.items() if s >= 500)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


@dataclass
class VendorPlan:
    token: str
    assessment_id: int
    sections: list[tuple[str, dict, str | None]]  # id, form, a text question to mark
    files: list[tuple[str, str]]  # (section id, question id) of every file question
    acknowledged: dict[str, str] = field(default_factory=dict)  # question -> last saved text
    uploads: int = 0
    submitted: bool = False


def prepare(database_url: str, instance: Path, vendors: int) -> tuple[list[VendorPlan], dict]:
    app = create_app(
        {"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"}
    )
    db = app.extensions["vendorcheck_db"]
    from tests.commands import command_runner

    with db.connection_context():
        apply_migrations(db)
        Organisation.update(name="計測市").execute()
    result = command_runner(app).invoke(args=["demo"])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    plans = []
    with db.connection_context():
        for n in range(STAFF_USERS):
            staff_service.create_staff(
                Actor.system("bench"),
                login_id=f"bench{n}",
                display_name=f"計測職員{n}",
                role="admin",
                password=STAFF_PASSWORD,
            )
        for n in range(vendors):
            link = invite_vendor(
                app.config,
                kind="cloud",
                base_url="http://bench",
                vendor_name=f"株式会社計測{n:03d}",
                contact_email=f"v{n}@example.jp",
                case_title="計測の案件",
            )
            questionnaire = questionnaire_of(Assessment.get_by_id(link.assessment.id))
            sections = []
            for section in questionnaire.sections:
                text = next(
                    (
                        q.id
                        for q in section.questions
                        if q.type == "text" and q.show_if is None and section.show_if is None
                    ),
                    None,
                )
                sections.append((section.id, section_form(questionnaire, section.id), text))
            files = [(q.section_id, q.id) for q in questionnaire.questions if q.type == "file"]
            plans.append(
                VendorPlan(
                    link.url.rstrip("/").rsplit("/", 1)[1], link.assessment.id, sections, files
                )
            )
        compared = Assessment.select().where(Assessment.submitted_version > 0).first().case_id
        pages = {"comparison": f"/cases/{compared}/comparison", "registers": "/registers/"}
        pages["assessments"] = "/assessments/"
    db.close()
    return plans, pages


def _revision(html: str) -> int | None:
    match = REVISION.search(html)
    return int(match.group(1)) if match else None


def _upload(session, portal: str, plan: VendorPlan, stats: Stats, question_id: str) -> None:
    """Attach a file the way the page's form does: the section's answers go with it."""
    section_id = next(s for s, q in plan.files if q == question_id)
    _id, form, marker = next(entry for entry in plan.sections if entry[0] == section_id)
    answers = dict(form)
    if marker and marker in plan.acknowledged:
        answers[f"q__{marker}"] = plan.acknowledged[marker]
    page = session.get(f"{portal}/s/{section_id}", timeout=60)
    post = functools.partial(
        session.post,
        f"{portal}/s/{section_id}",
        data={
            **answers,
            "csrf_token": csrf_token(page.text),
            "revision": str(_revision(page.text)),
            "action": "save",
        },
        files={f"file__{question_id}": (f"証跡{plan.uploads}.pdf", TINY_PDF)},
        allow_redirects=False,
        timeout=60,
    )
    upload = stats.timed("upload", post)
    if upload is not None and upload.status_code == 302:
        plan.uploads += 1


def _submit(session, portal: str, plan: VendorPlan, stats: Stats) -> None:
    confirm = session.get(f"{portal}/confirm", timeout=60)
    current = _revision(confirm.text)
    if current is None:  # not ready: the page has no submit form
        return
    post = functools.partial(
        session.post,
        f"{portal}/submit",
        data={"csrf_token": csrf_token(confirm.text), "revision": str(current)},
        allow_redirects=False,
        timeout=60,
    )
    submitted = stats.timed("submit", post)
    plan.submitted = bool(
        submitted is not None
        and submitted.status_code == 302
        and submitted.headers["Location"].rstrip("/").endswith(plan.token)
    )


def vendor_loop(base: str, plan: VendorPlan, stats: Stats, until: float, think: float) -> None:
    """View a section, autosave it (a marked text answer), now and then attach a file; submit
    in the last seconds."""
    session = requests.Session()
    portal = f"{base}/p/{plan.token}"
    rng = random.Random(plan.assessment_id)
    iteration = 0
    while time.monotonic() < until - 4:
        for section_id, form, marker in plan.sections:
            if time.monotonic() >= until - 4:
                break
            get = functools.partial(session.get, f"{portal}/s/{section_id}", timeout=60)
            page = stats.timed("view", get)
            if page is None or page.status_code != 200:
                continue
            data = {**form, "section_id": section_id, "revision": str(_revision(page.text))}
            if marker:
                data[f"q__{marker}"] = f"計測{plan.assessment_id}-{iteration}"
            post = functools.partial(
                session.post,
                f"{portal}/autosave",
                data=data,
                headers={"X-CSRFToken": csrf_token(page.text)},
                timeout=60,
            )
            saved = stats.timed("autosave", post)
            ok = saved is not None and saved.status_code == 200 and saved.json().get("ok")
            if ok and marker:
                plan.acknowledged[marker] = data[f"q__{marker}"]
            iteration += 1
            for file_section, question_id in plan.files:
                if file_section == section_id and plan.uploads < 2 * len(plan.files):
                    _upload(session, portal, plan, stats, question_id)
            time.sleep(think * rng.uniform(0.5, 1.5))
    _submit(session, portal, plan, stats)


def staff_loop(base: str, login_id: str, pages: dict, stats: Stats, until: float, think: float):
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/login", timeout=60).text)
    session.post(
        f"{base}/login",
        data={"login_id": login_id, "password": STAFF_PASSWORD, "csrf_token": token},
        timeout=60,
    )
    while time.monotonic() < until:
        for kind, path in pages.items():
            stats.timed(kind, functools.partial(session.get, f"{base}{path}", timeout=60))
            time.sleep(think * random.uniform(0.5, 1.5))


def bare_loop(base: str, stats: Stats, until: float, think: float) -> None:
    session = requests.Session()
    while time.monotonic() < until:
        stats.timed("bare", lambda: session.get(f"{base}/", timeout=60))
        time.sleep(think * random.uniform(0.5, 1.5))


def check_database(database_url: str, plans: list[VendorPlan]) -> list[str]:
    """Zero lost or duplicated answers, files and submissions, read from the database."""
    db = open_database(database_url)
    from vendorcheck.store.db import bind

    bind(db)
    problems = []
    with db.connection_context():
        for plan in plans:
            row = Assessment.get_by_id(plan.assessment_id)
            stored = json.loads(row.draft_answers)
            answers = stored.get("answers", stored)
            for question, value in plan.acknowledged.items():
                if answers.get(question) != value:
                    problems.append(f"{plan.token[:6]} {question}: {answers.get(question)!r}")
            files = Evidence.select().where(Evidence.assessment == row.id).count()
            if files != plan.uploads:
                problems.append(f"{plan.token[:6]}: {files} files stored, {plan.uploads} acked")
            if not plan.submitted and plan is plans[0]:
                check = answer_service.readiness(row, questionnaire_of(row))
                print(f"  not submitted: missing {check.missing} invalid {check.invalid}")
            submissions = Submission.select().where(Submission.assessment == row.id).count()
            if submissions != (1 if plan.submitted else 0):
                problems.append(f"{plan.token[:6]}: {submissions} submissions")
        assert Case.select().count() > 0
    db.close()
    return problems


def run(label: str, database_url: str, args, staff_think: float | None) -> dict:
    """One run: the vendors, and staff browsing every staff_think seconds unless None."""
    with_staff = staff_think is not None
    instance = Path(tempfile.mkdtemp(prefix="vc-load-"))
    plans, pages = prepare(database_url, instance, args.vendors)
    process, base = serve_app(database_url, instance)
    bare_process, bare_base = serve_bare()
    stats = Stats()
    try:
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=vendor_loop, args=(base, p, stats, until, args.think))
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
    print(f"== {label}: {args.vendors} vendors{staff}, {args.seconds} s")
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


def postgres_url() -> tuple[str, str, str] | None:
    base = os.environ.get("VENDORCHECK_BENCH_DATABASE_URL") or os.environ.get(
        "VENDORCHECK_TEST_DATABASE_URL"
    )
    if not base:
        return None
    schema = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = open_database(base)
    admin.connect()
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    admin.close()
    separator = "&" if "?" in base else "?"
    return base, schema, f"{base}{separator}options=-csearch_path%3D{schema}"


def drop_schema(base: str, schema: str) -> None:
    admin = open_database(base)
    admin.connect()
    admin.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--vendors", type=int, default=50)
    parser.add_argument("--think", type=float, default=0.5, help="seconds between a vendor's steps")
    parser.add_argument(
        "--staff-think", type=float, default=3.0, help="seconds between a staff member's pages"
    )
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    failures = []
    # Vendors alone; with staff at a person's pace (the target); with staff clicking at the
    # vendors' pace (the heavier load: printed, and checked for 5xx and lost answers only).
    paces = ((None, True), (args.staff_think, True), (args.think, False))
    for staff_think, target in paces:
        directory = Path(tempfile.mkdtemp(prefix="vc-load-db-"))
        outcome = run("SQLite", f"sqlite:///{directory / 'load.db'}", args, staff_think)
        shutil.rmtree(directory, ignore_errors=True)
        if target and outcome["autosave_p99"] > AUTOSAVE_P99_TARGET_MS:
            failures.append(f"SQLite autosave p99 {outcome['autosave_p99']:.0f} ms > 300 ms")
        failures += [f"SQLite: {p}" for p in outcome["problems"]]
        failures += [f"SQLite: {outcome['errors']} 5xx"] if outcome["errors"] else []
    pg = None if args.sqlite_only else postgres_url()
    if pg is None and not args.sqlite_only:
        print("== PostgreSQL: not run (set VENDORCHECK_BENCH_DATABASE_URL)")
    for staff_think, _target in paces if pg else ():
        base, schema, url = pg
        try:
            outcome = run("PostgreSQL", url, args, staff_think)
        finally:
            drop_schema(base, schema)
            pg = postgres_url()
        failures += [f"PostgreSQL: {p}" for p in outcome["problems"]]
        failures += [f"PostgreSQL: {outcome['errors']} 5xx"] if outcome["errors"] else []
    print("== targets:", "all met" if not failures else "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
