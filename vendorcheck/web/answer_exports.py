"""Staff downloads of submitted answers as Excel (one vendor's version, or all bidders)."""

from __future__ import annotations

from flask import Blueprint, request

from vendorcheck.domain.uploads import XLSX_TYPE
from vendorcheck.services import answer_exports
from vendorcheck.services.assessments import get_assessment
from vendorcheck.services.cases import get_case
from vendorcheck.web.auth import require
from vendorcheck.web.downloads import attachment, name_part
from vendorcheck.web.ids import parse_id

bp = Blueprint("answer_exports", __name__)


@bp.route("/assessments/<int:assessment_id>/answers.xlsx")
@require("view")
def assessment_answers(assessment_id: int):
    assessment = get_assessment(assessment_id)
    version = request.args.get("version", "")
    data = answer_exports.assessment_answers_xlsx(assessment, parse_id(version))
    filename = (
        f"回答一覧_{name_part(assessment.case.title)}_{name_part(assessment.vendor.name)}.xlsx"
    )
    return attachment(data, filename, XLSX_TYPE, ascii_stem=f"answers-{assessment.id}")


@bp.route("/cases/<int:case_id>/answers.xlsx")
@require("view")
def case_answers(case_id: int):
    case = get_case(case_id)
    data = answer_exports.case_answers_xlsx(case)
    filename = f"入札者の回答一覧_{name_part(case.title)}.xlsx"
    return attachment(data, filename, XLSX_TYPE, ascii_stem=f"case-answers-{case.id}")
