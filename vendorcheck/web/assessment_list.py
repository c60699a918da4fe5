"""Staff list of every assessment across cases: filter, sort, page, download as Excel."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from wtforms import SelectField, StringField
from wtforms.validators import Length

from vendorcheck.domain import assessment_status
from vendorcheck.services import assessment_list
from vendorcheck.services.cases import STATUS_FILTERS
from vendorcheck.services.organisation import list_departments
from vendorcheck.web import listing
from vendorcheck.web.auth import require
from vendorcheck.web.forms import Form, choices
from vendorcheck.web.ids import parse_id
from vendorcheck.web.template_helpers import questionnaire_name

bp = Blueprint("assessment_list", __name__)


def _number_or_zero(value: object) -> int:
    return parse_id(value) or 0


class AssessmentFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form

    status = SelectField("状態", validate_choice=False)
    department = SelectField("所管部局", coerce=_number_or_zero, validate_choice=False)
    text = StringField("キーワード", validators=[Length(max=200)])


def _submitted_at(a):
    return a.submission.submitted_at if a.submission and a.submission.submitted_at else None


COLUMNS = [
    listing.Column("case", "案件", lambda a: a.case.title),
    listing.Column("vendor", "事業者", lambda a: a.vendor.name),
    listing.Column("questionnaire", "確認書", lambda a: questionnaire_name(a.snapshot)),
    listing.Column(
        "status",
        "状態",
        lambda a: assessment_status.LABELS[a.effective_status],
        css="nowrap",
    ),
    listing.Column("deadline", "回答期限", lambda a: a.deadline, css="nowrap"),
    listing.Column("submitted", "提出日", _submitted_at, css="nowrap"),
    listing.Column("invited", "招待日", lambda a: a.invited_at, css="nowrap"),
]


@bp.route("/assessments/")
@require("view")
def index():
    form = AssessmentFilterForm(request.args)
    form.status.choices = choices(
        [("", "すべて")] + [(s, assessment_status.LABELS[s]) for s in STATUS_FILTERS]
    )
    form.department.choices = choices(
        [(0, "すべて"), *[(d.id, d.name) for d in list_departments()]]
    )
    form.validate()
    criteria = assessment_list.AssessmentFilter(
        status=form.status.data if form.status.data in STATUS_FILTERS else "",
        department_id=form.department.data or None,
        text=(form.text.data or "")[:200],
    )
    rows, every_row = listing.from_database(
        COLUMNS,
        lambda wanted: assessment_list.page_of_assessments(criteria, wanted),
        endpoint="assessment_list.index",
        default_sort="invited",
        descending=True,
    )
    if listing.wants_xlsx():
        return listing.xlsx_response("回答一覧", "assessments", COLUMNS, every_row())
    filtered = any((criteria.status, criteria.department_id, criteria.text.strip()))
    return render_template(
        "assessments/index.html",
        form=form,
        rows=rows,
        filtered=filtered,
        status_labels=assessment_status.LABELS,
    )
