"""The contract period's pure rules: schedules, Japan-time deadlines, fiscal years, late reports,
severity and the checklists derived from the articles in force."""

from __future__ import annotations

import datetime as dt

import pytest

from vendorcheck.domain import monitoring as rules


def test_monthly_periods_follow_month_ends_including_february_of_a_leap_year():
    periods = rules.report_periods(dt.date(2028, 1, 15), dt.date(2028, 4, 10), "monthly", 10)
    assert [(p.start, p.end, p.due) for p in periods] == [
        (dt.date(2028, 1, 15), dt.date(2028, 1, 31), dt.date(2028, 2, 10)),
        (dt.date(2028, 2, 1), dt.date(2028, 2, 29), dt.date(2028, 3, 10)),
        (dt.date(2028, 3, 1), dt.date(2028, 3, 31), dt.date(2028, 4, 10)),
        (dt.date(2028, 4, 1), dt.date(2028, 4, 10), dt.date(2028, 4, 20)),
    ]


def test_quarters_and_years_follow_the_japanese_fiscal_year_from_april():
    quarters = rules.report_periods(dt.date(2026, 2, 1), dt.date(2026, 12, 31), "quarterly", 0)
    assert [(p.start, p.end) for p in quarters] == [
        (dt.date(2026, 2, 1), dt.date(2026, 3, 31)),  # the last quarter of fiscal 2025
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ]
    years = rules.report_periods(dt.date(2026, 10, 1), dt.date(2028, 9, 30), "yearly", 30)
    assert [(p.start, p.end, p.due) for p in years] == [
        (dt.date(2026, 10, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 30)),
        (dt.date(2027, 4, 1), dt.date(2028, 3, 31), dt.date(2028, 4, 30)),
        (dt.date(2028, 4, 1), dt.date(2028, 9, 30), dt.date(2028, 10, 30)),
    ]


def test_unknown_frequency_is_refused():
    with pytest.raises(ValueError):
        rules.report_periods(dt.date(2026, 4, 1), dt.date(2027, 3, 31), "weekly", 10)


def test_a_due_date_ends_at_midnight_in_japan_not_in_utc():
    due = dt.date(2027, 3, 31)  # the last day of fiscal 2026
    assert rules.deadline_instant(due) == dt.datetime(2027, 3, 31, 15, 0)  # 2027-04-01 00:00 JST
    assert not rules.is_past_due(due, dt.datetime(2027, 3, 31, 14, 59, 59))
    assert rules.is_past_due(due, dt.datetime(2027, 3, 31, 15, 0))
    assert not rules.is_past_due(None, dt.datetime(2030, 1, 1))
    # 2026-12-31 20:00 UTC is already 2027-01-01 in Japan
    assert rules.jst_date(dt.datetime(2026, 12, 31, 20, 0)) == dt.date(2027, 1, 1)


def test_fiscal_years_start_on_the_first_of_april():
    assert rules.fiscal_year_of(dt.date(2027, 3, 31)) == 2026
    assert rules.fiscal_year_of(dt.date(2027, 4, 1)) == 2027
    assert rules.fiscal_year_bounds(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert rules.fiscal_year_label(2026) == "令和8年度"
    assert rules.fiscal_year_label(2019) == "平成31年度"  # named by the era of 1 April
    assert rules.overlaps_fiscal_year(dt.date(2025, 10, 1), dt.date(2026, 4, 1), 2026)
    assert not rules.overlaps_fiscal_year(dt.date(2025, 4, 1), dt.date(2026, 3, 31), 2026)


def test_first_report_later_than_the_annex_allows_is_late():
    found = dt.datetime(2026, 8, 1, 3, 0)
    assert not rules.is_late_report(found, found + dt.timedelta(hours=24), 24)
    assert rules.is_late_report(found, found + dt.timedelta(hours=24, seconds=1), 24)
    assert (
        rules.lateness_text(found, found + dt.timedelta(hours=50, minutes=5), 24) == "1日2時間5分"
    )


def test_severity_by_classification_personal_records_or_staff_mark():
    severity = rules.SeverityRules.parse("leak, malware", 100)
    assert rules.is_severe("leak", 0, severity)
    assert not rules.is_severe("outage", 99, severity)
    assert rules.is_severe("outage", 100, severity)
    assert rules.is_severe("other", 0, severity, marked=True)
    assert not rules.is_severe("outage", 10**6, rules.SeverityRules(frozenset(), 0))
    with pytest.raises(ValueError, match="未知の事故の分類"):
        rules.SeverityRules.parse("leak,fire", 1)


def test_obligations_come_from_the_articles_in_force_and_the_individual_conditions():
    articles = rules.articles_in_force(
        ["general", "confidentiality", "regular_report", "consultation"],
        {"general": "総則", "confidentiality": "秘密の保持", "regular_report": "定期報告"},
    )
    assert [a.heading for a in articles][:3] == [
        "第1条（総則）",
        "第2条（秘密の保持）",
        "第3条（定期報告）",
    ]
    assert articles[3].title == "consultation"  # a clause no longer in the library keeps its id
    items = rules.obligations(
        articles, [rules.Condition("多要素認証を必須にする", dt.date(2026, 9, 30))]
    )
    assert [item.key for item in items] == [
        "article.confidentiality",
        "article.regular_report",
        "condition.1",
    ]
    assert items[-1].label == "個別条件(1) 多要素認証を必須にする（期限 令和8年9月30日）"


def test_end_checklist_follows_the_clauses_and_adds_accounts_for_cloud():
    keys = lambda ids, kind: [i.key for i in rules.end_checklist(ids, kind)]  # noqa: E731
    assert keys(["return_disposal"], "outsourcing") == ["return", "disposal", "certificate"]
    assert keys(["cloud_termination", "cloud_exit"], "cloud") == [
        "return",
        "disposal",
        "certificate",
        "accounts",
    ]
    assert keys(["cll_information_limit"], "cloud_light") == ["disposal", "accounts"]
    # an SNS operator hands back the account's credentials (sns_account)
    assert keys(["return_disposal", "sns_account"], "sns") == [
        "return",
        "disposal",
        "certificate",
        "accounts",
    ]


def test_the_definitions_article_is_no_obligation_to_report_on():
    articles = rules.articles_in_force(["definitions", "general", "pi_return"], {})
    assert [item.key for item in rules.obligations(articles, [])] == ["article.pi_return"]


def test_wall_clock_in_japan_round_trips_through_utc():
    local = dt.datetime(2027, 4, 1, 8, 30)
    stored = rules.utc_from_jst(local)
    assert stored == dt.datetime(2027, 3, 31, 23, 30)
    assert rules.jst_from_utc(stored) == local


def test_reconfirmation_is_due_once_after_each_anniversary_of_a_contract_over_a_year():
    start, end = dt.date(2026, 4, 1), dt.date(2029, 3, 31)
    assert not rules.reconfirmation_due(start, end, None, dt.date(2027, 3, 31))
    assert rules.reconfirmation_due(start, end, None, dt.date(2027, 4, 1))
    assert not rules.reconfirmation_due(start, end, dt.date(2027, 4, 5), dt.date(2027, 12, 1))
    assert rules.reconfirmation_due(start, end, dt.date(2027, 4, 5), dt.date(2028, 4, 1))
    assert not rules.reconfirmation_due(start, dt.date(2027, 3, 31), None, dt.date(2027, 4, 1))
