"""The question type registry: definitions, answer cleaning, automatic scores, display."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from vendorcheck.domain.questionnaire.types import (
    NA,
    PENDING,
    QUESTION_TYPES,
    ChoiceType,
    NumberType,
    QuestionType,
)

FORMAT_DOC = Path(__file__).resolve().parents[2] / "docs" / "QUESTIONNAIRE_FORMAT.md"

GOVERNING_LAW = {
    "options": [
        {"value": "jp", "label": {"ja": "日本法", "en": "Japanese law"}, "score": 1.0},
        {"value": "other", "label": {"ja": "日本法以外"}, "score": 0.0, "finding": "high"},
    ],
    "allow_na": True,
}
MEASURES = {
    "options": [
        {"value": "mfa", "label": {"ja": "多要素認証"}, "score": 0.5},
        {"value": "encryption", "label": {"ja": "暗号化"}, "score": 0.5, "finding": "low"},
        {"value": "logs", "label": {"ja": "ログ保管"}, "score": 0.25},
        {
            "value": "nothing",
            "label": {"ja": "いずれも該当しない"},
            "score": 0.0,
            "exclusive": True,
        },
    ]
}


def build(type_name: str, settings: dict | None = None) -> QuestionType:
    problems: list[str] = []
    built = QUESTION_TYPES[type_name].parse(settings or {}, problems)
    assert problems == []
    return built


def problems_of(type_name: str, settings: dict) -> list[str]:
    problems: list[str] = []
    QUESTION_TYPES[type_name].parse(settings, problems)
    return problems


def test_registry_holds_the_eleven_types_by_their_own_names():
    assert list(QUESTION_TYPES) == [
        "choice",
        "multi",
        "yesno",
        "text",
        "number",
        "date",
        "file",
        "corporate_number",
        "ismap_number",
        "url",
        "email",
    ]
    for name, question_type in QUESTION_TYPES.items():
        assert question_type.name == name
        assert question_type.label_ja
        assert dataclasses.is_dataclass(question_type)
        assert question_type.__dataclass_params__.frozen


def test_format_reference_documents_exactly_the_registered_types():
    text = FORMAT_DOC.read_text(encoding="utf-8")
    table = text.split("## Question types", 1)[1].split("##", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE)
    assert documented == list(QUESTION_TYPES)


@pytest.mark.parametrize("type_name", list(QUESTION_TYPES))
def test_definition_round_trips_through_to_data(type_name):
    settings = {"choice": GOVERNING_LAW, "multi": MEASURES}.get(type_name, {})
    built = build(type_name, settings)
    assert QUESTION_TYPES[type_name].parse(built.to_data(), []) == built


@pytest.mark.parametrize(
    ("type_name", "settings", "problem"),
    [
        ("choice", {"options": GOVERNING_LAW["options"][:1]}, "2つ以上"),
        (
            "choice",
            {"options": [*GOVERNING_LAW["options"], GOVERNING_LAW["options"][0]]},
            "選択肢 'jp' が重複しています",
        ),
        (
            "choice",
            {
                "options": [
                    *GOVERNING_LAW["options"],
                    {"value": "na", "label": {"ja": "x"}, "score": 0},
                ]
            },
            "選択肢 'na': 'na' は「該当しない」用の値です",
        ),
        ("choice", {"options": MEASURES["options"]}, "選択肢 'nothing': 未知のキー 'exclusive'"),
        ("choice", {**GOVERNING_LAW, "allow_na": "yes"}, "allow_na は true か false"),
        ("yesno", {"expected": "maybe"}, 'expected には "yes" か "no"'),
        ("yesno", {"finding": "critical"}, "未知の指摘の重大度 'critical'"),
        ("text", {"max_length": 0}, "max_length は1以上の整数"),
        ("number", {"min": 10, "max": 1}, "min が max より大きくなっています"),
        ("number", {"min": "1"}, "min は数値で指定してください"),
        ("file", {"accept": ["exe"]}, "accept は"),
        ("url", {"scoring": "auto"}, "未知の採点方法 'auto'"),
    ],
)
def test_bad_definitions_are_reported_in_japanese(type_name, settings, problem):
    assert any(problem in message for message in problems_of(type_name, settings))


CLEANING = [
    # (type, settings, raw form value, cleaned value, error)
    ("choice", GOVERNING_LAW, "jp", "jp", None),
    ("choice", GOVERNING_LAW, "na", NA, None),
    ("choice", GOVERNING_LAW, "us", None, "選択肢の中から選んでください。"),
    ("choice", GOVERNING_LAW, "  ", None, None),
    ("multi", MEASURES, ["logs", "mfa", "mfa"], ("mfa", "logs"), None),
    ("multi", MEASURES, [], None, None),
    (
        "multi",
        MEASURES,
        ["nothing", "mfa"],
        None,
        "「いずれも該当しない」を選ぶときは、ほかの選択肢は選ばないでください。",
    ),
    ("multi", MEASURES, ["mfa", "hacked"], None, "選択肢の中から選んでください。"),
    ("yesno", {}, "yes", "yes", None),
    ("yesno", {}, "na", None, "「はい」か「いいえ」を選んでください。"),
    ("yesno", {"allow_na": True}, "na", NA, None),
    ("text", {"max_length": 5}, " 日本語 ", "日本語", None),
    (
        "text",
        {"max_length": 5},
        "あいうえおか",
        None,
        "5文字以内で入力してください（いまは6文字）。",
    ),
    ("text", {}, "一行目\r\n二行目", "一行目 二行目", None),
    ("text", {"multiline": True}, "一行目\r\n二行目", "一行目\n二行目", None),
    ("number", {}, "１，２００", 1200, None),
    ("number", {}, "99.95", 99.95, None),
    ("number", {}, "十", None, "数値で入力してください。"),
    (
        "number",
        {"min": 0, "max": 100, "unit": {"ja": "%"}},
        "120",
        None,
        "100%以下の数値を入力してください。",
    ),
    (
        "number",
        {"min": 1, "unit": {"ja": "時間"}},
        "0",
        None,
        "1時間以上の数値を入力してください。",
    ),
    ("date", {}, "2026/3/31", "2026-03-31", None),
    ("date", {}, "２０２６－０３－３１", "2026-03-31", None),
    ("date", {}, "令和8年3月31日", "2026-03-31", None),
    ("date", {}, "2026-02-30", None, "存在しない日付です。年月日を確認してください。"),
    ("file", {}, ["ev_1", "ev_2", "ev_1"], ("ev_1", "ev_2"), None),
    (
        "file",
        {},
        ["../etc/passwd"],
        None,
        "添付ファイルを確認できませんでした。もう一度添付してください。",
    ),
    ("corporate_number", {}, "７０００－０１２０５０００２", "7000012050002", None),
    ("corporate_number", {}, "123", None, "法人番号は13桁の数字で入力してください。"),
    (
        "corporate_number",
        {},
        "1000012050002",
        None,
        "法人番号が正しくありません。13桁の番号をご確認ください。",
    ),
    ("ismap_number", {}, "ｃ２１－０００８－２", "C21-0008-2", None),
    (
        "ismap_number",
        {},
        "C21 0008",
        None,
        "ISMAP登録番号は英数字とハイフンで入力してください（例: C21-0008-2）。",
    ),
    ("url", {}, "https://example.jp/policy", "https://example.jp/policy", None),
    (
        "url",
        {},
        "javascript:alert(1)",
        None,
        "URLは http:// または https:// から始まる形で入力してください。",
    ),
    ("email", {}, "security＠example.jp", "security@example.jp", None),
    ("email", {}, "security", None, "メールアドレスは name@example.jp の形で入力してください。"),
]


@pytest.mark.parametrize(("type_name", "settings", "raw", "value", "error"), CLEANING)
def test_clean_turns_form_input_into_a_value_or_an_instruction(
    type_name, settings, raw, value, error
):
    assert build(type_name, settings).clean(raw) == (value, error)


def test_single_value_types_take_the_first_value_a_form_sent():
    assert build("yesno").clean(["no", "yes"]) == ("no", None)


@pytest.mark.parametrize(
    ("type_name", "settings", "value", "score"),
    [
        ("choice", GOVERNING_LAW, "jp", 1.0),
        ("choice", GOVERNING_LAW, "other", 0.0),
        ("choice", GOVERNING_LAW, NA, NA),
        ("multi", MEASURES, ("mfa", "logs"), 0.75),
        ("multi", MEASURES, ("mfa", "encryption", "logs"), 1.0),
        ("yesno", {}, "yes", 1.0),
        ("yesno", {"expected": "no"}, "yes", 0.0),
        ("yesno", {"allow_na": True}, NA, NA),
        ("text", {}, "何か", None),
        ("text", {"scoring": "answered"}, "何か", 1.0),
        ("text", {"scoring": "reviewer"}, "何か", PENDING),
        ("file", {}, ("ev1",), 1.0),
        ("ismap_number", {}, "C21-0008-2", 1.0),
        ("date", {}, "2026-03-31", None),
    ],
)
def test_automatic_score_follows_the_spec(type_name, settings, value, score):
    assert build(type_name, settings).automatic_score(value) == score


def test_scores_tells_which_types_give_unanswered_questions_a_zero():
    assert build("choice", GOVERNING_LAW).scores
    assert build("yesno").scores
    assert not build("text").scores
    assert build("file").scores
    assert build("text", {"scoring": "reviewer"}).scores


def test_findings_come_from_chosen_options_and_unexpected_yes_no_answers():
    assert build("choice", GOVERNING_LAW).findings("other") == (
        ("high", "「日本法以外」が選ばれています"),
    )
    assert build("multi", MEASURES).findings(("mfa", "encryption")) == (
        ("low", "「暗号化」が選ばれています"),
    )
    yesno = build("yesno", {"finding": "medium", "allow_na": True})
    assert yesno.findings("no") == (("medium", "回答が「いいえ」です（求める回答は「はい」）"),)
    assert yesno.findings("yes") == ()
    assert yesno.findings(NA) == ()


@pytest.mark.parametrize(
    ("type_name", "settings", "value", "lang", "shown"),
    [
        ("choice", GOVERNING_LAW, "jp", "ja", "日本法"),
        ("choice", GOVERNING_LAW, "jp", "en", "Japanese law"),
        ("choice", GOVERNING_LAW, "other", "en", "日本法以外"),
        ("choice", GOVERNING_LAW, NA, "ja", "該当しない"),
        ("multi", MEASURES, ("mfa", "logs"), "ja", "多要素認証、ログ保管"),
        ("yesno", {}, "yes", "ja", "はい"),
        ("yesno", {}, "no", "ja", "いいえ"),
        ("yesno", {"allow_na": True}, NA, "ja", "該当しない"),
        ("number", {"unit": {"ja": "円", "en": "yen"}}, 1200000, "ja", "1,200,000円"),
        ("number", {"unit": {"ja": "円", "en": "yen"}}, 1200000, "en", "1,200,000 yen"),
        ("number", {"unit": {"ja": "%"}}, 99.95, "ja", "99.95%"),
        ("date", {}, "2026-03-31", "ja", "令和8年3月31日"),
        ("date", {}, "2026-03-31", "en", "2026-03-31"),
        ("file", {}, ("a", "b"), "ja", "添付ファイル 2 件"),
        ("text", {}, None, "ja", "（未回答）"),
        ("email", {}, "a@example.jp", "ja", "a@example.jp"),
    ],
)
def test_display_prints_answers_for_documents(type_name, settings, value, lang, shown):
    assert build(type_name, settings).display(value, lang) == shown


def test_option_values_are_what_conditions_may_test():
    assert build("choice", GOVERNING_LAW).option_values == ("jp", "other", NA)
    assert build("yesno").option_values == ("yes", "no")
    assert build("text").option_values is None


def test_types_are_immutable():
    choice = build("choice", GOVERNING_LAW)
    assert isinstance(choice, ChoiceType)
    with pytest.raises(dataclasses.FrozenInstanceError):
        choice.allow_na = False  # type: ignore[misc]
    assert NumberType().unit is None
