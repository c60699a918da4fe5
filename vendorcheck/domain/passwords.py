"""The password policy, as Japanese messages a form can show."""

from __future__ import annotations

import functools
from importlib import resources

from vendorcheck.domain.jp import normalize

# Endings of a local government's name dropped when checking it ("横浜市" → "横浜").
_NAME_ENDINGS = ("都", "道", "府", "県", "市", "区", "町", "村", "役所", "役場")
_MIN_NAME_LENGTH = 2


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common breached passwords, lower case (data/common_passwords.txt)."""
    text = resources.files("vendorcheck.domain").joinpath("data/common_passwords.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def _name_forms(organisation_name: str) -> set[str]:
    name = normalize(organisation_name)
    forms = {name}
    for ending in _NAME_ENDINGS:
        if name.endswith(ending):
            forms.add(name[: -len(ending)])
    return {form for form in forms if len(form) >= _MIN_NAME_LENGTH}


def password_problems(
    password: str, *, min_length: int, login_id: str = "", organisation_name: str = ""
) -> list[str]:
    """Return what is wrong with a new password (empty when it is acceptable)."""
    problems = []
    if len(password) < min_length:
        problems.append(f"パスワードは{min_length}文字以上で入力してください。")
    if len(password) > 256:
        problems.append("パスワードは256文字以内で入力してください。")
    kinds = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if kinds < 2:
        problems.append(
            "パスワードには英大文字・英小文字・数字・記号のうち2種類以上を含めてください。"
        )
    lowered = normalize(password)
    if lowered in common_passwords() or password.lower() in common_passwords():
        problems.append(
            "推測されやすいパスワード（よく使われるものとして知られているもの）は使えません。"
        )
    elif login_id and login_id.lower() in lowered:
        problems.append("推測されやすいパスワード（ログイン ID を含むもの）は使えません。")
    if any(form in lowered for form in _name_forms(organisation_name)):
        problems.append("団体名を含むパスワードは使えません。")
    return problems
