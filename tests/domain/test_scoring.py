"""Scoring worked examples, with the exact figures a reviewer would compute by hand."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from vendorcheck.domain.questionnaire import Questionnaire, parse_questionnaire
from vendorcheck.domain.requirements import load_requirements
from vendorcheck.domain.scorecard import (
    VERDICT_CONDITIONAL,
    VERDICT_CONFORMING,
    VERDICT_NONCONFORMING,
    Remediation,
    Review,
)
from vendorcheck.domain.scoring import round_score, score

EXAMPLE = """
id = "example"
version = 1
respondent = "vendor"
kinds = ["outsourcing"]
title = { ja = "採点の例" }

[thresholds]
"1" = { pass = 40 }
"2" = { pass = 70 }
"3" = { pass = 80 }

[[sections]]
id = "a"
title = { ja = "基本" }

[[sections.questions]]
id = "a.choice"
type = "choice"
text = { ja = "管理体制はありますか。" }
requirements = ["OUT-01"]
weight = 3
mandatory_from_tier = 3
options = [
  { value = "full", label = { ja = "全社で整備" }, score = 1.0 },
  { value = "part", label = { ja = "一部で整備" }, score = 0.5 },
  { value = "none", label = { ja = "未整備" }, score = 0.0, finding = "high" },
]

[[sections.questions]]
id = "a.yesno"
type = "yesno"
text = { ja = "教育を実施していますか。" }
requirements = ["OUT-01", "OUT-02"]
weight = 2
finding = "medium"
allow_na = true

[[sections.questions]]
id = "a.multi"
type = "multi"
text = { ja = "実施している対策を選んでください。" }
requirements = ["OUT-02"]
weight = 1
options = [
  { value = "x", label = { ja = "対策X" }, score = 0.5 },
  { value = "y", label = { ja = "対策Y" }, score = 0.5 },
  { value = "z", label = { ja = "対策Z" }, score = 0.25 },
  { value = "nothing", label = { ja = "いずれも該当しない" }, score = 0.0, exclusive = true },
]

[[sections]]
id = "b"
title = { ja = "機密性2以上" }
show_if = { tier_at_least = 2 }

[[sections.questions]]
id = "b.text"
type = "text"
scoring = "reviewer"
text = { ja = "体制を説明してください。" }
requirements = ["OUT-03"]
weight = 2

[[sections.questions]]
id = "b.file"
type = "file"
text = { ja = "規程を添付してください。" }
requirements = ["OUT-03"]
weight = 1

[[sections.questions]]
id = "b.note"
type = "text"
required = false
text = { ja = "補足があれば記入してください。" }
requirements = ["OUT-03"]
"""

BASIC = {"a.choice": "part", "a.yesno": "yes", "a.multi": ("x", "z")}
LEVEL_2 = BASIC | {"b.text": "規程に基づき運用しています。", "b.file": ("ev1",)}


@pytest.fixture(scope="module")
def example() -> Questionnaire:
    return parse_questionnaire(
        tomllib.loads(EXAMPLE), "example.toml", requirements=load_requirements()
    )


def test_tier_1_weighted_mean_and_conforming_verdict(example):
    card = score(example, BASIC, 1)
    # (3 × 0.5 + 2 × 1.0 + 1 × 0.75) / 6 = 0.7083…
    assert card.total == 70.8
    assert card.threshold == 40
    assert card.verdict == VERDICT_CONFORMING
    assert card.verdict_reasons == (
        "総合点 70.8 点は区分1の合格点 40 点以上です。",
        "未解決の必須の質問と重大度「高」の指摘はありません。",
    )
    assert card.complete
    assert card.gaps == ()
    assert [(s.id, s.score, s.answered, s.required) for s in card.sections] == [
        ("a", 70.8, 3, 3),
        ("b", None, 0, 0),
    ]
    assert [q.status for q in card.questions] == ["scored"] * 3 + ["hidden"] * 3


def test_requirements_trace_the_verdict_to_questions(example):
    results = {r.id: r for r in score(example, BASIC, 1).requirements}
    assert list(results) == ["OUT-01", "OUT-02", "OUT-03"]
    assert (results["OUT-01"].status, results["OUT-01"].reason_ja) == (
        "partly",
        "満点でない質問: a.choice（0.5）。",
    )
    assert results["OUT-01"].question_ids == ("a.choice", "a.yesno")
    assert results["OUT-02"].reason_ja == "満点でない質問: a.multi（0.75）。"
    assert (results["OUT-03"].status, results["OUT-03"].reason_ja) == (
        "na",
        "この条件で評価の対象になる質問がありません。",
    )


def test_tier_3_pending_review_and_unmet_mandatory_question(example):
    card = score(example, LEVEL_2, 3)
    # the reviewer question is left out until reviewed: (1.5 + 2 + 0.75 + 1) / 7
    assert card.total == 75.0
    assert card.question("b.text").status == "pending_review"
    assert card.question("b.note").status == "unanswered"
    assert card.verdict == VERDICT_NONCONFORMING
    assert [(g.question_id, g.severity, g.remediated) for g in card.gaps] == [
        ("a.choice", "mandatory", False)
    ]
    assert card.gaps[0].reason_ja == (
        "a.choice: 区分3以上で必須の質問ですが、満点ではありません（評点 0.5）。"
    )
    assert card.verdict_reasons == (
        "必須の質問が満たされておらず、承認した是正措置もありません: a.choice。",
        "総合点 75.0 点が区分3の合格点 80 点を下回っています。",
        "審査待ちの質問があります: b.text。審査が終わるまで判定は確定しません。",
    )
    assert not card.complete
    outsourcing_03 = next(r for r in card.requirements if r.id == "OUT-03")
    assert outsourcing_03.status == "partly"
    assert outsourcing_03.reason_ja == "b.file がすべて満点です。審査待ちの質問があります: b.text。"


def test_review_and_accepted_remediation_make_it_conditional(example):
    card = score(
        example,
        LEVEL_2,
        3,
        reviews={"b.text": Review(0.5, "体制図がなく一部のみ確認できた")},
        remediations={
            "a.choice": Remediation("a.choice", "全社規程を制定する", dt.date(2026, 3, 31), True)
        },
    )
    # (1.5 + 2 + 0.75 + 2 × 0.5 + 1) / 9 = 0.6944…
    assert card.total == 69.4
    assert card.question("b.text").final == 0.5
    assert card.verdict == VERDICT_CONDITIONAL
    assert card.gaps[0].remediated
    assert card.verdict_reasons == (
        "総合点 69.4 点が区分3の合格点 80 点を下回っています。",
        "是正措置を承認した項目があります: a.choice（期限 令和8年3月31日）。",
    )
    assert card.complete


def test_not_applicable_answers_leave_the_denominator_and_round_half_up(example):
    card = score(example, BASIC | {"a.yesno": "na"}, 1)
    # (1.5 + 0.75) / 4 = 0.5625 → 56.25 → 56.3
    assert card.total == 56.3
    assert card.question("a.yesno").status == "na"
    assert card.question("a.yesno").final is None


def test_unanswered_questions_score_zero_and_leave_the_card_incomplete(example):
    card = score(example, {"a.choice": "full"}, 1)
    assert card.total == 50.0
    assert card.question("a.multi").status == "unanswered"
    assert card.question("a.multi").final == 0.0
    assert not card.complete
    assert (
        card.verdict_reasons[-1] == "回答が必要な質問に未回答のものがあります: a.yesno, a.multi。"
    )


def test_high_finding_makes_a_passing_score_conditional(example):
    card = score(example, {"a.choice": "none", "a.yesno": "yes", "a.multi": ("x", "y")}, 1)
    assert card.total == 50.0
    assert card.verdict == VERDICT_CONDITIONAL
    assert card.gaps[0].reason_ja == "a.choice: 「未整備」が選ばれています（重大度「高」）。"
    assert "重大度「高」の指摘が残っています: a.choice。" in card.verdict_reasons


def test_unexpected_yes_no_answer_gives_a_medium_gap_only(example):
    card = score(example, LEVEL_2 | {"a.yesno": "no"}, 2)
    assert [(g.question_id, g.severity) for g in card.gaps] == [("a.yesno", "medium")]
    assert card.gaps[0].reason_ja == (
        "a.yesno: 回答が「いいえ」です（求める回答は「はい」）（重大度「中」）。"
    )


def test_unanswered_mandatory_question_is_a_gap(example):
    card = score(example, {"a.yesno": "yes"}, 3)
    assert card.gaps[0].reason_ja == "a.choice: 区分3以上で必須の質問ですが、未回答です。"
    assert card.verdict == VERDICT_NONCONFORMING


def test_reviewer_overrides_an_automatic_score_but_keeps_the_finding(example):
    card = score(
        example,
        {"a.choice": "none", "a.yesno": "yes", "a.multi": ("x", "y")},
        1,
        reviews={"a.choice": Review(1.0, "別紙の規程で整備を確認")},
    )
    result = card.question("a.choice")
    assert (result.automatic, result.reviewed, result.final) == (0.0, 1.0, 1.0)
    assert card.total == 100.0
    assert [g.severity for g in card.gaps] == ["high"]


def test_a_review_of_a_hidden_question_is_ignored(example):
    card = score(example, BASIC, 1, reviews={"b.text": Review(0.0, "不十分")})
    assert card.question("b.text").status == "hidden"
    assert card.question("b.text").reviewed is None
    assert card.total == 70.8


def test_questions_not_scored_do_not_count():
    header_and_first_section = EXAMPLE.split("[[sections.questions]]")[0]
    memo = 'id = "a.memo"\ntype = "text"\ntext = { ja = "メモ" }\nrequirements = ["OUT-01"]\n'
    text = f"{header_and_first_section}[[sections.questions]]\n{memo}"
    questionnaire = parse_questionnaire(tomllib.loads(text), "memo.toml")
    card = score(questionnaire, {"a.memo": "任意の記述"}, 1)
    assert card.total is None
    assert card.question("a.memo").status == "not_scored"
    assert card.verdict == VERDICT_CONFORMING
    assert card.verdict_reasons[0] == "採点の対象になる回答がないため、総合点はありません。"


@pytest.mark.parametrize("tier", [0, 4, True])
def test_tier_outside_1_to_3_is_refused(example, tier):
    with pytest.raises(ValueError, match="tier"):
        score(example, BASIC, tier)


def test_reviews_need_a_score_in_range_and_a_reason():
    with pytest.raises(ValueError, match="0 から 1"):
        Review(1.5, "理由")
    with pytest.raises(ValueError, match="理由を入力してください"):
        Review(0.5, "  ")


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [(56.25, 56.3), (70.24999999999999, 70.3), (70.24, 70.2), (100.0, 100.0), (0.0, 0.0)],
)
def test_round_score_rounds_halves_up_ignoring_float_noise(raw, rounded):
    assert round_score(raw) == rounded
