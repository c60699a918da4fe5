"""Bid comparison speed: 50 vendors × a 200-question questionnaire.

Times compare_case (median of 20) with the scorecard cache cleared before every run (cold)
and kept (warm, as when a page is viewed again), counts its queries, and times the Word
report and the CSV. Target: the comparison in 100 ms or less, in a constant number of queries.

    .venv/bin/python bench/bench_comparison.py [--runs 20] [--database-url postgresql://...]

Without --database-url it runs on a temporary SQLite file; with a PostgreSQL URL it works in
a temporary schema that it drops afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vendorcheck.app import create_app
from vendorcheck.domain.questionnaire import load_questionnaire
from vendorcheck.domain.scoring import score
from vendorcheck.services import comparison as comparison_service
from vendorcheck.services import invitations
from vendorcheck.services.audit import Actor
from vendorcheck.store.db import open_database
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Assessment, Case, Remediation, ReviewScore, Submission, Vendor

TARGET_MS = 100
VENDORS, SECTIONS, PER_SECTION = 50, 8, 25  # 200 questions


def synthetic_questionnaire(directory: Path) -> Path:
    """Eight sections of 25 mixed questions, with conditions, mandatory tiers and findings."""
    lines = [
        'id = "bench_compare"', "version = 1", 'respondent = "vendor"', 'kinds = ["cloud"]',
        'title = { ja = "比較計測用の確認書" }',
        "[thresholds]", '"1" = { pass = 60 }', '"2" = { pass = 70 }', '"3" = { pass = 80 }',
    ]  # fmt: skip
    for s in range(SECTIONS):
        lines += ["[[sections]]", f'id = "s{s}"', f'title = {{ ja = "セクション{s + 1}" }}']
        for n in range(PER_SECTION):
            kind = ("choice", "yesno", "choice", "multi", "text")[n % 5]
            lines += [
                "[[sections.questions]]", f'id = "s{s}.q{n:02d}"', f'type = "{kind}"',
                f'text = {{ ja = "質問{s}-{n}: 対策の実施状況を回答してください。" }}',
                f'requirements = ["CLD-{(s * PER_SECTION + n) % 12 + 1:02d}"]',
                f"weight = {n % 3 + 1}",
            ]  # fmt: skip
            if n % 6 == 0:
                lines.append("mandatory_from_tier = 3")
            if kind in ("choice", "multi"):
                lines.append(
                    'options = [ { value = "a", label = { ja = "実施" }, score = 1.0 }, '
                    '{ value = "b", label = { ja = "一部" }, score = 0.5 }, '
                    '{ value = "c", label = { ja = "未実施" }, score = 0.0, finding = "high" } ]'
                )
            if n % 10 == 9:
                lines.append(f'show_if = {{ question = "s{s}.q{n - 1:02d}", answered = true }}')
    path = directory / "bench_compare.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def answers_for(questionnaire, vendor: int) -> dict[str, object]:
    answers: dict[str, object] = {}
    for number, question in enumerate(questionnaire.questions):
        pick = (vendor * 7 + number) % 11
        if question.type == "choice":
            answers[question.id] = "a" if pick < 8 else ("b" if pick < 10 else "c")
        elif question.type == "multi":
            answers[question.id] = ["a"] if pick < 9 else ["c"]
        elif question.type == "yesno":
            answers[question.id] = "yes" if pick < 9 else "no"
        else:
            answers[question.id] = f"事業者{vendor}の回答{number}"
    return answers


def seed(questionnaire) -> Case:
    case = Case.create(title="計測用の案件", kind="cloud", classification_level="3", tier=3)
    vendors = [
        Vendor.create(name=f"計測株式会社{n:02d}", name_normalized=f"計測株式会社{n:02d}")
        for n in range(VENDORS)
    ]
    links = invitations.invite(
        Actor.system("bench"),
        case,
        [vendor.id for vendor in vendors],
        questionnaire,
        deadline=None,
        language="ja",
        settings=invitations.LinkSettings("http://bench"),
    )
    assessments = [link.assessment for link in links]
    submitted = assessments[:-2]  # two vendors have not submitted
    rows = []
    for number, assessment in enumerate(submitted):
        rows.append(
            {
                "assessment": assessment.id,
                "version": 1,
                "answers": json.dumps(answers_for(questionnaire, number + 1)),
            }
        )
        rows.append(
            {"assessment": assessment.id, "version": 2, "answers": json.dumps(answers_for(questionnaire, number), ensure_ascii=False)}
        )  # fmt: skip
    Submission.insert_many(rows).execute()
    Assessment.update(status="submitted", submitted_version=2).where(
        Assessment.id.in_([a.id for a in submitted])
    ).execute()
    ReviewScore.insert_many(
        [
            {"assessment": a.id, "question_id": f"s{n % SECTIONS}.q04", "score": 0.5, "reason": "一部のみ"}
            for n, a in enumerate(submitted)
        ]
    ).execute()  # fmt: skip
    Remediation.insert_many(
        [
            {"assessment": a.id, "question_id": "s0.q00", "action": "是正する", "accepted": n % 2 == 0}
            for n, a in enumerate(submitted)
        ]
    ).execute()  # fmt: skip
    return case


def median_ms(action, runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def count_queries(db, action) -> int:
    count = 0
    original = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        nonlocal count
        count += 1
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        action()
    finally:
        del db.execute_sql
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="vc-bench-compare-"))
    questionnaire = load_questionnaire(synthetic_questionnaire(instance))
    url, schema = args.database_url, None
    if url.startswith("postgres"):
        schema = f"vcbench_{uuid.uuid4().hex[:8]}"
        admin = open_database(url)
        admin.connect()
        admin.execute_sql(f'CREATE SCHEMA "{schema}"')
        admin.close_all()
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    config = {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"}
    if url:
        config["DATABASE_URL"] = url
    app = create_app(config)
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    try:
        with db.connection_context():
            case = seed(questionnaire)
            comparison = comparison_service.compare_case(case)  # warms the snapshot cache
            queries = count_queries(db, lambda: comparison_service.compare_case(case))
            cold = median_ms(
                lambda: comparison_service.compare_case(case),
                args.runs,
                before=comparison_service.clear_cache,
            )
            warm = median_ms(lambda: comparison_service.compare_case(case), args.runs)
            cards = [answers_for(questionnaire, n) for n in range(len(comparison.submitted))]
            scoring = median_ms(lambda: [score(questionnaire, a, 3) for a in cards], args.runs)
            word = median_ms(lambda: comparison_service.comparison_docx(case, comparison), 5)
            table = median_ms(lambda: comparison_service.comparison_csv_bytes(case, comparison), 5)
            size = len(comparison_service.comparison_docx(case, comparison))
    finally:
        if schema:
            admin = open_database(args.database_url)
            admin.connect()
            admin.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.close_all()
    backend = "PostgreSQL" if schema else "SQLite"
    print(
        f"{backend}: {VENDORS} vendors ({len(comparison.submitted)} submitted, 2 versions each) "
        f"× {len(questionnaire.questions)} questions in {SECTIONS} sections; "
        f"{len(comparison.rows)} comparison rows"
    )
    print(f"compare_case: {queries} queries")
    print(f"compare_case, cold (scorecards computed): {cold:.1f} ms (median of {args.runs})")
    print(f"compare_case, warm (scorecards cached):   {warm:.1f} ms (median of {args.runs})")
    print(
        f"  of the cold time, scoring.score() alone for {len(cards)} cards: {scoring:.1f} ms "
        f"({scoring / len(cards):.2f} ms per card)"
    )
    print(f"Word report: {word:.1f} ms ({size // 1024} KiB), CSV: {table:.1f} ms (median of 5)")
    verdict = "OK" if cold <= TARGET_MS else "TOO SLOW"
    print(f"target {TARGET_MS} ms for the cold comparison: {verdict}")
    return 0 if cold <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
