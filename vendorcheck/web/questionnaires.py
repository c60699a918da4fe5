"""Staff pages of the questionnaires: the list, a preview as vendors see it, and coverage."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from jinja2.runtime import Macro
from markupsafe import Markup

from vendorcheck.domain import uploads
from vendorcheck.domain.classification import TIER_LABELS
from vendorcheck.domain.clauses import ClauseError
from vendorcheck.domain.questionnaire import TIERS, Question, Questionnaire
from vendorcheck.domain.questionnaire.types import QUESTION_TYPES
from vendorcheck.domain.requirements import KIND_LABELS
from vendorcheck.services import clause_library as clause_service
from vendorcheck.services import questionnaires as questionnaire_service
from vendorcheck.services import wording as wording_service
from vendorcheck.web.auth import require
from vendorcheck.web.errors import render_error

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires")

LANGUAGES = {"ja": "日本語", "en": "English（英語）"}
EVIDENCE_KINDS_EN = {
    "pdf": "PDF",
    "image": "images (PNG, JPEG, GIF, WebP)",
    "office": "Office documents (Word, Excel, PowerPoint)",
}


def _catalogue() -> questionnaire_service.QuestionnaireCatalogue:
    return questionnaire_service.catalogue(current_app.config)


# --- questionnaire/_questions.html: the answer-independent HTML, built once per language --

UI = {
    "ja": {
        "required": "回答必須",
        "optional": "任意",
        "mandatory": "必須（適合に必要）",
        "exclusive": "（ほかの選択肢と同時には選べません）",
        "error": "エラー:",
        "comments": "審査担当者からのコメント",
        "attached": "添付済みのファイル",
        "no_files": "まだ添付されていません。",
        "attach": "添付するファイル",
        "formats": "添付できる形式",
        "date_placeholder": "例: 2026-12-01 / 令和8年12月1日",
        "choose_file": "ファイルを選ぶ",
        "no_file_chosen": "選択されていません",
        "meta": "質問ID: {id} ・ 要件: {requirements} ・ 配点の重み: {weight}",
    },
    "en": {
        "required": "Required",
        "optional": "Optional",
        "mandatory": "Mandatory (needed to pass)",
        "exclusive": " (not with other options)",
        "error": "Error:",
        "comments": "Reviewer comments",
        "attached": "Attached files",
        "no_files": "No file attached yet.",
        "attach": "File to attach",
        "formats": "Accepted formats",
        "date_placeholder": "e.g. 2026-12-01",
        "choose_file": "Choose a file",
        "no_file_chosen": "No file chosen",
        "meta": "Question ID: {id} ・ Requirements: {requirements} ・ Weight: {weight}",
    },
}


@dataclass(frozen=True)
class QuestionView:
    """The parts of a rendered question that depend on neither answers nor errors.

    The question's type says how it is asked (`widget`, `input_attributes`, `choices`);
    `templates/questionnaire/types/<widget>.html` renders it from this view.
    """

    id: str  # the element id: q-<question id with "." as "-">
    name: str  # the form field name: q__<question id>
    widget: str  # the partial that renders the question's text and control
    inline: bool  # the choices stand on one line
    ui: dict[str, str]
    attributes: Markup  # id and data-* of the question's element
    text: Markup
    aria: Markup  # aria-describedby when there is no error nor comment
    markers: dict[int, Markup]  # tier → 回答必須 / 必須（適合に必要） tags
    meta: Markup  # staff only: question id, requirements, weight
    hint: Markup
    described: str  # static aria-describedby ids (hint, unit), each followed by a space
    options: tuple[tuple[str, Markup, Markup], ...]  # (value, html before, html after checked)
    choices: dict[str, Markup]  # the options ready made: "" → none chosen, value → it chosen
    control: Markup  # the attributes of the answer's control, besides id, name and value
    unit: Markup
    accept: Markup  # file: the input's accept attribute
    formats: Markup  # file: the hint naming the accepted formats
    date_lang: str  # date questions: the language a stored date is shown in ("" otherwise)


def evidence_accept(kinds: tuple[str, ...]) -> str:
    """Return the file input's accept attribute for the evidence kinds a question allows."""
    return ",".join(sorted(ext for kind in kinds for ext in uploads.EXTENSIONS.get(kind, ())))


def evidence_kinds(kinds: tuple[str, ...], lang: str = "ja") -> str:
    labels = EVIDENCE_KINDS_EN if lang == "en" else uploads.KIND_LABELS
    return (", " if lang == "en" else "、").join(labels.get(kind, kind) for kind in kinds)


def _options(question: Question, lang: str) -> tuple[tuple[str, Markup, Markup], ...]:
    note = UI[lang]["exclusive"]
    kind = "checkbox" if question.answer_type.multiple else "radio"
    return tuple(
        (
            choice.value,
            # The label wraps its input: no for= and no wrapper, so 200 questions stay small.
            Markup('<label><input type="{}" name="q__{}" value="{}"').format(
                kind, question.id, choice.value
            ),
            Markup("> {}{}</label>\n").format(
                choice.label.get(lang),
                Markup('<span class="choice__note">{}</span>').format(note)
                if choice.exclusive
                else "",
            ),
        )
        for choice in question.answer_type.choices
    )


def _ready_choices(
    question: Question, options: tuple[tuple[str, Markup, Markup], ...]
) -> dict[str, Markup]:
    """Pre-render the option list unchecked and, for one-answer types, with each value chosen."""
    if not options:
        return {}
    one_answer = () if question.answer_type.multiple else (value for value, _, _ in options)
    checked = Markup(" checked")
    return {
        chosen: Markup("").join(
            before + (checked if value == chosen else "") + after
            for value, before, after in options
        )
        for chosen in ("", *one_answer)
    }


def _control(question: Question, lang: str) -> Markup:
    attributes = question.answer_type.input_attributes
    if question.answer_type.holds_date:  # says, in the page's language, what it accepts
        attributes = (*attributes, ("placeholder", UI[lang]["date_placeholder"]))
    return Markup("").join(Markup(' {}="{}"').format(name, value) for name, value in attributes)


def _view(question: Question, lang: str) -> QuestionView:
    ui = UI[lang]
    element_id = "q-" + question.id.replace(".", "-")
    answer_type = question.answer_type
    unit = getattr(answer_type, "unit", None)
    accept = getattr(answer_type, "accept", ())
    condition = question.show_if.to_data() if question.show_if else None
    hint = question.hint.get(lang) if question.hint else ""
    # Most questions must be answered: mark the optional ones (the page says so once).
    required = (
        Markup("")
        if question.required
        else Markup(' <span class="tag tag--optional">{}</span>').format(ui["optional"])
    )
    mandatory = Markup(' <em class="tag tag--mandatory">{}</em>').format(ui["mandatory"])
    described = (f"{element_id}-hint " if hint else "") + (f"{element_id}-unit " if unit else "")
    options = _options(question, lang)
    return QuestionView(
        id=element_id,
        name="q__" + question.id,
        widget=answer_type.widget,
        inline=answer_type.inline,
        ui=ui,
        attributes=Markup(' id="{}" data-question="{}"').format(element_id, question.id)
        + (
            Markup(' data-show-if="{}"').format(json.dumps(condition, ensure_ascii=False))
            if condition
            else ""
        ),
        text=Markup.escape(question.text.get(lang)),
        aria=Markup(' aria-describedby="{}"').format(described.strip()) if described else Markup(),
        markers={
            tier: required + (mandatory if question.is_mandatory(tier) else "") for tier in TIERS
        },
        meta=Markup('<p class="question__meta">{}</p>\n').format(
            ui["meta"].format(
                id=question.id,
                requirements=", ".join(question.requirements),
                weight=question.weight,
            )
        ),
        hint=Markup('<p class="form-hint" id="{}-hint">{}</p>\n').format(element_id, hint)
        if hint
        else Markup(),
        described=described,
        options=options,
        choices=_ready_choices(question, options),
        control=_control(question, lang),
        date_lang=lang if answer_type.holds_date else "",
        unit=Markup(' <span class="question__unit" id="{}-unit">{}</span>').format(
            element_id, unit.get(lang)
        )
        if unit
        else Markup(),
        accept=Markup(' accept="{}"').format(evidence_accept(accept)),
        formats=Markup('<p class="form-hint" id="{}-accept">{}: {}</p>').format(
            element_id, ui["formats"], evidence_kinds(accept, lang)
        ),
    )


_views: OrderedDict[tuple[str, str], dict[str, QuestionView]] = OrderedDict()
_views_lock = threading.Lock()


@bp.app_template_global("question_views")
def question_views(questionnaire: Questionnaire, lang: str) -> dict[str, QuestionView]:
    """Return question id → QuestionView, cached per questionnaire content and language."""
    lang = "en" if lang == "en" else "ja"
    key = (questionnaire.content_hash, lang)
    with _views_lock:
        found = _views.get(key)
        if found is not None:
            _views.move_to_end(key)
            return found
    views = {question.id: _view(question, lang) for question in questionnaire.questions}
    with _views_lock:
        _views[key] = views
        while len(_views) > 32:
            _views.popitem(last=False)
    return views


@bp.app_template_global("question_widgets")
def question_widgets() -> dict[str, Macro]:
    """Return widget name → the render() macro of questionnaire/types/<widget>.html."""
    environment = current_app.jinja_env
    names = {question_type.widget for question_type in QUESTION_TYPES.values()}
    return {
        name: environment.get_template(f"questionnaire/types/{name}.html").module.render  # type: ignore[attr-defined]
        for name in names
    }


@bp.app_template_filter("kind_label")
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@bp.route("/")
@require("view")
def index():
    catalogue = _catalogue()
    rows = [
        {
            "questionnaire": questionnaire,
            "sections": len(questionnaire.sections),
            "questions": len(questionnaire.questions),
            "mandatory": {
                tier: sum(question.is_mandatory(tier) for question in questionnaire.questions)
                for tier in TIERS
            },
            "errors": catalogue.errors_for(f"{questionnaire.id}.toml"),
        }
        for questionnaire in catalogue.all()
    ]
    return render_template(
        "questionnaires/index.html",
        rows=rows,
        broken=catalogue.broken,
        errors=catalogue.errors,
        tiers=TIERS,
        directory=catalogue.directory,
    )


def _preview_answers(questionnaire: Questionnaire) -> tuple[dict[str, object], dict[str, str]]:
    """Clean the answers a staff member tried in the preview form (nothing is stored)."""
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in questionnaire.questions:
        raw = request.args.getlist(f"q__{question.id}")
        if not raw or question.answer_type.holds_evidence:
            continue
        value, error = question.clean(raw)
        if error:
            errors[question.id] = error
            answers[question.id] = raw if question.answer_type.multiple else raw[0]
        elif value is not None:
            answers[question.id] = value
    return answers, errors


@bp.route("/<questionnaire_id>/preview")
@require("view")
def preview(questionnaire_id: str):
    questionnaire = wording_service.localised(_catalogue().get_questionnaire(questionnaire_id))
    tier_text = request.args.get("tier", "1")
    lang = request.args.get("lang", "ja")
    if tier_text not in {str(tier) for tier in TIERS}:
        return render_error(400, "情報の区分は 1、2、3 のいずれかを選んでください。")
    if lang not in LANGUAGES:
        return render_error(400, "表示言語は日本語（ja）か英語（en）を選んでください。")
    tier = int(tier_text)
    answers, errors = _preview_answers(questionnaire)
    applicable = questionnaire.applicable_questions(answers, tier)
    errors = {key: message for key, message in errors.items() if key in applicable}
    return render_template(
        "questionnaires/preview.html",
        questionnaire=questionnaire,
        tier=tier,
        lang=lang,
        answers=answers,
        errors=errors,
        applicable=applicable,
        tiers=TIERS,
        tier_labels=TIER_LABELS,
        languages=LANGUAGES,
        mandatory_count=sum(q.is_mandatory(tier) for q in questionnaire.questions),
    )


@bp.route("/coverage")
@require("view")
def coverage():
    catalogue = _catalogue()
    questionnaires = catalogue.all()
    columns = questionnaire_service.questionnaire_columns(questionnaires)
    try:
        clauses = clause_service.clause_library(current_app.config)
    except ClauseError as error:
        clause_problems = error.errors
    else:
        clause_problems = []
        columns += clause_service.clause_columns(clauses, KIND_LABELS)
    groups = questionnaire_service.requirement_groups()
    missing = [
        (column, requirement.id)
        for group in groups
        for requirement in group.requirements
        for column in columns
        if column.missing(requirement.id)
    ]
    return render_template(
        "questionnaires/coverage.html",
        groups=groups,
        columns=columns,
        missing=missing,
        broken=catalogue.broken,
        clause_problems=clause_problems,
    )
