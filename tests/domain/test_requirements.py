"""The requirement catalogue and the coverage tables built on it."""

from __future__ import annotations

import re

import pytest

from vendorcheck.domain.questionnaire.types import QUESTION_TYPES
from vendorcheck.domain.requirements import (
    CONTRACT_COVERAGE,
    KINDS,
    QUESTION_COVERAGE,
    WELL_KNOWN_QUESTIONS,
    default_requirements_path,
    ids_in_range,
    load_requirements,
    missing_ids,
    parse_requirements,
)

FORMAT_DOC = default_requirements_path().with_name("QUESTIONNAIRE_FORMAT.md")


def test_catalogue_reads_every_group_from_the_repository_document():
    catalogue = load_requirements()
    groups = {requirement.group for requirement in catalogue.values()}
    assert groups == {"CLS", "OUT", "CLD", "CLL", "SNS", "AUD"}
    assert len(catalogue) == 52
    assert catalogue["OUT-14"].phase == "contract / operation"
    assert catalogue["CLS-02"].phase == ""
    assert catalogue["CLD-10"].text.startswith("Legal risk of storage location")


def test_catalogue_is_cached_per_path_and_read_only(tmp_path):
    assert load_requirements() is load_requirements(default_requirements_path())
    other = tmp_path / "REQ.md"
    other.write_text("| ID | Requirement |\n|---|---|\n| ABC-01 | Something. |\n", encoding="utf-8")
    assert list(load_requirements(other)) == ["ABC-01"]
    with pytest.raises(TypeError):
        load_requirements()["OUT-01"] = None  # type: ignore[index]


def test_a_duplicated_id_in_the_catalogue_is_an_error():
    table = "| ID | Requirement |\n|---|---|\n| OUT-01 | a |\n| OUT-01 | b |\n"
    with pytest.raises(ValueError, match="OUT-01"):
        parse_requirements(table)


def test_coverage_tables_use_only_catalogued_ids_for_every_kind():
    catalogue = load_requirements()
    assert set(QUESTION_COVERAGE) == set(KINDS) == {*CONTRACT_COVERAGE, "cloud_light"}
    for ids in (*QUESTION_COVERAGE.values(), *CONTRACT_COVERAGE.values()):
        assert missing_ids(ids, catalogue) == ()


def test_coverage_ranges_are_the_ones_agreed():
    assert QUESTION_COVERAGE["outsourcing"] == ids_in_range("OUT", 1, 18)
    assert QUESTION_COVERAGE["system"][-1] == "OUT-19"
    assert QUESTION_COVERAGE["cloud"][0] == "CLD-04"
    assert len(QUESTION_COVERAGE["cloud"]) == 13
    assert QUESTION_COVERAGE["cloud_light"] == ("CLL-01", "CLL-02")
    assert len(QUESTION_COVERAGE["sns"]) == 9
    assert CONTRACT_COVERAGE["system"] == (*ids_in_range("OUT", 4, 17), "OUT-19")
    assert CONTRACT_COVERAGE["cloud"] == (*ids_in_range("CLD", 5, 12), "CLD-16")
    assert CONTRACT_COVERAGE["sns"] == ("SNS-03", "SNS-04", "SNS-09")


def test_ids_in_range_checked_against_the_catalogue_refuses_unknown_ids():
    catalogue = load_requirements()
    assert ids_in_range("CLL", 1, 2, catalogue) == ("CLL-01", "CLL-02")
    with pytest.raises(KeyError, match="CLL-03"):
        ids_in_range("CLL", 1, 3, catalogue)


def test_well_known_questions_match_the_format_reference():
    text = FORMAT_DOC.read_text(encoding="utf-8").split("## Well-known question ids", 1)[1]
    rows = re.findall(r"^\| `([a-z_.]+)` \| ([a-z_]+) \| (.+?) \| (.+?) \|$", text, re.MULTILINE)
    documented = {
        question_id: (type_name, tuple(re.findall(r"`([a-z_0-9]+)`", values)), kinds)
        for question_id, type_name, values, kinds in rows
    }
    assert set(documented) == {question.id for question in WELL_KNOWN_QUESTIONS}
    for question in WELL_KNOWN_QUESTIONS:
        type_name, values, kinds = documented[question.id]
        assert question.type == type_name and question.type in QUESTION_TYPES
        assert question.kinds == tuple(kind.strip() for kind in kinds.split(","))
        if question.type == "choice":
            assert question.values == values
        elif question.type == "yesno":
            assert question.values == ("yes", "no")
