"""The password policy, as Japanese messages a form can show."""

from __future__ import annotations

COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password123",
        "passw0rd",
        "123456789012",
        "qwertyuiopas",
        "administrator",
        "vendorcheck",
        "changeme1234",
        "p@ssw0rd1234",
    }
)


def password_problems(password: str, *, min_length: int, login_id: str = "") -> list[str]:
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
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or (login_id and login_id.lower() in lowered):
        problems.append("推測されやすいパスワード（ログイン ID を含むものなど）は使えません。")
    return problems
