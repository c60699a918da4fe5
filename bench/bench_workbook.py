"""チェックシート speed: build the workbook of the largest questionnaire, then read it back and
validate every cell (the upload preview), against the targets of 300 ms each.

Also times a synthetic 200-question questionnaire (bench_portal's) for scale.
Run: .venv/bin/python bench/bench_workbook.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_portal import synthetic_questionnaire

from vendorcheck.app import create_app
from vendorcheck.documents.checksheet_writer import ANSWER_COLUMN, ID_COLUMN
from vendorcheck.domain.questionnaire.types import SampleFacts
from vendorcheck.services import checksheets, invitations
from vendorcheck.services.audit import Actor
from vendorcheck.services.checksheet_download import build_checksheet
from vendorcheck.services.organisation import get_organisation
from vendorcheck.services.organisation_settings import update_organisation
from vendorcheck.services.questionnaires import catalogue
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Case, Vendor

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300
FACTS = SampleFacts(
    "当社の規程に従い対応します。",
    "2027-03-31",
    "https://example.jp",
    "a@example.jp",
    "7000012050002",
)


def _filled(data: bytes, questionnaire) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets[1:-1]:
        for row in range(5, sheet.max_row + 1):
            question = questionnaire.question(sheet.cell(row, ID_COLUMN).value)
            if question.answer_type.holds_evidence:
                continue
            raw = question.answer_type.sample_answer(0.0, FACTS)
            value, error = question.clean(raw if question.answer_type.multiple else raw[0])
            if error is None and value is not None:
                sheet.cell(row, ANSWER_COLUMN).value = question.answer_type.sheet_value(value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _median_ms(action, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="vc-bench-workbook-"))
    questionnaires = instance / "questionnaires"
    questionnaires.mkdir()
    for source in (ROOT / "questionnaires").glob("*.toml"):
        (questionnaires / source.name).write_text(source.read_text("utf-8"), "utf-8")
    synthetic_questionnaire(questionnaires)
    app = create_app({"INSTANCE_PATH": str(instance), "QUESTIONNAIRES_DIR": str(questionnaires)})
    db = app.extensions["vendorcheck_db"]
    apply_migrations(db)
    secret = "bench-secret"
    with app.app_context(), db.connection_context():
        every = catalogue(app.config).all()
        shipped = [q for q in every if q.id != "bench"]
        largest = max(shipped, key=lambda q: len(q.questions))
        synthetic = next(q for q in every if q.id == "bench")
        organisation = get_organisation()  # invitations need the organisation's own name
        update_organisation(
            Actor.system(),
            name="計測市",
            classification_scheme=organisation.classification_scheme,
            classification_extra_levels="",
            party_terms="itaku",
            incident_report_hours=24,
        )
        print(f"target: build ≤ {TARGET_MS} ms, read back and validate ≤ {TARGET_MS} ms")
        for questionnaire in (largest, synthetic):
            kind = questionnaire.kinds[0]
            case = Case.create(title="計測", kind=kind, classification_level="3", tier=3)
            vendor = Vendor.create(name="計測株式会社", name_normalized="計測株式会社")
            link = invitations.invite(
                Actor.system(), case, [vendor.id], questionnaire, deadline=None,
                language="ja", settings=invitations.LinkSettings("http://bench"),
            )[0]  # fmt: skip
            assessment = link.assessment
            data, _ = build_checksheet(assessment, secret)
            filled = _filled(data, questionnaire)
            build = _median_ms(lambda a=assessment: build_checksheet(a, secret), args.rounds)
            read = _median_ms(
                lambda a=assessment, f=filled: checksheets.upload(a, "b.xlsx", f, secret, Actor.system()),
                args.rounds,
            )  # fmt: skip
            verdict = "OK" if build <= TARGET_MS and read <= TARGET_MS else "OVER TARGET"
            print(
                f"{questionnaire.id} ({len(questionnaire.questions)} questions, {len(filled) // 1024} KiB): "
                f"build {build:.0f} ms, read back and validate {read:.0f} ms  [{verdict}]"
            )


if __name__ == "__main__":
    main()
