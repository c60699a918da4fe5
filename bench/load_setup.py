"""bench_load's setting: the servers (vendorcheck serve and a bare Flask route, each in its own
process), the PostgreSQL schema of a run, the vendors' plan made through the services before the
run, and the database read afterwards for lost or duplicated answers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.answering import section_form
from tests.commands import command_runner
from tests.invitation import invite_vendor
from vendorcheck.app import create_app
from vendorcheck.services import answers as answer_service
from vendorcheck.services import staff as staff_service
from vendorcheck.services.assessments import questionnaire_of
from vendorcheck.services.audit import Actor
from vendorcheck.store.db import bind, open_database
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
STAFF_PASSWORD = "Bench-Staff-Password-93"
STAFF_USERS = 5


def free_port() -> int:
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


def check_database(database_url: str, plans: list[VendorPlan]) -> list[str]:
    """Zero lost or duplicated answers, files and submissions, read from the database."""
    db = open_database(database_url)
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
