"""Loading questionnaire TOML files: every validation error names file, item and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from vendorcheck.domain.questionnaire import (
    QuestionnaireError,
    check_directory,
    load_directory,
    load_questionnaire,
)
from vendorcheck.domain.requirements import load_requirements

VALID = """
id = "cloud"
version = 1
respondent = "vendor"
kinds = ["cloud"]
title = { ja = "外部サービス 確認書", en = "Cloud questionnaire" }

[thresholds]
"1" = { pass = 60 }
"2" = { pass = 70 }
"3" = { pass = 80 }

[[sections]]
id = "sub"
title = { ja = "再委託" }

[[sections.questions]]
id = "sub.uses_subcontractors"
type = "yesno"
text = { ja = "再委託しますか。" }
requirements = ["OUT-12"]
weight = 1

[[sections]]
id = "legal"
title = { ja = "データの所在と準拠法" }
show_if = { tier_at_least = 2 }

[[sections.questions]]
id = "legal.governing_law"
type = "choice"
text = { ja = "準拠法はどこの法律ですか。" }
requirements = ["CLD-10"]
weight = 3
mandatory_from_tier = 2
options = [
  { value = "jp", label = { ja = "日本法" }, score = 1.0 },
  { value = "other", label = { ja = "日本法以外" }, score = 0.0, finding = "high" },
]

[[sections.questions]]
id = "legal.other_law_detail"
type = "text"
text = { ja = "準拠法を具体的に記載してください。" }
requirements = ["CLD-10"]
show_if = { question = "legal.governing_law", in = ["other"] }
"""

EXTRA_QUESTION = """
[[sections.questions]]
id = "legal.extra"
type = "text"
text = {{ ja = "追加の質問" }}
requirements = ["CLD-10"]
{settings}
"""


def write(directory: Path, text: str, name: str = "cloud.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_for(path: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path, load_requirements())
    return caught.value.errors


def with_extra(settings: str) -> str:
    return VALID + EXTRA_QUESTION.format(settings=settings)


def test_valid_file_loads_with_sections_questions_and_defaults(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, VALID))
    assert questionnaire.id == "cloud"
    assert [section.id for section in questionnaire.sections] == ["sub", "legal"]
    assert [q.id for q in questionnaire.questions] == [
        "sub.uses_subcontractors",
        "legal.governing_law",
        "legal.other_law_detail",
    ]
    detail = questionnaire.question("legal.other_law_detail")
    assert (detail.weight, detail.required, detail.answer_type.scoring) == (1, True, "none")
    assert questionnaire.pass_mark(2) == 70


CASES = [
    # (test id, file text, item named, problem fragment)
    (
        "unknown_type",
        VALID.replace('type = "text"', 'type = "essay"'),
        "質問 legal.other_law_detail",
        "未知の質問の種類 type = 'essay'",
    ),
    (
        "duplicate_section_id",
        VALID.replace('id = "legal"', 'id = "sub"').replace('"legal.', '"sub.'),
        "セクション sub",
        "セクションIDが重複しています",
    ),
    (
        "duplicate_question_id",
        VALID.replace('id = "legal.other_law_detail"', 'id = "legal.governing_law"'),
        "質問 legal.governing_law",
        "質問IDが重複しています",
    ),
    (
        "bad_section_id_syntax",
        VALID.replace('id = "sub"', 'id = "Sub-1"'),
        "1番目のセクション",
        "id は半角英小文字・数字・_ で指定してください",
    ),
    (
        "question_id_outside_its_section",
        VALID.replace('id = "sub.uses_subcontractors"', 'id = "other.uses"'),
        "質問 other.uses",
        "id は「sub.」で始めてください",
    ),
    (
        "bad_question_id_syntax",
        VALID.replace('id = "sub.uses_subcontractors"', 'id = "sub.Uses Sub"'),
        "セクション sub の1番目の質問",
        "「sub.名前」の形",
    ),
    (
        "condition_on_unknown_question",
        VALID.replace('question = "legal.governing_law"', 'question = "legal.nothing"'),
        "質問 legal.other_law_detail",
        "存在しない質問 'legal.nothing'",
    ),
    (
        "condition_on_later_question",
        VALID.replace(
            "weight = 1\n",
            'weight = 1\nshow_if = { question = "legal.governing_law", in = ["jp"] }\n',
        ),
        "質問 sub.uses_subcontractors",
        "これより前の質問だけを参照できます（'legal.governing_law'）",
    ),
    (
        "condition_with_unknown_option_value",
        VALID.replace('in = ["other"]', 'in = ["foreign"]'),
        "質問 legal.other_law_detail",
        "値 'foreign' は質問 'legal.governing_law' の選択肢にありません",
    ),
    (
        "condition_in_on_free_text_question",
        with_extra('show_if = { question = "legal.other_law_detail", in = ["x"] }'),
        "質問 legal.extra",
        "in は choice, multi, yesno の質問にだけ使えます",
    ),
    (
        "condition_cycle",
        VALID.replace(
            "mandatory_from_tier = 2\n",
            "mandatory_from_tier = 2\n"
            'show_if = { question = "legal.other_law_detail", answered = true }\n',
        ),
        "質問 legal.governing_law",
        "show_if が循環しています（legal.governing_law → legal.other_law_detail → legal.gov",
    ),
    (
        "malformed_condition",
        VALID.replace("show_if = { tier_at_least = 2 }", "show_if = { tier_at_least = 5 }"),
        "セクション legal",
        "tier_at_least には 1, 2, 3 のいずれかを指定してください",
    ),
    (
        "unknown_requirement_id",
        VALID.replace(
            'requirements = ["CLD-10"]\nweight = 3', 'requirements = ["CLD-99"]\nweight = 3'
        ),
        "質問 legal.governing_law",
        "未知の要件ID 'CLD-99'",
    ),
    (
        "missing_requirements",
        VALID.replace('requirements = ["OUT-12"]\n', ""),
        "質問 sub.uses_subcontractors",
        "requirements に要件IDを1つ以上指定してください",
    ),
    (
        "weight_above_ten",
        VALID.replace("weight = 3", "weight = 11"),
        "質問 legal.governing_law",
        "weight は 0 から 10 までの数値で指定してください",
    ),
    (
        "negative_weight",
        VALID.replace("weight = 1\n", "weight = -1\n"),
        "質問 sub.uses_subcontractors",
        "weight は 0 から 10 までの数値で指定してください",
    ),
    (
        "option_score_above_one",
        VALID.replace("score = 1.0 }", "score = 1.5 }"),
        "質問 legal.governing_law",
        "選択肢 'jp': score は 0 から 1 までの数値で指定してください",
    ),
    (
        "unknown_finding_severity",
        VALID.replace('finding = "high"', 'finding = "critical"'),
        "質問 legal.governing_law",
        "選択肢 'other': 未知の指摘の重大度 'critical'",
    ),
    (
        "mandatory_severity_is_reserved",
        VALID.replace('finding = "high"', 'finding = "mandatory"'),
        "質問 legal.governing_law",
        "finding に mandatory は指定できません",
    ),
    (
        "missing_japanese_text",
        VALID.replace('text = { ja = "再委託しますか。" }', 'text = { en = "Subcontract?" }'),
        "質問 sub.uses_subcontractors",
        "text: 日本語の文言 (ja) がありません",
    ),
    (
        "missing_japanese_option_label",
        VALID.replace('label = { ja = "日本法" }', 'label = { en = "Japanese law" }'),
        "質問 legal.governing_law",
        "選択肢 'jp': label: 日本語の文言 (ja) がありません",
    ),
    (
        "missing_threshold_tier",
        VALID.replace('"3" = { pass = 80 }\n', ""),
        "thresholds",
        '区分 "3" を { pass = 0〜100 } で指定してください',
    ),
    (
        "decreasing_thresholds",
        VALID.replace('"3" = { pass = 80 }', '"3" = { pass = 65 }'),
        "thresholds",
        "区分3の合格点 65 が区分2の 70 より低くなっています",
    ),
    (
        "unknown_kind",
        VALID.replace('kinds = ["cloud"]', 'kinds = ["saas"]'),
        "kinds",
        "未知の種別 'saas'",
    ),
    (
        "misspelt_question_key",
        VALID.replace('requirements = ["OUT-12"]', 'requirments = ["OUT-12"]'),
        "質問 sub.uses_subcontractors",
        "未知のキー 'requirments'（requirements の誤りではありませんか）",
    ),
    (
        "key_of_another_type",
        VALID.replace('type = "yesno"', 'type = "yesno"\nmultiline = true'),
        "質問 sub.uses_subcontractors",
        "未知のキー 'multiline'",
    ),
    (
        "misspelt_section_key",
        VALID.replace("show_if = { tier_at_least = 2 }", "show_iff = { tier_at_least = 2 }"),
        "セクション legal",
        "未知のキー 'show_iff'（show_if の誤りではありませんか）",
    ),
    (
        "unknown_scoring_mode",
        with_extra('scoring = "auto"'),
        "質問 legal.extra",
        "未知の採点方法 'auto'",
    ),
    (
        "choice_with_one_option",
        VALID.replace(
            '  { value = "other", label = { ja = "日本法以外" }, score = 0.0, '
            'finding = "high" },\n',
            "",
        ),
        "質問 legal.governing_law",
        "選択肢 (options) を2つ以上指定してください",
    ),
    (
        "mandatory_from_tier_out_of_range",
        VALID.replace("mandatory_from_tier = 2", "mandatory_from_tier = 4"),
        "質問 legal.governing_law",
        "mandatory_from_tier は 1, 2, 3 のいずれかで指定してください",
    ),
]


@pytest.mark.parametrize(
    ("text", "item", "problem"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_validation_error_names_file_item_and_problem(tmp_path, text, item, problem):
    errors = errors_for(write(tmp_path, text))
    assert any(e.startswith(f"cloud.toml: {item}") and problem in e for e in errors), errors


def test_file_id_must_equal_file_name(tmp_path):
    errors = errors_for(write(tmp_path, VALID, name="saas.toml"))
    assert errors == ["saas.toml: id 'cloud' はファイル名 'saas' と同じにしてください"]


def test_toml_syntax_error_names_the_file(tmp_path):
    errors = errors_for(write(tmp_path, VALID + "\n[[sections]\n"))
    assert len(errors) == 1
    assert errors[0].startswith("cloud.toml: TOML として読めません")


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    text = VALID.replace("weight = 3", "weight = 11").replace('kinds = ["cloud"]', 'kinds = ["x"]')
    errors = errors_for(write(tmp_path, text))
    assert len(errors) == 2


def test_load_directory_collects_errors_from_every_file(tmp_path):
    write(tmp_path, VALID.replace("weight = 3", "weight = 11"))
    write(
        tmp_path,
        VALID.replace('id = "cloud"', 'id = "sns"').replace("weight = 1\n", "weight = 99\n"),
        "sns.toml",
    )
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path, load_requirements())
    assert [error.split(":")[0] for error in caught.value.errors] == ["cloud.toml", "sns.toml"]


def test_load_directory_returns_questionnaires_by_id(tmp_path):
    write(tmp_path, VALID)
    assert list(load_directory(tmp_path)) == ["cloud"]


def test_check_directory_reports_missing_coverage_and_well_known_questions(tmp_path):
    write(tmp_path, VALID)
    problems = check_directory(tmp_path, load_requirements())
    assert "cloud.toml: 種別 cloud の確認書には要件 CLD-04 を扱う質問が必要です" in problems
    assert any(p.startswith("cloud.toml: 質問 legal.jurisdiction: ") for p in problems)
    assert not any("CLD-10" in p for p in problems)


def test_check_directory_reports_a_well_known_question_with_other_values(tmp_path):
    write(
        tmp_path,
        VALID.replace('value = "other"', 'value = "foreign"').replace('"other"]', '"foreign"]'),
    )
    problems = check_directory(tmp_path, load_requirements())
    assert (
        "cloud.toml: 質問 legal.governing_law: "
        "選択肢の値は jp, other にしてください（いまは jp, foreign）" in problems
    )


def test_check_directory_on_an_empty_directory_says_so(tmp_path):
    assert check_directory(tmp_path, load_requirements()) == [
        f"{tmp_path}: 確認書ファイル (*.toml) がありません"
    ]


def test_a_condition_on_a_question_that_does_not_apply_is_false(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, VALID))
    stale = {"legal.governing_law": "other"}  # kept from an earlier answer at a higher tier
    assert questionnaire.applicable_questions(stale, 1) == {"sub.uses_subcontractors"}
    assert questionnaire.applicable_questions(stale, 2) == {
        "sub.uses_subcontractors",
        "legal.governing_law",
        "legal.other_law_detail",
    }


def test_progress_and_missing_required_count_only_questions_that_apply(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, VALID))
    answers = {"sub.uses_subcontractors": "no", "legal.governing_law": "jp"}
    assert [(p.section_id, p.answered, p.required) for p in questionnaire.progress(answers, 2)] == [
        ("sub", 1, 1),
        ("legal", 1, 1),
    ]
    assert questionnaire.missing_required({"legal.governing_law": "other"}, 2) == (
        "sub.uses_subcontractors",
        "legal.other_law_detail",
    )
    assert questionnaire.missing_required({}, 1) == ("sub.uses_subcontractors",)


def test_a_file_must_name_its_respondent(tmp_path):
    text = VALID.replace('respondent = "vendor"\n', "")
    with pytest.raises(QuestionnaireError) as error:
        load_questionnaire(write(tmp_path, text), load_requirements())
    assert any("cloud.toml: respondent には" in e for e in error.value.errors)


@pytest.mark.parametrize("value", ['"staff"', "1", '["vendor"]'])
def test_an_unknown_respondent_is_refused(tmp_path, value):
    text = VALID.replace('respondent = "vendor"', f"respondent = {value}")
    with pytest.raises(QuestionnaireError) as error:
        load_questionnaire(write(tmp_path, text), load_requirements())
    assert any('"department"' in e for e in error.value.errors)


def test_department_respondent_survives_the_snapshot(tmp_path):
    from vendorcheck.domain.questionnaire import Questionnaire

    text = VALID.replace('respondent = "vendor"', 'respondent = "department"')
    questionnaire = load_questionnaire(write(tmp_path, text), load_requirements())
    again = Questionnaire.from_snapshot(questionnaire.to_snapshot())
    assert again.respondent == "department"
    assert again.content_hash == questionnaire.content_hash


def test_shipped_questionnaires_name_the_right_respondent():
    shipped = load_directory(Path(__file__).resolve().parents[2] / "questionnaires")
    respondents = {qid: q.respondent for qid, q in shipped.items()}
    assert respondents == {
        "outsourcing": "vendor",
        "system": "vendor",
        "cloud": "vendor",
        "cloud_light": "department",
        "sns": "department",
        "sns_outsourcing": "vendor",
    }
