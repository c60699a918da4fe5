"""The password policy refuses common breached passwords, the organisation's name and the login id."""

from __future__ import annotations

import pytest

from vendorcheck.domain.passwords import common_passwords, password_problems

COMMON = "推測されやすいパスワード"


def _problems(password: str, **context) -> list[str]:
    return password_problems(password, min_length=12, **context)


def test_the_shipped_list_is_large_and_lower_case():
    words = common_passwords()
    assert len(words) >= 10_000
    assert all(word == word.lower() and word.strip() == word and word for word in words)
    assert not any(word.startswith("#") for word in words)


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Qwerty123456",
        "PASSWORD1234",
        "Sunshine2024!",
        "1qaz2wsx3edc",
        "P@ssw0rd1234",
    ],
)
def test_common_passwords_are_refused_whatever_the_case(password):
    assert any(COMMON in problem for problem in _problems(password))


@pytest.mark.parametrize(
    "password",
    ["Correct-Horse-Battery-9", "Another-Secret-77", "Brand-New-Secret-1", "kx7-Vr2m-Lq9t"],
)
def test_the_passwords_the_suite_uses_stay_accepted(password):
    assert _problems(password, login_id="officer1", organisation_name="テスト市") == []


def test_the_login_id_and_the_organisation_name_are_refused():
    assert any(COMMON in p for p in _problems("My-Officer1-Pass", login_id="OFFICER1"))
    name_problems = _problems("Yokohama-City-2026", organisation_name="Yokohama")
    assert any("団体名" in p for p in name_problems)
    assert any("団体名" in p for p in _problems("横浜市のパスワード-9", organisation_name="横浜市"))


def test_a_placeholder_or_empty_organisation_name_refuses_nothing():
    assert _problems("Correct-Horse-Battery-9", organisation_name="") == []
    assert _problems("Correct-Horse-Battery-9", organisation_name="市") == []
