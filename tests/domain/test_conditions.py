"""Show-if conditions: parsing, evaluation, references and cycles."""

from __future__ import annotations

import re

import pytest

from vendorcheck.domain.questionnaire.conditions import (
    AllOf,
    Answered,
    AnswerIn,
    AnyOf,
    ConditionError,
    Not,
    TierAtLeast,
    evaluate,
    find_cycles,
    parse_condition,
    reference_problems,
    referenced_questions,
)


def always(question_id: str) -> bool:
    return True


def never(question_id: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ({"question": "a.x", "in": ["yes"]}, AnswerIn("a.x", ("yes",))),
        ({"question": "a.x", "answered": True}, Answered("a.x")),
        ({"tier_at_least": 2}, TierAtLeast(2)),
        (
            {"all": [{"tier_at_least": 2}, {"question": "a.x", "in": ["no"]}]},
            AllOf((TierAtLeast(2), AnswerIn("a.x", ("no",)))),
        ),
        ({"any": [{"tier_at_least": 3}]}, AnyOf((TierAtLeast(3),))),
        ({"not": {"question": "a.x", "answered": True}}, Not(Answered("a.x"))),
    ],
)
def test_each_condition_form_parses_and_writes_back_the_same_data(raw, parsed):
    assert parse_condition(raw) == parsed
    assert parsed.to_data() == raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("tier >= 2", "条件は表（{ … }）で指定してください"),
        ("__import__('os').system('true')", "条件は表"),
        ({"question": "a.x"}, "in か answered を指定してください"),
        ({"question": "a.x", "answered": False}, "answered には true を指定してください"),
        ({"question": "a.x", "in": []}, "1つ以上並べたリスト"),
        ({"question": "a.x", "in": "yes"}, "1つ以上並べたリスト"),
        ({"question": "a.x", "in": [1]}, "文字列で指定してください"),
        ({"question": "a.x", "in": ["yes"], "extra": 1}, "未知のキー 'extra'"),
        ({"tier_at_least": 4}, "1, 2, 3 のいずれか"),
        ({"tier_at_least": True}, "1, 2, 3 のいずれか"),
        ({"all": []}, "条件 all には条件を1つ以上"),
        ({"not": {"eval": "1"}}, "使える形"),
        ({}, "使える形"),
    ],
)
def test_malformed_conditions_are_rejected_with_a_japanese_message(raw, message):
    with pytest.raises(ConditionError, match=re.escape(message)):
        parse_condition(raw)


def test_in_matches_a_choice_a_yesno_na_and_any_chosen_multi_value():
    condition = AnswerIn("a.x", ("yes", "na", "b"))
    assert evaluate(condition, {"a.x": "yes"}, 1, always)
    assert evaluate(condition, {"a.x": "na"}, 1, always)
    assert evaluate(condition, {"a.x": ("a", "b")}, 1, always)
    assert not evaluate(condition, {"a.x": ["a", "c"]}, 1, always)
    assert not evaluate(condition, {}, 1, always)


def test_a_question_that_does_not_apply_satisfies_no_condition_on_it():
    answers = {"a.x": "yes"}
    assert not evaluate(AnswerIn("a.x", ("yes",)), answers, 3, never)
    assert not evaluate(Answered("a.x"), answers, 3, never)
    assert evaluate(Not(Answered("a.x")), answers, 3, never)


def test_answered_counts_na_but_not_empty_values():
    assert evaluate(Answered("a.x"), {"a.x": "na"}, 1, always)
    for empty in (None, "", [], ()):
        assert not evaluate(Answered("a.x"), {"a.x": empty}, 1, always)


def test_tier_and_combinators():
    tier2 = TierAtLeast(2)
    assert not evaluate(tier2, {}, 1, always)
    assert evaluate(tier2, {}, 2, always)
    both = AllOf((tier2, AnswerIn("a.x", ("yes",))))
    either = AnyOf((tier2, AnswerIn("a.x", ("yes",))))
    assert not evaluate(both, {"a.x": "yes"}, 1, always)
    assert evaluate(either, {"a.x": "yes"}, 1, always)
    assert evaluate(None, {}, 1, never)


def test_referenced_questions_walks_nested_conditions():
    condition = parse_condition(
        {
            "all": [
                {"question": "a.x", "in": ["yes"]},
                {"not": {"any": [{"question": "b.y", "answered": True}, {"tier_at_least": 2}]}},
            ]
        }
    )
    assert referenced_questions(condition) == {"a.x", "b.y"}
    assert referenced_questions(None) == frozenset()


def test_reference_problems_name_unknown_later_untestable_and_unknown_values():
    earlier = {"a.choice": ("jp", "other"), "a.text": None}
    known = {"a.choice", "a.text", "b.later"}
    condition = parse_condition(
        {
            "all": [
                {"question": "a.nothing", "answered": True},
                {"question": "b.later", "answered": True},
                {"question": "a.text", "in": ["x"]},
                {"question": "a.choice", "in": ["jp", "us"]},
            ]
        }
    )
    assert reference_problems(condition, earlier, known) == [
        "show_if が存在しない質問 'a.nothing' を参照しています",
        "show_if はこれより前の質問だけを参照できます（'b.later'）",
        "show_if の in は choice, multi, yesno の質問にだけ使えます（'a.text'）",
        "show_if の値 'us' は質問 'a.choice' の選択肢にありません",
    ]


def test_find_cycles_reports_each_cycle_once_and_accepts_a_dag():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert find_cycles({"a": {"b"}, "b": {"a"}}) == [("a", "b", "a")]
    assert find_cycles({"a": {"a"}}) == [("a", "a")]
