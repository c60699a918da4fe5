"""Bid comparison over scorecards: ranks, ties, differing rows, sorting (no app, no database)."""

from __future__ import annotations

import tomllib

import pytest

from vendorcheck.domain.comparison import (
    NOT_SUBMITTED,
    Bid,
    build_comparison,
    rank,
)
from vendorcheck.domain.questionnaire import parse_questionnaire
from vendorcheck.domain.scorecard import (
    VERDICT_CONDITIONAL,
    VERDICT_CONFORMING,
    VERDICT_NONCONFORMING,
    Remediation,
)
from vendorcheck.domain.scoring import score

QUESTIONNAIRE = parse_questionnaire(
    tomllib.loads(
        """
id = "compare_domain"
version = 1
respondent = "vendor"
kinds = ["outsourcing"]
title = { ja = "比較の単体テスト" }

[thresholds]
"1" = { pass = 50 }
"2" = { pass = 90 }
"3" = { pass = 95 }

[[sections]]
id = "org"
title = { ja = "管理体制" }

[[sections.questions]]
id = "org.policy"
type = "choice"
text = { ja = "方針はありますか。" }
requirements = ["OUT-01"]
weight = 3
mandatory_from_tier = 2
options = [
  { value = "yes", label = { ja = "あり" }, score = 1.0 },
  { value = "partly", label = { ja = "一部" }, score = 0.5 },
  { value = "no", label = { ja = "なし" }, score = 0.0 },
]

[[sections]]
id = "tech"
title = { ja = "技術的対策" }

[[sections.questions]]
id = "tech.mfa"
type = "choice"
text = { ja = "多要素認証を使っていますか。" }
requirements = ["OUT-02"]
weight = 1
options = [
  { value = "yes", label = { ja = "はい" }, score = 1.0 },
  { value = "partly", label = { ja = "一部" }, score = 0.5 },
  { value = "no", label = { ja = "いいえ" }, score = 0.0 },
]
"""
    ),
    "compare_domain.toml",
)


def card(policy: str = "yes", mfa: str = "yes", accepted: bool = False):
    remediations = {"org.policy": Remediation("org.policy", "規程を整備する", None, True)}
    return score(
        QUESTIONNAIRE,
        {"org.policy": policy, "tech.mfa": mfa},
        2,
        remediations=remediations if accepted else {},
    )


def test_cards_used_here_have_the_verdicts_the_tests_rely_on():
    assert (card().verdict, card().total) == (VERDICT_CONFORMING, 100.0)
    assert (card(mfa="no").verdict, card(mfa="no").total) == (VERDICT_CONDITIONAL, 75.0)
    assert card(policy="partly").verdict == VERDICT_NONCONFORMING
    assert card(policy="partly", accepted=True).verdict == VERDICT_CONDITIONAL


def test_verdict_outranks_total_and_unsubmitted_bids_have_no_rank():
    # 条件付適合 at 87.5 ranks below 適合 at 100 but above 不適合, whatever the totals.
    conditional = card(mfa="partly")
    assert conditional.verdict == VERDICT_CONDITIONAL and conditional.total == 87.5
    nonconforming = card(policy="no", mfa="yes")
    assert rank([nonconforming, None, conditional, card()]) == (3, None, 2, 1)


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert rank([card(mfa="no"), card(), card(), card(mfa="no"), card(policy="no")]) == (
        3,
        1,
        1,
        3,
        5,
    )


def test_rows_hold_totals_sections_requirements_and_gap_counts():
    gappy = card(policy="partly", mfa="no")
    comparison = build_comparison(
        [Bid("甲社", card(), "1"), Bid("乙社", gappy, "2"), Bid("丙社", None, "3")],
        requirement_texts={"OUT-01": "方針"},
    )
    first, second, third = comparison.bidders
    assert comparison.row("total").cell(first).value == card().total
    assert comparison.row("total").cell(second).text == f"{gappy.total:.1f}"
    assert comparison.row("section:tech").cell(second).value == 0.0
    assert comparison.row("req:OUT-01").cell(first).value == "met"
    assert comparison.row("req:OUT-01").cell(second).text == "△ 一部満たす"
    assert comparison.row("req:OUT-01").label == "OUT-01"
    assert comparison.row("req:OUT-01").note == "方針"
    assert comparison.row("mandatory").cell(second).value == 1
    assert comparison.row("verdict").cell(second).text == VERDICT_NONCONFORMING
    assert all(row.cell(third).text == NOT_SUBMITTED for row in comparison.rows)
    assert [key for key, _ in comparison.sections] == ["org", "tech"]
    assert [row.kind for row in comparison.rows].count("requirement") == 2


def test_differing_rows_ignore_unsubmitted_bids():
    comparison = build_comparison(
        [Bid("甲社", card()), Bid("乙社", card(mfa="no")), Bid("丙社", None)]
    )
    keys = [row.key for row in comparison.differing_rows()]
    assert keys == ["rank", "total", "verdict", "section:tech", "req:OUT-02"]
    same = build_comparison([Bid("甲社", card()), Bid("乙社", card()), Bid("丙社", None)])
    assert same.differing_rows() == ()


def test_one_submitted_bid_differs_from_nothing():
    comparison = build_comparison([Bid("甲社", card(mfa="no")), Bid("乙社", None)])
    assert comparison.differing_rows() == ()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("rank", ["A", "B", "C", "D", "E"]),
        ("total", ["A", "B", "C", "D", "E"]),
        ("-total", ["D", "C", "B", "A", "E"]),
        ("name", ["A", "B", "C", "D", "E"]),
        ("-name", ["D", "C", "B", "A", "E"]),
        ("mandatory", ["A", "B", "C", "D", "E"]),
        ("-mandatory", ["D", "A", "B", "C", "E"]),
        ("section:org", ["A", "B", "C", "D", "E"]),
        ("section:tech", ["A", "D", "B", "C", "E"]),
        ("nonsense", ["A", "B", "C", "D", "E"]),
        ("section:missing", ["A", "B", "C", "D", "E"]),
    ],
)
def test_sorting_keeps_unsubmitted_bids_last(sort, expected):
    comparison = build_comparison(
        [
            Bid("D", card(policy="partly", mfa="yes")),  # 不適合 62.5
            Bid("E", None),
            Bid("B", card(mfa="partly")),  # 条件付 87.5
            Bid("A", card()),  # 適合 100
            Bid("C", card(mfa="no")),  # 条件付 75
        ]
    )
    assert [bidder.label for bidder in comparison.ordered(sort)] == expected


def test_ties_keep_the_input_order_and_unknown_sorts_fall_back_to_rank():
    comparison = build_comparison([Bid("後", card()), Bid("先", card())])
    assert [b.label for b in comparison.ordered("total")] == ["後", "先"]
    assert comparison.normalise_sort("section:org") == "section:org"
    assert comparison.normalise_sort("-total") == "-total"
    assert comparison.normalise_sort("org") == "rank"
    assert comparison.normalise_sort(None) == "rank"
    assert ("section:tech", "セクション「技術的対策」の得点") in comparison.sort_options()


def test_pending_answers_mark_the_verdict_unconfirmed():
    incomplete = score(QUESTIONNAIRE, {"org.policy": "yes"}, 2)
    comparison = build_comparison([Bid("甲社", incomplete)])
    assert comparison.bidders[0].verdict_text.endswith("（未確定）")
