"""Classification schemes (CLS-01..03): levels, tiers and the CLD/CLL split."""

from __future__ import annotations

import pytest

from vendorcheck.domain.classification import (
    SCHEMES,
    build_scheme,
    external_service_kind,
    handles_confidential,
)


def codes(scheme) -> list[str]:
    return [level.code for level in scheme.levels]


def test_both_schemes_are_registered_with_their_tiers():
    assert set(SCHEMES) == {"classic", "r6"}
    classic, r6 = SCHEMES["classic"], SCHEMES["r6"]
    assert [(lv.code, lv.label_ja, lv.tier) for lv in classic.levels] == [
        ("3", "機密性3", 3),
        ("2", "機密性2", 2),
        ("1", "機密性1", 1),
    ]
    assert {code: r6.tier_for(code) for code in codes(r6)} == {
        "3A": 3,
        "3B": 3,
        "3C": 3,
        "2": 2,
        "1": 1,
    }
    assert r6.level("3B").label_ja == "自治体機密性3B"


def test_confidential_from_level_2_decides_the_cloud_rule_set():
    r6 = SCHEMES["r6"]
    assert handles_confidential(r6.level("3C"))
    assert r6.handles_confidential("2")
    assert not r6.handles_confidential("1")
    assert external_service_kind(r6.level("2")) == "cloud"
    assert external_service_kind(r6.level("1")) == "cloud_light"


def test_local_sub_levels_slot_in_after_the_standard_level_of_their_tier():
    scheme = build_scheme("classic", {"2B": 2, "2A": 2})
    assert codes(scheme) == ["3", "2", "2A", "2B", "1"]
    assert scheme.level("2A").label_ja == "機密性2A"
    assert scheme.tier_for("2B") == 2
    assert codes(build_scheme("r6", {"1A": 1})) == ["3A", "3B", "3C", "2", "1", "1A"]
    assert build_scheme("r6") == SCHEMES["r6"]


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("modern", None, "未知の分類方式 'modern'"),
        ("classic", {"2": 2}, "区分 '2' は分類「.*」にすでにあります"),
        ("classic", {"2A": 4}, "区分 '2A' の tier は 1, 2, 3 のいずれか"),
        ("classic", {"2a": 2}, "区分 '2a' は半角の英大文字・数字"),
    ],
)
def test_bad_scheme_configuration_is_refused_in_japanese(name, extra, message):
    with pytest.raises(ValueError, match=message):
        build_scheme(name, extra)


def test_an_unknown_level_code_names_the_scheme():
    with pytest.raises(KeyError, match="3A"):
        SCHEMES["classic"].tier_for("3A")
