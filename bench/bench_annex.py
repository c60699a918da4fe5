"""Time a typical annex: clause selection + rendering + Word document, median of 20 runs.

    .venv/bin/python bench/bench_annex.py [runs]

Target: a typical annex (15–25 articles) in 300 ms or less, end to end.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from vendorcheck.documents.annex import build_annex_docx
from vendorcheck.domain.clauses import AnnexContext, load_clauses, render_annex, select_clauses

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300
CHARS_PER_PAGE = 1500  # A4, 25 mm margins, 10.5 pt 游明朝: about 40 characters × 38 lines

# name: (kind, tier, answers, number of remediations)
CASES = {
    "outsourcing tier 2": ("outsourcing", 2, {"sub.uses_subcontractors": "yes"}, 2),
    "system tier 3": ("system", 3, {"exit.deletion_certificate": "no"}, 2),
    "cloud tier 2 (foreign law)": (
        "cloud",
        2,
        {"legal.governing_law": "other", "legal.data_location": "foreign"},
        2,
    ),
    "stress: cloud tier 3 + 60 remediations": ("cloud", 3, {}, 60),
}


def context(kind: str, tier: int, remediations: int = 2) -> AnnexContext:
    return AnnexContext(
        organisation_name="阿蘇広域行政事務組合",
        vendor_name="株式会社阿蘇情報サービス",
        case_title="住民情報システム運用保守業務",
        kind=kind,
        tier=tier,
        contract_start=dt.date(2025, 4, 1),
        contract_end=dt.date(2026, 3, 31),
        incident_report_hours=24,
        answers_display={"legal.governing_law": "日本法以外（米国デラウェア州法）"},
        remediations=[
            ("多要素認証を管理者アカウントに導入し、導入結果を報告する" * (1 + n // 2), None)
            for n in range(remediations)
        ],
        issued_on=dt.date(2025, 3, 14),
    )


def median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(runs: int = 20) -> int:
    start = time.perf_counter()
    clauses = load_clauses(ROOT / "contract_templates" / "clauses")
    print(
        f"load_clauses ({len(clauses)} files, cold): {(time.perf_counter() - start) * 1000:.1f} ms"
    )
    worst = 0.0
    for name, (kind, tier, answers, remediations) in CASES.items():
        ctx = context(kind, tier, remediations)
        selected = select_clauses(clauses, kind, tier, answers, has_remediations=True)
        annex = render_annex(selected, ctx)
        data = build_annex_docx(annex)  # also warms the template caches

        def whole(kind=kind, tier=tier, answers=answers, ctx=ctx) -> bytes:
            chosen = select_clauses(clauses, kind, tier, answers, has_remediations=True)
            return build_annex_docx(render_annex(chosen, ctx))

        render = median_ms(lambda selected=selected, ctx=ctx: render_annex(selected, ctx), runs)
        writing = median_ms(lambda annex=annex: build_annex_docx(annex), runs)
        total = median_ms(whole, runs)
        worst = max(worst, total)
        paragraphs = sum(len(article.paragraphs) + 1 for article in annex.articles)
        chars = sum(len(p.text) for article in annex.articles for p in article.paragraphs)
        print(
            f"{name}: {len(annex.articles)} articles, {paragraphs} paragraphs, "
            f"~{chars / CHARS_PER_PAGE:.0f} pages, "
            f"{len(data) // 1024} KiB | render {render:.1f} ms, docx {writing:.1f} ms, "
            f"total {total:.1f} ms (median of {runs})"
        )
    verdict = "OK" if worst <= TARGET_MS else "TOO SLOW"
    print(f"worst total {worst:.1f} ms; target {TARGET_MS} ms: {verdict}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
