"""Portal speed: the page of a 200-question section and autosave under concurrent writers.

Serves vendorcheck and a bare Flask route with waitress in the same run and prints req/s,
p50/p99 and the ratio to the bare route, the page's HTML size and the JavaScript it loads.
Run: .venv/bin/python bench/bench_portal.py [--requests 400]
"""

from __future__ import annotations

import argparse
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
from vendorcheck.services import invitations
from vendorcheck.services.audit import Actor
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Case, Vendor

ROOT = Path(__file__).resolve().parents[1]


def synthetic_questionnaire(directory: Path, questions: int = 200) -> None:
    """One section of 200 mixed questions: the worst case for one portal page."""
    lines = [
        'id = "bench"',
        "version = 1",
        'respondent = "vendor"',
        'kinds = ["cloud"]',
        'title = { ja = "計測用の確認書", en = "Benchmark questionnaire" }',
        "[thresholds]",
        '"1" = { pass = 60 }',
        '"2" = { pass = 70 }',
        '"3" = { pass = 80 }',
        "[[sections]]",
        'id = "all"',
        'title = { ja = "すべての質問", en = "All questions" }',
    ]
    for number in range(questions):
        kind = ("choice", "yesno", "text", "multi")[number % 4]
        lines += [
            "[[sections.questions]]",
            f'id = "all.q{number:03d}"',
            f'type = "{kind}"',
            f'text = {{ ja = "質問{number}: 情報セキュリティ対策の実施状況を回答してください。", en = "Question {number}" }}',
            'hint = { ja = "根拠となる規程名を併せて記載してください。", en = "Name the rule." }',
            'requirements = ["CLD-05"]',
            "weight = 2",
            "mandatory_from_tier = 3",
        ]
        if kind in ("choice", "multi"):
            lines.append(
                'options = [ { value = "a", label = { ja = "実施している", en = "Yes" }, score = 1.0 }, '
                '{ value = "b", label = { ja = "一部実施", en = "Partly" }, score = 0.5 }, '
                '{ value = "c", label = { ja = "実施していない", en = "No" }, score = 0.0, finding = "high" } ]'
            )
        if number % 10 == 9:
            lines.append(f'show_if = {{ question = "all.q{number - 1:03d}", answered = true }}')
    (directory / "bench.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="vc-bench-portal-"))
    questionnaires = instance / "questionnaires"
    questionnaires.mkdir()
    synthetic_questionnaire(questionnaires)
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "QUESTIONNAIRES_DIR": str(questionnaires),
            "PORTAL_MAX_FAILURES_PER_ADDRESS": 10**6,
        }
    )
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    settings = invitations.LinkSettings("http://bench", 60, 10**6)
    with db.connection_context():
        questionnaire = catalogue(app.config).get("bench")
        case = Case.create(title="計測", kind="cloud", classification_level="3", tier=3)
        paths = []
        for number in range(8):
            vendor = Vendor.create(name=f"計測{number}", name_normalized=f"計測{number}")
            link = invitations.invite(
                Actor.system(),
                case,
                [vendor.id],
                questionnaire,
                deadline=None,
                language="ja",
                settings=settings,
            )[0]
            paths.append(link.url.removeprefix("http://bench"))

    client = app.test_client()
    timings = []
    for _ in range(60):
        started = time.perf_counter()
        client.get(paths[0] + "s/all")
        timings.append((time.perf_counter() - started) * 1000)
    server_p50 = statistics.median(timings[10:])

    results = []
    with Served(bare_flask_app()) as bare:
        results.append(
            load(
                "bare Flask route",
                requests.Session,
                lambda s: s.get(bare.url + "/"),
                total=args.requests,
                concurrency=4,
            )
        )
    with Served(app) as served:
        page_url = served.url + paths[0] + "s/all"
        html = requests.get(page_url, timeout=30).text
        scripts = re.findall(r'<script src="([^"]+)"', html)
        js_bytes = sum(len(requests.get(served.url + src, timeout=30).content) for src in scripts)
        results.append(
            load(
                "portal page, 200 questions",
                requests.Session,
                lambda s: s.get(page_url),
                total=args.requests,
                concurrency=4,
            )
        )

        clients = iter(paths)

        def writer_session() -> requests.Session:
            session = requests.Session()
            path = next(clients)
            page = session.get(served.url + path + "s/all").text
            session.vc_path = path  # type: ignore[attr-defined]
            session.vc_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[attr-defined]
            session.vc_revision = 0  # type: ignore[attr-defined]
            return session

        def autosave(session: requests.Session) -> requests.Response:
            form = {"section_id": "all", "revision": str(session.vc_revision)}  # type: ignore[attr-defined]
            for number in range(0, 200, 4):
                form[f"q__all.q{number:03d}"] = "a"
            response = session.post(
                served.url + session.vc_path + "autosave",
                data=form,  # type: ignore[attr-defined]
                headers={"X-CSRFToken": session.vc_token},
            )  # type: ignore[attr-defined]
            if response.ok:
                session.vc_revision = response.json()["revision"]  # type: ignore[attr-defined]
            return response

        results.append(
            load(
                "autosave, 8 writers (SQLite)",
                writer_session,
                autosave,
                total=args.requests,
                concurrency=8,
            )
        )
    print(f"{args.requests} requests per row; waitress 8 threads; SQLite (WAL, BEGIN IMMEDIATE)")
    for result in results:
        print(result.line(results[0]))
    print(
        f"portal page (200 questions on one page): {len(html.encode()) / 1024:.1f} KB of HTML, "
        f"{js_bytes / 1024:.1f} KB of JavaScript ({len(scripts)} files)"
    )
    print(
        f"server time of the 200-question page (in-process, one at a time): p50 {server_p50:.1f} ms"
    )
    largest_real_page()


def largest_real_page() -> None:
    """The biggest section page of the shipped questionnaires, as vendors really see it."""
    instance = Path(tempfile.mkdtemp(prefix="vc-bench-real-"))
    app = create_app({"INSTANCE_PATH": str(instance)})
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    settings = invitations.LinkSettings("http://bench")
    biggest = (0, "", "")
    client = app.test_client()
    for questionnaire in catalogue(app.config).all():
        with db.connection_context():
            case = Case.create(
                title="計測", kind=questionnaire.kinds[0], classification_level="3", tier=3
            )
            vendor = Vendor.create(name=questionnaire.id, name_normalized=questionnaire.id)
            link = invitations.invite(
                Actor.system(),
                case,
                [vendor.id],
                questionnaire,
                deadline=None,
                language="ja",
                settings=settings,
            )[0]
        path = link.url.removeprefix("http://bench")
        for section in questionnaire.sections:
            size = len(client.get(f"{path}s/{section.id}").data)
            biggest = max(biggest, (size, questionnaire.id, section.id))
    size, questionnaire_id, section_id = biggest
    print(
        f"largest real portal page: {questionnaire_id}/{section_id}, {size / 1024:.1f} KB of HTML"
    )


if __name__ == "__main__":
    main()
