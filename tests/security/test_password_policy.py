"""Changing a password through the page refuses common passwords and the organisation's name."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, csrf_token
from vendorcheck.services import staff as staff_service
from vendorcheck.services.audit import Actor
from vendorcheck.store.models import Organisation


def _change(client, new: str):
    return client.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
            "csrf_token": csrf_token(client, "/password"),
        },
    )


@pytest.mark.parametrize("weak", ["password1234", "Qwerty123456"])
def test_common_passwords_are_refused_with_a_japanese_message(client, login_as, weak):
    login_as("officer")
    response = _change(client, weak)
    assert response.status_code == 400
    assert "よく使われるもの" in response.get_data(as_text=True)


def test_the_organisation_name_is_refused(app, client, login_as):
    with app.extensions["vendorcheck_db"].connection_context():
        Organisation.update(name="みどり市").execute()
    login_as("officer")
    response = _change(client, "Midori-みどり-2026")
    assert response.status_code == 400
    assert "団体名を含むパスワードは使えません" in response.get_data(as_text=True)
    assert _change(client, "Another-Secret-77").status_code == 302


def test_creating_staff_with_a_common_password_is_refused(db):
    with pytest.raises(staff_service.ServiceError) as raised:
        staff_service.create_staff(
            Actor.system("test"),
            login_id="clerk",
            display_name="職員",
            role="viewer",
            password="Password1234",
        )
    assert "よく使われるもの" in raised.value.message
