"""The SMTP and HTTP fixtures are real servers on loopback, ready for mail and ISMAP tests."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import requests


def test_smtp_fixture_receives_japanese_mail(smtp_server):
    message = EmailMessage()
    message["From"] = "vendorcheck@example.jp"
    message["To"] = "vendor@example.jp"
    message["Subject"] = "回答のお願い"
    message.set_content("確認書への回答をお願いします。")
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as smtp:
        smtp.send_message(message)
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]["message"]
    assert received["Subject"] == "回答のお願い"
    assert "確認書への回答" in received.get_content()


def test_http_fixture_serves_registered_routes(http_server):
    url = http_server.serve(
        "/list.csv",
        "登録番号,サービス名\r\nC21-0008-2,例\r\n",
        content_type="text/csv; charset=utf-8",
    )
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and "C21-0008-2" in response.text
    assert requests.get(http_server.base_url + "/missing", timeout=10).status_code == 404
    assert http_server.requests == ["/list.csv", "/missing"]
