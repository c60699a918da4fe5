"""Clause files: loading, validation, selection, coverage of the contract requirements, rendering."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorcheck.domain.clauses import (
    AnnexContext,
    Clause,
    ClauseError,
    answer_scenarios,
    check_clauses,
    clean_value,
    coverage_problems,
    load_clauses,
    render_annex,
    select_clauses,
)
from vendorcheck.domain.contract_terms import TimeLimits
from vendorcheck.domain.requirements import (
    CONTRACT_COVERAGE,
    KINDS,
    WELL_KNOWN_QUESTIONS,
    load_requirements,
)

ROOT = Path(__file__).resolve().parents[2]
CLAUSES_DIR = ROOT / "contract_templates" / "clauses"
QUESTIONNAIRES_DIR = ROOT / "questionnaires"
TIERS = (1, 2, 3)


@pytest.fixture(scope="module")
def clauses() -> list[Clause]:
    return load_clauses(CLAUSES_DIR)


def well_known_questionnaires() -> dict[str, dict]:
    """One TOML-shaped questionnaire per kind holding the well-known questions of that kind."""
    tables = {}
    for kind in KINDS:
        questions = [
            {"id": q.id, "type": q.type, "options": [{"value": v} for v in q.values]}
            for q in WELL_KNOWN_QUESTIONS
            if kind in q.kinds
        ]
        tables[kind] = {"kinds": [kind], "sections": [{"questions": questions}]}
    return tables


def context(**overrides) -> AnnexContext:
    values = {
        "organisation_name": "阿蘇広域行政事務組合",
        "vendor_name": "株式会社阿蘇情報サービス",
        "case_title": "住民情報システム運用保守業務",
        "kind": "outsourcing",
        "tier": 2,
        "contract_start": dt.date(2025, 4, 1),
        "contract_end": dt.date(2026, 3, 31),
        "party_terms": ("委託者", "受託者"),
        "incident_report_hours": 24,
        "answers_display": {},
        "remediations": [],
        "issued_on": dt.date(2025, 3, 14),
    }
    values.update(overrides)
    values["limits"] = TimeLimits(incident_report_hours=values.pop("incident_report_hours"))
    return AnnexContext(**values)


# --- the repository's clause files ---------------------------------------------------------


def test_repository_clause_files_pass_the_check_against_well_known_questions():
    problems = check_clauses(CLAUSES_DIR, load_requirements(), well_known_questionnaires())
    assert problems == []


def test_repository_clause_files_pass_the_check_against_the_questionnaires():
    from vendorcheck.domain.questionnaire import check_directory, load_directory

    assert list(QUESTIONNAIRES_DIR.glob("*.toml")), "questionnaires/*.toml are missing"
    assert check_directory(QUESTIONNAIRES_DIR) == []
    questionnaires = load_directory(QUESTIONNAIRES_DIR)
    served = {kind for q in questionnaires.values() for kind in q.kinds}
    assert served == set(KINDS), f"no questionnaire for {sorted(set(KINDS) - served)}"
    assert check_clauses(CLAUSES_DIR, load_requirements(), questionnaires) == []


def test_every_clause_is_sorted_by_order_with_unique_ids(clauses):
    assert [c.order for c in clauses] == sorted(c.order for c in clauses)
    assert len({c.id for c in clauses}) == len(clauses)


def test_bodies_use_party_terms_never_the_literal_words(clauses):
    for clause in clauses:
        literal = re.sub(r"\{\{.*?\}\}", "", clause.body)
        assert "委託者" not in literal and "受託者" not in literal, clause.id
        assert "甲" not in literal and "乙" not in literal, clause.id


# --- validation errors, one by one ---------------------------------------------------------

VALID = '''id = "sample"
order = 10
title = "見本"
covers = ["OUT-11"]
kinds = ["outsourcing", "cloud"]
body = """
１　{{ 受託者 }}は、秘密を守らなければならない。
２　前項の義務は、本契約の終了後も同様とする。
"""
'''


def write_clause(folder: Path, text: str, name: str = "sample.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def check(folder: Path) -> list[str]:
    return check_clauses(folder, load_requirements(), well_known_questionnaires())


def test_a_valid_clause_file_has_no_problems_apart_from_coverage(tmp_path):
    write_clause(tmp_path, VALID)
    problems = check(tmp_path)
    assert problems and all("を定める条がありません" in problem for problem in problems)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('covers = ["OUT-11"]', 'covers = ["OUT-99"]'), "未知の要件ID「OUT-99」"),
        (('kinds = ["outsourcing", "cloud"]', 'kinds = ["saas"]'), "未知の種別「saas」"),
        (('title = "見本"', 'title = ""'), "title（条の見出し）"),
        (("order = 10", 'order = "10"'), "order は整数"),
        (('title = "見本"', 'title = "見本"\ncolour = "red"'), "未知のキー「colour」"),
        (('id = "sample"', 'id = "other"'), "id をファイル名と同じに"),
        (
            ('title = "見本"', 'title = "見本"\nwhen = { question = "sub.uses_subcontractors" }'),
            "in か answered",
        ),
        (
            ('title = "見本"', 'title = "見本"\nwhen = { question = "x.unknown", in = ["yes"] }'),
            "質問「x.unknown」は種別（outsourcing、cloud）の事業者が回答する確認書にありません",
        ),
        (
            (
                'title = "見本"',
                'title = "見本"\nwhen = { question = "sub.uses_subcontractors", in = ["maybe"] }',
            ),
            "「maybe」は質問「sub.uses_subcontractors」の選択肢にありません",
        ),
        (
            (
                'title = "見本"',
                'title = "見本"\nwhen = { question = "cert.isms_number", in = ["a"] }',
            ),
            "選択式ではないため",
        ),
        (('title = "見本"', 'title = "見本"\nuses = ["legal.nothing"]'), "質問「legal.nothing」"),
        (("秘密を守らなければ", "{{ 受託者 }秘密を守らなければ"), "書式の誤り"),
        (("秘密を守らなければ", "{{ 住所 }}の秘密を守らなければ"), "使えない名前「住所」"),
        (
            ("秘密を守らなければ", '{{ 回答["legal.governing_law"] }}の秘密を守らなければ'),
            "本文を作れません",
        ),
        (("２　前項", "３　前項"), "連番になっていません"),
        (("２　前項", "(2)　前項"), "連番になっていません"),
        (('body = """', 'body = """\n{{ 受託者.__class__ }}'), "本文を作れません"),
    ],
)
def test_check_reports_each_problem_with_file_and_clause(tmp_path, change, expected):
    old, new = change
    assert old in VALID
    write_clause(tmp_path, VALID.replace(old, new))
    problems = check(tmp_path)
    matching = [p for p in problems if expected in p]
    assert matching, problems
    assert matching[0].startswith("sample.toml: 条項「")


def test_check_reports_toml_syntax_errors_by_file(tmp_path):
    write_clause(tmp_path, VALID + "\nbroken = [\n")
    (problem,) = check(tmp_path)
    assert problem.startswith("sample.toml: TOML として読めません")


def test_check_reports_duplicate_ids_and_orders(tmp_path):
    write_clause(tmp_path, VALID)
    write_clause(tmp_path, VALID, name="copy.toml")
    problems = check(tmp_path)
    assert any("id「sample」が" in p and "重複" in p for p in problems)
    assert any("order「10」が" in p and "重複" in p for p in problems)


def test_check_reports_a_kind_left_uncovered(tmp_path):
    shutil.copytree(CLAUSES_DIR, tmp_path / "clauses")
    (tmp_path / "clauses" / "cloud_exit.toml").unlink()
    problems = check(tmp_path / "clauses")
    assert problems and all("CLD-08" in p and "cloud" in p for p in problems)


def test_check_without_questionnaires_skips_question_checks(tmp_path):
    text = VALID.replace('title = "見本"', 'title = "見本"\nuses = ["legal.nothing"]')
    write_clause(tmp_path, text)
    assert not any("legal.nothing" in p for p in check_clauses(tmp_path, load_requirements()))


def test_load_clauses_raises_with_every_problem(tmp_path):
    write_clause(tmp_path, VALID.replace('title = "見本"', "title = 3"))
    write_clause(tmp_path, "id = 1", name="two.toml")
    with pytest.raises(ClauseError) as raised:
        load_clauses(tmp_path)
    assert any(e.startswith("sample.toml") for e in raised.value.errors)
    assert any(e.startswith("two.toml") for e in raised.value.errors)


def test_an_empty_folder_is_a_problem(tmp_path):
    assert check_clauses(tmp_path, load_requirements()) == [
        f"{tmp_path}: 条項ファイル（*.toml）がありません"
    ]


# --- selection -----------------------------------------------------------------------------


def ids(selected: list[Clause]) -> list[str]:
    return [clause.id for clause in selected]


def test_selection_follows_kind(clauses):
    outsourcing = ids(select_clauses(clauses, "outsourcing", 2, {}))
    cloud = ids(select_clauses(clauses, "cloud", 2, {}))
    assert "cloud_governing_law" in cloud and "cloud_governing_law" not in outsourcing
    assert "system_security" not in outsourcing
    assert "system_security" in ids(select_clauses(clauses, "system", 1, {}))
    assert "sns_account" in ids(select_clauses(clauses, "sns", 1, {}))


def test_higher_tiers_add_stricter_articles(clauses):
    by_tier = {tier: ids(select_clauses(clauses, "outsourcing", tier, {})) for tier in TIERS}
    assert set(by_tier[1]) < set(by_tier[2]) < set(by_tier[3])
    assert "staff_list" in by_tier[2] and "staff_list" not in by_tier[1]
    assert "onsite_audit" in by_tier[3] and "onsite_audit" not in by_tier[2]


def test_subcontracting_article_follows_the_answer(clauses):
    yes = ids(select_clauses(clauses, "outsourcing", 1, {"sub.uses_subcontractors": "yes"}))
    no = ids(select_clauses(clauses, "outsourcing", 1, {"sub.uses_subcontractors": "no"}))
    unanswered = ids(select_clauses(clauses, "outsourcing", 1, {}))
    assert "subcontracting_approved" in yes and "subcontracting_prohibited" not in yes
    assert "subcontracting_prohibited" in no and "subcontracting_approved" not in no
    assert "subcontracting_prohibited" in unanswered


def test_cloud_articles_follow_law_court_and_location_answers(clauses):
    domestic = {"legal.governing_law": "jp", "legal.jurisdiction": "jp"}
    foreign = {**domestic, "legal.jurisdiction": "other", "legal.data_location": "foreign"}
    plain = ids(select_clauses(clauses, "cloud", 2, domestic))
    special = ids(select_clauses(clauses, "cloud", 2, foreign))
    # governing law is said once: a foreign law or court is a contract conflict, not an article
    assert "cloud_governing_law" in plain and "cloud_governing_law" in special
    assert "cloud_data_location" in plain and "cloud_data_location_foreign" not in plain
    assert "cloud_data_location_foreign" in special and "cloud_data_location" not in special


def test_a_question_that_does_not_apply_satisfies_no_condition(clauses):
    answers = {"sub.uses_subcontractors": "yes"}
    selected = select_clauses(clauses, "outsourcing", 1, answers, applies=lambda q: False)
    assert "subcontracting_prohibited" in ids(selected)


def test_deletion_certificate_answer_adds_the_witness_article(clauses):
    no = ids(select_clauses(clauses, "outsourcing", 1, {"exit.deletion_certificate": "no"}))
    yes = ids(select_clauses(clauses, "outsourcing", 1, {"exit.deletion_certificate": "yes"}))
    assert "deletion_witness" in no and "deletion_witness" not in yes
    assert "return_disposal" in no and "return_disposal" in yes


def test_optional_clauses_only_when_staff_choose_them(clauses):
    assert "liability_insurance" not in ids(select_clauses(clauses, "system", 2, {}))
    chosen = {"liability_insurance": True}
    assert "liability_insurance" in ids(select_clauses(clauses, "system", 2, {}, chosen))
    assert "liability_insurance" not in ids(select_clauses(clauses, "system", 1, {}, chosen))
    # Choices never remove a clause that is not optional.
    assert "breach" in ids(select_clauses(clauses, "system", 2, {}, {"breach": False}))


def test_remediation_article_only_with_remediations(clauses):
    assert "individual_conditions" not in ids(select_clauses(clauses, "cloud", 2, {}))
    with_them = ids(select_clauses(clauses, "cloud", 2, {}, has_remediations=True))
    assert "individual_conditions" in with_them


def test_selection_is_sorted_by_order(clauses):
    selected = select_clauses(list(reversed(clauses)), "cloud", 3, {}, has_remediations=True)
    assert [c.order for c in selected] == sorted(c.order for c in selected)
    assert selected[0].id == "definitions_service" and selected[1].id == "general"
    assert selected[-1].id == "consultation"


@pytest.mark.parametrize(("kind", "tier"), [("saas", 1), ("cloud", 0), ("cloud", 4)])
def test_selection_rejects_unknown_kind_or_tier(clauses, kind, tier):
    with pytest.raises(ValueError):
        select_clauses(clauses, kind, tier, {})


def test_typical_annexes_have_15_to_25_articles(clauses):
    for kind in ("outsourcing", "system", "cloud", "sns"):
        for tier in TIERS:
            count = len(select_clauses(clauses, kind, tier, {}, has_remediations=True))
            assert 15 <= count <= 25, (kind, tier, count)


# --- coverage of the contract-phase requirements ------------------------------------------

# From the issue: the requirements each kind's annex must cover.
REQUIRED = {
    "outsourcing": [f"OUT-{n:02d}" for n in range(4, 18)],
    "system": [f"OUT-{n:02d}" for n in range(4, 18)] + ["OUT-19"],
    "cloud": [f"CLD-{n:02d}" for n in range(5, 13)] + ["CLD-16"],
    "sns": ["SNS-03", "SNS-04", "SNS-09"],
}  # no cloud_light: a 約款 service signs no annex (its result is a use approval)
GROUP = {"outsourcing": "OUT", "system": "OUT", "cloud": "CLD", "cloud_light": "CLL", "sns": "SNS"}
ROW = re.compile(r"^\|\s*([A-Z]{3}-\d{2})\s*\|\s*([^|]*?)\s*\|", re.MULTILINE)


def catalogue_phases() -> dict[str, str]:
    """Requirement id → phase cell, read straight from docs/REQUIREMENTS.md."""
    text = (ROOT / "docs" / "REQUIREMENTS.md").read_text(encoding="utf-8")
    return {rid: phase for rid, phase in ROW.findall(text)}


def test_required_ids_exist_and_include_every_contract_phase_requirement():
    phases = catalogue_phases()
    for kind, required in REQUIRED.items():
        assert set(required) <= set(phases), kind
        contract = {
            rid
            for rid, phase in phases.items()
            if rid.startswith(GROUP[kind]) and "contract" in phase
        }
        if kind == "outsourcing":
            contract.discard("OUT-19")  # system work only
        assert contract <= set(required), (kind, contract - set(required))
        assert set(CONTRACT_COVERAGE[kind]) == set(required), kind


def scenarios(kind: str) -> list[dict[str, str]]:
    """Every combination of the answers that switch articles, each also left unanswered."""
    questions = {
        "sub.uses_subcontractors": ["yes", "no"],
        "exit.deletion_certificate": ["yes", "no"],
    }
    if kind == "cloud":
        questions |= {
            "legal.governing_law": ["jp", "other"],
            "legal.jurisdiction": ["jp", "other"],
            "legal.data_location": ["jp_only", "jp_and_foreign", "foreign"],
            "cert.ismap": ["ismap", "ismap_liu", "applying", "none"],
        }
    if kind in ("cloud_light", "sns"):
        questions = {}
    names = list(questions)
    combos = itertools.product(*[[*questions[name], None] for name in names])
    return [{n: v for n, v in zip(names, combo, strict=True) if v} for combo in combos]


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("kind", list(REQUIRED))
def test_every_required_requirement_is_covered_for_every_answer(clauses, kind, tier):
    for answers in scenarios(kind):
        for remediations in (False, True):
            selected = select_clauses(clauses, kind, tier, answers, has_remediations=remediations)
            covered = {rid for clause in selected for rid in clause.covers}
            missing = [rid for rid in REQUIRED[kind] if rid not in covered]
            assert not missing, (kind, tier, answers, missing)


def test_no_clause_makes_an_annex_for_a_terms_of_service_use(clauses):
    assert "cloud_light" not in CONTRACT_COVERAGE
    assert not [c.id for c in clauses if "cloud_light" in c.kinds]


def test_coverage_check_explores_every_condition_value(clauses):
    cloud = [c for c in clauses if "cloud" in c.kinds]
    explored = answer_scenarios(cloud)
    assert {"legal.data_location": "foreign"} in explored
    assert {} in explored
    assert coverage_problems(clauses, CONTRACT_COVERAGE) == []


# --- rendering -----------------------------------------------------------------------------


def test_articles_are_numbered_in_full_width_without_gaps(clauses):
    selected = select_clauses(clauses, "system", 3, {}, has_remediations=True)
    annex = render_annex(selected, context(kind="system", tier=3, remediations=[("x", None)]))
    assert [a.number for a in annex.articles] == list(range(1, len(selected) + 1))
    assert annex.articles[0].heading == "第１条（定義）"
    assert annex.articles[1].heading == "第２条（総則）"
    assert annex.articles[9].label == "第１０条"
    assert annex.clause_ids == tuple(c.id for c in selected)


def test_paragraph_kinds_follow_the_numbering(clauses):
    annex = render_annex(select_clauses(clauses, "outsourcing", 1, {}), context())
    definitions = annex.articles[0]
    assert [p.kind for p in definitions.paragraphs][:2] == ["text", "sub"]
    general = annex.articles[1]
    assert all(p.kind == "item" for p in general.paragraphs)
    responsible = next(a for a in annex.articles if a.clause_id == "responsible_person")
    assert [p.kind for p in responsible.paragraphs][:3] == ["item", "sub", "sub"]
    consultation = annex.articles[-1]
    assert [p.kind for p in consultation.paragraphs] == ["text"]


def test_names_dates_and_party_terms_are_filled_in(clauses):
    selected = select_clauses(clauses, "outsourcing", 2, {})
    annex = render_annex(selected, context(party_terms=("甲", "乙")))
    text = "\n".join([*annex.preamble, *(p.text for a in annex.articles for p in a.paragraphs)])
    assert "阿蘇広域行政事務組合（以下「甲」という。）" in annex.preamble[0]
    assert "株式会社阿蘇情報サービス（以下「乙」という。）" in annex.preamble[0]
    assert "住民情報システム運用保守業務" in annex.preamble[0]
    assert annex.preamble[1] == "（契約期間　令和７年４月１日から令和８年３月３１日まで）"
    assert annex.date_line == "令和７年３月１４日"
    assert "委託者" not in text and "受託者" not in text
    assert "{{" not in text and "{%" not in text


def test_incident_report_deadline_comes_from_settings(clauses):
    selected = select_clauses(clauses, "outsourcing", 1, {})
    annex = render_annex(selected, context(incident_report_hours=72))
    incident = next(a for a in annex.articles if a.clause_id == "incident_report")
    assert "知った時から７２時間以内に" in incident.paragraphs[0].text


def test_answer_driven_article_names_what_the_vendor_declared(clauses):
    answers = {"legal.data_location": "jp_and_foreign"}
    selected = select_clauses(clauses, "cloud", 2, answers)
    display = {"legal.foreign_location_detail": "シンガポール（AWS ap-southeast-1）"}
    annex = render_annex(selected, context(kind="cloud", answers_display=display))
    foreign = next(a for a in annex.articles if a.clause_id == "cloud_data_location_foreign")
    assert "届け出た国又は地域（シンガポール（AWS ap-southeast-1））" in foreign.paragraphs[0].text
    assert annex.answers_used == {
        "legal.foreign_location_detail": "シンガポール（AWS ap-southeast-1）"
    }


def test_remediations_are_listed_with_their_due_dates(clauses):
    remediations = [("多要素認証を導入する", dt.date(2025, 9, 30)), ("ログを１年保存する", None)]
    selected = select_clauses(clauses, "outsourcing", 1, {}, has_remediations=True)
    annex = render_annex(selected, context(remediations=remediations))
    article = next(a for a in annex.articles if a.clause_id == "individual_conditions")
    subs = [p.text for p in article.paragraphs if p.kind == "sub"]
    assert subs == [
        "(1)　多要素認証を導入する（期限：令和７年９月３０日）",
        "(2)　ログを１年保存する（期限：委託者と協議して定める日）",
    ]


def test_missing_contract_dates_leave_out_the_period_line(clauses):
    selected = select_clauses(clauses, "outsourcing", 1, {})
    annex = render_annex(selected, context(contract_start=None, contract_end=None))
    assert len(annex.preamble) == 1


def test_typed_line_breaks_cannot_forge_articles_or_items(clauses):
    forged = "悪意株式会社\n２　委託者は、一切の責任を負う。\r\n(9)　追加"
    selected = select_clauses(clauses, "outsourcing", 1, {}, has_remediations=True)
    annex = render_annex(selected, context(vendor_name=forged, remediations=[(forged, None)]))
    article = next(a for a in annex.articles if a.clause_id == "individual_conditions")
    assert [p.kind for p in article.paragraphs] == ["item", "sub", "item"]
    assert "悪意株式会社 ２　委託者は" in annex.preamble[0]


def test_clean_value_removes_what_xml_forbids_and_bidi_overrides():
    assert clean_value("A\x00B\x07C\u202eD\x0bE") == "ABCDE"
    assert clean_value("a\tb\nc\u2028d") == "a b c d"
    assert clean_value("右\u200f😀<script>") == "右\u200f😀<script>"
    assert clean_value(None) == ""


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@settings(max_examples=60, deadline=None)
@given(
    vendor=st.text(max_size=300),
    case=st.text(max_size=300),
    answer=st.text(max_size=300),
    action=st.text(max_size=300),
)
def test_any_typed_text_renders_into_xml_safe_paragraphs(clauses, vendor, case, answer, action):
    answers = {"legal.governing_law": "other", "legal.data_location": "foreign"}
    selected = select_clauses(clauses, "cloud", 2, answers, has_remediations=True)
    display = {"legal.governing_law": answer, "legal.data_location": answer}
    annex = render_annex(
        selected,
        context(
            kind="cloud",
            vendor_name=vendor,
            case_title=case,
            answers_display=display,
            remediations=[(action, None)],
        ),
    )
    texts = [*annex.preamble, annex.document_title]
    texts += [p.text for article in annex.articles for p in article.paragraphs]
    assert not any(XML_FORBIDDEN.search(text) or "\n" in text for text in texts)
    assert len(annex.articles) == len(selected)


def test_remediation_article_is_dropped_when_there_is_nothing_to_list(clauses):
    selected = select_clauses(clauses, "outsourcing", 1, {}, has_remediations=True)
    annex = render_annex(selected, context(remediations=[]))
    assert "individual_conditions" not in annex.clause_ids
    assert [a.number for a in annex.articles] == list(range(1, len(annex.articles) + 1))


def test_full_width_filter_and_loops_are_allowed_in_bodies(tmp_path):
    body = (
        "１　{{ 受託者 }}は、次の措置を講じなければならない。\n"
        "{% for 条件 in 是正条件 %}\n"
        "({{ loop.index }})　{{ 条件.内容 }}（{{ loop.index|全角 }}件目）\n"
        "{% endfor %}\n"
    )
    text = VALID.split('body = """')[0] + f'body = """\n{body}"""\n'
    write_clause(tmp_path, text)
    assert all("を定める条がありません" in problem for problem in check(tmp_path))


def test_readme_lists_every_clause(clauses):
    readme = (ROOT / "contract_templates" / "README.md").read_text(encoding="utf-8")
    missing = [clause.id for clause in clauses if f"`{clause.id}`" not in readme]
    assert not missing
