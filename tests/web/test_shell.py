"""The web shell: Japanese error pages, security headers, local assets only."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "vendorcheck" / "web" / "templates"


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "method", "status", "text"),
    [
        ("/no/such/page", "get", 404, "ページが見つかりません"),
        ("/logout", "get", 405, "この方法ではアクセスできません"),
    ],
)
def test_error_pages_are_japanese(client, path, method, status, text):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_oversized_request_gets_413_in_japanese(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"login_id": "x" * 4096})
    assert response.status_code == 413
    assert "大きすぎます" in response.get_data(as_text=True)


def test_unexpected_error_gets_500_page_without_details(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "システムエラーが発生しました" in html and "secret internals" not in html


def test_static_assets_are_served_by_the_app(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_load_nothing_from_other_hosts():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, template
        assert "<script>" not in text and " style=" not in text and "onclick" not in text, template
