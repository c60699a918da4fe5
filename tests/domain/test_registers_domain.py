"""The pure parts of the registers: dates as people type them, the flags of an entry, the
department rule and the SNS 運用手順書 template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vendorcheck.domain import registers as reg
from vendorcheck.domain.access import Reader
from vendorcheck.domain.register_fields import (
    FIELDS_BY_NAME,
    FieldError,
    clean_value,
    parse_any_date,
)
from vendorcheck.domain.sns_procedure import (
    ProcedureTemplateError,
    load_template,
    parse_template,
    render,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-04-01", dt.date(2026, 4, 1)),
        ("2026/4/1", dt.date(2026, 4, 1)),
        ("２０２６年４月１日", dt.date(2026, 4, 1)),
        ("令和8年4月1日", dt.date(2026, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R8.4.1", dt.date(2026, 4, 1)),
        ("h31.4.30", dt.date(2019, 4, 30)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("46113", dt.date(2026, 4, 1)),
        ("46113.0", dt.date(2026, 4, 1)),
    ],
)
def test_dates_are_read_as_people_and_excel_write_them(text, day):
    assert parse_any_date(text) == day


@pytest.mark.parametrize("text", ["令和8年2月30日", "昨日", "12", "99999999", "2026-13-01"])
def test_unreadable_dates_give_none(text):
    assert parse_any_date(text) is None


def test_a_url_field_refuses_other_schemes_and_text_is_cleaned():
    with pytest.raises(FieldError):
        clean_value(FIELDS_BY_NAME["url"], "javascript:alert(1)")
    assert clean_value(FIELDS_BY_NAME["name"], "  公式\u202e  Ｘ \x00") == "公式 X"
    assert clean_value(FIELDS_BY_NAME["mfa_enabled"], "あり") is True
    assert clean_value(FIELDS_BY_NAME["platform"], "X（旧 Twitter）") == "x"


def _facts(**changes):
    values = {
        "entry_type": reg.SNS,
        "status": reg.ACTIVE,
        "mfa_enabled": True,
        "platform_verified": True,
        "official_page_url": "https://www.example.jp/sns",
        "listed_on_website": True,
        "last_post_on": dt.date(2026, 11, 1),
        "next_review_on": dt.date(2027, 3, 31),
        "needs_responsible": False,
        "classification_tier": 1,
        "ismap_number": "",
    }
    return reg.EntryFacts(**(values | changes))


def test_flags_of_an_sns_account():
    today = dt.date(2026, 12, 1)
    assert reg.flags(_facts(), today) == ()
    assert reg.flags(_facts(mfa_enabled=False, listed_on_website=False), today) == (
        "no_mfa",
        "not_listed",
    )
    assert "dormant" in reg.flags(_facts(last_post_on=dt.date(2026, 1, 1)), today)
    assert "review_overdue" in reg.flags(_facts(next_review_on=dt.date(2026, 11, 30)), today)
    assert reg.flags(_facts(status=reg.RETIRED, mfa_enabled=False), today) == ()
    service = _facts(entry_type=reg.SERVICE, classification_tier=2)
    assert reg.flags(service, today) == ("no_ismap",)


def test_the_department_rule():
    officer, viewer = Reader(1, "officer", 10), Reader(2, "viewer", 10)
    ciso, lost = Reader(3, "ciso", None), Reader(4, "officer", None)
    assert officer.may_change(10) and not officer.may_read(11)
    assert viewer.may_read(10) and not viewer.may_change(10)
    assert ciso.may_change(11) and ciso.may_read(None)
    assert not lost.may_read(10) and not lost.may_read(None)


def test_the_shipped_procedure_template_renders_every_name():
    template = load_template(ROOT / "contract_templates" / "sns_procedure.toml")
    text = render(template, {"組織名": "架空市", "アカウント名": "架空市公式\nX"})
    assert text.title == "架空市公式 X 運用手順書"  # a typed line break never starts a paragraph
    assert any("未登録" in p.text for _, paragraphs in text.sections for p in paragraphs)


def test_a_template_with_an_unknown_name_or_no_sections_is_refused():
    with pytest.raises(ProcedureTemplateError, match="使えない名前「パスワード」"):
        parse_template(
            {
                "title": "t",
                "policy": "p",
                "sections": [{"heading": "h", "body": "{{ パスワード }}"}],
            },
            "x.toml",
        )
    with pytest.raises(ProcedureTemplateError, match="sections"):
        parse_template({"title": "t", "policy": "p"}, "x.toml")
