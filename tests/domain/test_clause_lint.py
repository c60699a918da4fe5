"""The clause lint: what a legal officer would strike out of an annex is reported by the check."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendorcheck.domain.clauses import Clause
from vendorcheck.domain.clauses.check import check_clauses
from vendorcheck.domain.clauses.lint import body_problems, defined_terms, term_order_problems
from vendorcheck.domain.clauses.text import split_paragraphs
from vendorcheck.domain.requirements import load_requirements

ROOT = Path(__file__).resolve().parents[2]


def clause(body: str, **extra) -> Clause:
    values = {"id": "x", "order": 1, "title": "見本", "covers": (), "kinds": ("outsourcing",)}
    values.update(extra)
    return Clause(body=body, **values)


def problems(body: str) -> list[str]:
    return body_problems(clause(body), split_paragraphs(body), "委託者")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "１　受託者は、「国外のみ」と回答している。\n２　受託者は、報告しなければならない。",
            "回答の引用",
        ),
        ("１　委託者は、情報を保存しないものとする。", "委託者の義務"),
        ("１　受託者は、速やかに報告しなければならない。", "「速やかに」"),
        ("１　前条の規定にかかわらず、受託者は報告しなければならない。", "他の条を番号で"),
        ("１　受託者は、第３条に従わなければならない。", "他の条を番号で"),
        ("１　受託者は、前項の報告をしなければならない。", "「前項」が指す項がありません"),
        (
            "１　受託者は、報告しなければならない。\n２　受託者は、第３項の報告をしなければならない。",
            "「第３項」",
        ),
    ],
)
def test_each_wording_problem_is_reported(body, expected):
    assert any(expected in problem for problem in problems(body)), problems(body)


@pytest.mark.parametrize(
    "body",
    [
        "１　委託者は、必要があると認めるときは、監査等（以下「監査等」という。）を行うことができる。",
        "１　受託者は、直ちに、遅くとも{{ 書面報告期限日数 }}日以内に、速やかに報告しなければならない。",
        "１　受託者は、個人情報保護法第６６条第２項の規定により同条第１項の規定が準用されることを認識しなければならない。",
        "１　受託者は、報告しなければならない。\n２　受託者は、前項の報告を書面で行わなければならない。",
    ],
)
def test_sound_wording_passes(body):
    assert problems(body) == []


def test_a_term_used_before_its_definition_is_reported():
    defining = clause("(1)　作業従事者　本業務に従事する者をいう。", id="defs", order=50)
    using = clause("１　受託者は、作業従事者に教育を行わなければならない。", id="edu", order=10)
    articles = [(c, split_paragraphs(c.body)) for c in (using, defining)]
    known = defined_terms(articles[1][1])
    assert known == {"作業従事者"}
    assert [(c.id, term) for c, term in term_order_problems(articles, known)] == [
        ("edu", "作業従事者")
    ]
    assert term_order_problems(list(reversed(articles)), known) == []


def test_the_shipped_clauses_pass_the_lint():
    assert check_clauses(ROOT / "contract_templates" / "clauses", load_requirements()) == []


def test_the_lint_runs_in_check_clauses(tmp_path):
    body = "１　{{ 受託者 }}は、速やかに報告しなければならない。"
    (tmp_path / "late.toml").write_text(
        f'id = "late"\norder = 1\ntitle = "報告"\ncovers = []\nkinds = ["outsourcing"]\nbody = """\n{body}\n"""\n',
        encoding="utf-8",
    )
    found = check_clauses(tmp_path, load_requirements())
    assert any("late.toml: 条項「late」: 「速やかに」" in problem for problem in found), found
