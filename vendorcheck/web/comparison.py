"""Bid comparison pages: vendors side by side, the chart, and the Word/CSV downloads."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from markupsafe import Markup

from vendorcheck.documents.svg_chart import section_chart
from vendorcheck.domain.comparison import SORTS, Comparison
from vendorcheck.domain.scorecard import SEVERITY_LABELS
from vendorcheck.domain.uploads import CSV_TYPE, DOCX_TYPE
from vendorcheck.services import cases as case_service
from vendorcheck.services import comparison as comparison_service
from vendorcheck.services.assessments import get_assessment
from vendorcheck.web import listing
from vendorcheck.web.auth import require
from vendorcheck.web.downloads import SVG_TYPE, attachment, name_part

bp = Blueprint("comparison", __name__)

SUMMARY_COLUMNS = (
    ("rank", "順位"),
    ("name", "事業者"),
    ("total", "総合点"),
    ("verdict", "判定"),
    ("mandatory", "必須の未充足"),
)
ROW_GROUPS = (("summary", "総合"), ("section", "セクション別の得点"), ("requirement", "要件"))
INLINE_UP_TO = 10  # bidders: above, identical rows collapse, the chart is an image, gaps page
GAPS_PER_PAGE = 10  # bidders whose findings one page lists


def _sort(comparison: Comparison) -> str:
    return comparison.normalise_sort(request.args.get("sort"))


def _render(case, comparison: Comparison, status: int = 200, error: str | None = None, ismap=None):
    sort = _sort(comparison)
    differing = request.args.get("differing") == "1"
    order = comparison.ordered(sort)
    key = sort.removeprefix("-")
    descending = SORTS.get(key, True) != sort.startswith("-")

    def sort_url(column: str) -> str:
        target = f"-{column}" if column == sort else column
        return url_for(".case", case_id=case.id, sort=target, differing=1 if differing else None)

    def aria_sort(column: str) -> str | None:
        if column != key:
            return None
        return "descending" if descending else "ascending"

    many = len(comparison.bidders) > INLINE_UP_TO
    chart = None
    if comparison.submitted and not many:
        chart = Markup(section_chart(comparison, order, id_prefix="section-chart"))  # noqa: S704 - escaped by svg_chart
    rows = comparison.differing_rows() if differing else comparison.rows
    submitted = [b for b in order if b.submitted]

    def shared_text(row) -> str:
        return row.cell(submitted[0]).text if submitted else ""

    gaps_page = _gaps_page(len(submitted))
    start = (gaps_page - 1) * GAPS_PER_PAGE
    gaps = listing.paged(
        (),
        submitted[start : start + GAPS_PER_PAGE],
        total=len(submitted),
        sort=sort,  # the bidders' order rides along in the page links
        descending=False,
        page=gaps_page,
        endpoint=".case",
        per_page=GAPS_PER_PAGE,
        view_args={"case_id": case.id},
    )
    return render_template(
        "comparison/case.html",
        case=case,
        ismap=ismap or {},
        comparison=comparison,
        order=order,
        rows=rows,
        row_groups=[
            (kind, label, [r for r in rows if r.kind == kind]) for kind, label in ROW_GROUPS
        ],
        sort=sort,
        differing=differing,
        sort_url=sort_url,
        aria_sort=aria_sort,
        summary_columns=SUMMARY_COLUMNS,
        totals=comparison.row("total"),
        severity_labels=SEVERITY_LABELS,
        chart=chart,
        collapse=many,
        shared_text=shared_text,
        gaps=gaps,
        error=error,
        no_assessments=comparison_service.NO_ASSESSMENTS,
        nothing_submitted=comparison_service.NOTHING_TO_COMPARE,
        level=comparison_service.classification_label(case),
    ), status


def _gaps_page(bidders: int) -> int:
    """The page of findings asked for (?page=), within the pages there are."""
    pages = max(1, -(-bidders // GAPS_PER_PAGE))
    return max(1, min(listing.requested_page(), pages))


@bp.route("/cases/<int:case_id>/comparison")
@require("view")
def case(case_id: int):
    found = case_service.get_case(case_id)
    comparison, ismap = comparison_service.compare_case_checked(found)
    return _render(found, comparison, ismap=ismap)


@bp.route("/cases/<int:case_id>/comparison.svg")
@require("view")
def case_svg(case_id: int):
    found = case_service.get_case(case_id)
    comparison = comparison_service.compare_case(found)
    svg = section_chart(comparison, comparison.ordered(_sort(comparison)), id_prefix="chart")
    response = Response(svg, mimetype=SVG_TYPE)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _export(case_id: int, build, mimetype: str, suffix: str):
    found = case_service.get_case(case_id)
    comparison = comparison_service.compare_case(found)
    try:
        data = build(found, comparison, comparison.ordered(_sort(comparison)))
    except comparison_service.NothingSubmitted as exc:
        return _render(found, comparison, 409, exc.message)
    filename = f"入札者比較_{name_part(found.title)}.{suffix}"
    return attachment(data, filename, mimetype, ascii_stem=f"comparison-{found.id}")


@bp.route("/cases/<int:case_id>/comparison.csv")
@require("view")
def case_csv(case_id: int):
    return _export(case_id, comparison_service.comparison_csv_bytes, CSV_TYPE, "csv")


@bp.route("/cases/<int:case_id>/comparison.docx")
@require("view")
def case_docx(case_id: int):
    return _export(case_id, comparison_service.comparison_docx, DOCX_TYPE, "docx")


@bp.route("/assessments/<int:assessment_id>/report.docx")
@require("view")
def assessment_report(assessment_id: int):
    assessment = get_assessment(assessment_id)
    try:
        data = comparison_service.assessment_report_docx(assessment)
    except comparison_service.NothingSubmitted as exc:
        return render_template(
            "error.html", status=409, title="報告書を作成できません", message=exc.message
        ), 409
    name = f"{name_part(assessment.case.title, 40)}_{name_part(assessment.vendor.name, 40)}"
    return attachment(
        data,
        f"確認結果報告書_{name}.docx",
        DOCX_TYPE,
        ascii_stem=f"assessment-{assessment.id}-report",
    )
