"""A real Chromium: log in with the one-time password, change it, log out."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_first_login_change_password_and_logout(app, live_server, page):
    from vendorcheck.services import staff as staff_service

    db = app.extensions["vendorcheck_db"]
    with db.connection_context():
        _, initial = staff_service.bootstrap_admin()

    page.goto(f"{live_server}/")
    assert re.search(r"/login", page.url)
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_label("ログイン ID").fill("admin")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    assert "ログイン ID またはパスワードが正しくありません。" in page.content()

    page.get_by_label("パスワード").fill(initial)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/password$"))
    page.get_by_label("現在のパスワード").fill(initial)
    page.get_by_label("新しいパスワード", exact=True).fill("Browser-Secret-2026")
    page.get_by_label("新しいパスワード（確認）").fill("Browser-Secret-2026")
    page.get_by_role("button", name="変更する").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "ダッシュボード"
    assert "パスワードを変更しました。" in page.content()

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/login$"))
    assert "ログアウトしました。" in page.content()
    page.goto(f"{live_server}/admin/staff")
    assert "/login" in page.url
