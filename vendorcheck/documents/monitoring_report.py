"""The yearly report to the 統括情報セキュリティ責任者 (OUT-18): per fiscal year and department,
the contracts, periodic reports received and late, incidents, inspections, open corrective
requests, as a Word document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vendorcheck.documents import docx_helpers as dh
from vendorcheck.documents.comparison_report import REPORT_STYLES, add_table
from vendorcheck.domain.jp import to_full_width_digits, wareki


@dataclass(frozen=True)
class ContractLine:
    number: str
    title: str
    vendor: str
    status: str
    period: str
    reports_due: int
    reports_received: int
    reports_late: int
    reports_missing: int
    incidents: int
    incidents_late: int
    incidents_severe: int
    inspections: int
    corrective_open: int


@dataclass(frozen=True)
class IncidentLine:
    contract: str
    found: str
    classification: str
    summary: str
    late: bool
    severe: bool
    closed: bool


@dataclass(frozen=True)
class CorrectiveLine:
    contract: str
    request: str
    due: dt.date
    status: str
    overdue: bool


@dataclass(frozen=True)
class DepartmentPart:
    name: str
    contracts: Sequence[ContractLine] = ()
    incidents: Sequence[IncidentLine] = ()
    corrective: Sequence[CorrectiveLine] = ()


@dataclass(frozen=True)
class MonitoringReport:
    organisation: str
    fiscal_year_label: str
    period: tuple[dt.date, dt.date]
    issued_on: dt.date
    departments: Sequence[DepartmentPart] = field(default_factory=tuple)


TOTAL_COLUMNS = (
    ("契約", lambda c: 1),
    ("定期報告（期限到来）", lambda c: c.reports_due),
    ("受領", lambda c: c.reports_received),
    ("うち期限後", lambda c: c.reports_late),
    ("未提出", lambda c: c.reports_missing),
    ("事故", lambda c: c.incidents),
    ("うち報告遅延", lambda c: c.incidents_late),
    ("うち重大", lambda c: c.incidents_severe),
    ("検査", lambda c: c.inspections),
    ("未完了の是正要求", lambda c: c.corrective_open),
)


def _totals(lines: Sequence[ContractLine]) -> list[str]:
    return [str(sum(count(line) for line in lines)) for _label, count in TOTAL_COLUMNS]


def build_monitoring_docx(
    report: MonitoringReport, template_path: Path | str | None = None
) -> bytes:
    document = dh.open_template(template_path)
    styles = dh.paragraph_styles(document, REPORT_STYLES)

    def say(text: str, style: str = dh.BODY) -> None:
        dh.add_paragraph(document, text, styles[style])

    title = f"{report.fiscal_year_label} 委託先等の情報セキュリティ対策の実施状況報告"
    say(title, dh.TITLE)
    say(wareki(report.issued_on), dh.DATE)
    say(report.organisation, dh.DATE)
    say("統括情報セキュリティ責任者　様")
    first, last = report.period
    say(
        f"{wareki(first)}から{wareki(last)}までの間に履行期間がある契約について、特記事項に基づく"
        "定期報告、事故報告、検査及び是正要求の状況を次のとおり報告します。"
    )
    say("１　部局別の集計", dh.ARTICLE_HEADING)
    every = [line for part in report.departments for line in part.contracts]
    add_table(
        document,
        ["部局", *(label for label, _count in TOTAL_COLUMNS)],
        [[part.name, *_totals(part.contracts)] for part in report.departments]
        + [["合計", *_totals(every)]],
        [2, *([1] * len(TOTAL_COLUMNS))],
        row_headings=True,
    )
    for number, part in enumerate(report.departments, start=2):
        say(f"{to_full_width_digits(str(number))}　{part.name}", dh.ARTICLE_HEADING)
        say("（１）契約", dh.ITEM)
        add_table(
            document,
            [
                "契約番号",
                "契約名・事業者",
                "状態",
                "定期報告 受領／期限到来（期限後・未提出）",
                "事故",
                "検査",
                "未完了の是正要求",
            ],
            [
                [
                    line.number,
                    f"{line.title}\n{line.vendor}\n{line.period}",
                    line.status,
                    f"{line.reports_received}／{line.reports_due}"
                    f"（期限後 {line.reports_late}、未提出 {line.reports_missing}）",
                    f"{line.incidents}（遅延 {line.incidents_late}、重大 {line.incidents_severe}）",
                    str(line.inspections),
                    str(line.corrective_open),
                ]
                for line in part.contracts
            ],
            [1.5, 4, 1, 2.5, 1.5, 0.8, 1],
        )
        say("（２）事故報告", dh.ITEM)
        if part.incidents:
            add_table(
                document,
                ["契約番号", "発見日時", "分類", "概要", "第一報", "重大", "状態"],
                [
                    [
                        line.contract,
                        line.found,
                        line.classification,
                        line.summary,
                        "期限超過" if line.late else "期限内",
                        "重大" if line.severe else "－",
                        "対応完了" if line.closed else "対応中",
                    ]
                    for line in part.incidents
                ],
                [1.5, 1.8, 1.2, 5, 1, 0.8, 1],
            )
        else:
            say("事故の報告はありません。")
        say("（３）未完了の是正要求", dh.ITEM)
        if part.corrective:
            add_table(
                document,
                ["契約番号", "是正を求めた内容", "期限", "状態"],
                [
                    [
                        line.contract,
                        line.request,
                        wareki(line.due) + ("（期限超過）" if line.overdue else ""),
                        line.status,
                    ]
                    for line in part.corrective
                ],
                [1.5, 6, 2, 2],
            )
        else:
            say("未完了の是正要求はありません。")
    if not report.departments:
        say("対象となる契約はありません。")
    dh.set_core_properties(document, title, report.issued_on)
    document.core_properties.category = "実施状況報告"
    dh.scrub_package(document)
    return dh.to_bytes(document)
