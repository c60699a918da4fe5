"""The portable answer file: exported files match the JSON Schema; an export from one instance
fills an invitation on another; wrong files are refused in Japanese."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from tests.invitation import invite_vendor
from tests.web.test_answer_reuse import _submit
from tests.web.test_portal import _token
from vendorcheck.app import create_app
from vendorcheck.services.assessments import questionnaire_of, read_draft
from vendorcheck.store.migrate import apply_migrations
from vendorcheck.store.models import Assessment, AuditEvent, Organisation

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "answer_file.schema.json").read_text())


def _export(client, path):
    response = client.get(f"{path}answers/file.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.data)
    jsonschema.validate(data, SCHEMA)
    return response.data


def _import(client, path, data, questionnaire):
    token = _token(client, f"{path}s/{questionnaire.sections[0].id}")
    return client.post(
        f"{path}answers/file",
        data={"csrf_token": token, "answer_file": (io.BytesIO(data), "answers.json")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("kind", ["cloud", "outsourcing", "system"])
def test_every_exported_file_matches_the_schema_and_holds_no_token(client, invite, db, kind):
    path, assessment = invite(kind)
    _submit(client, path, assessment)
    data = _export(client, path)
    token = path.strip("/").split("/")[-1]
    assert token.encode() not in data and b"evidence" not in data.lower()


def test_an_export_from_one_instance_fills_an_invitation_on_another(client, invite, db, tmp_path):
    path, assessment = invite("cloud")
    _submit(client, path, assessment)
    exported = _export(client, path)
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}",
            "INSTANCE_PATH": str(tmp_path / "other"),
            "SECRET_KEY": "another-secret",
            "BASE_URL": "http://other.test",
        }
    )
    other_db = other.extensions["vendorcheck_db"]  # the store's proxy now points at it
    apply_migrations(other_db)
    with other_db.connection_context():
        Organisation.update(name="別の市").execute()
        link = invite_vendor(
            other.config, kind="cloud", base_url="http://other.test",
            vendor_name="テスト株式会社", contact_email="v@example.jp", case_title="別の自治体の案件",
        )  # fmt: skip
        questionnaire = questionnaire_of(link.assessment)
    other_path = link.url.removeprefix("http://other.test")
    response = _import(other.test_client(), other_path, exported, questionnaire)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    assert "件の回答を写しました" in response.get_data(as_text=True)
    with other_db.connection_context():
        draft = read_draft(Assessment.get_by_id(link.assessment.id))
        assert draft.answers and set(draft.carried.values()) <= {"previous", "check"}
        assert AuditEvent.select().where(AuditEvent.action == "assessment.answer_file").exists()


def test_changed_and_unknown_questions_are_reported_not_guessed(client, invite, db):
    path, assessment = invite("cloud")
    _submit(client, path, assessment)
    data = json.loads(_export(client, path))
    data["answers"][0]["fingerprint"] = "0" * 64
    data["answers"].append({"question_id": "no.such", "fingerprint": "0" * 64, "value": "x"})
    second_path, second = invite("cloud", vendor_name="二社目")
    response = _import(client, second_path, json.dumps(data).encode(), questionnaire_of(second))
    html = response.get_data(as_text=True)
    assert "要確認" in html and "no.such" in html
    assert (
        data["answers"][0]["question_id"] not in read_draft(Assessment.get_by_id(second.id)).answers
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questionnaire"].update(id="system"), "別の確認書（system）"),
        (lambda d: d.update(format_version=9), "未知の版"),
        (lambda d: d.update(format="other"), "回答ファイルではありません"),
        (lambda d: d["answers"].append({"question_id": 1}), "形が正しくありません"),
    ],
)
def test_wrong_answer_files_are_refused_in_japanese(client, invite, db, change, message):
    path, assessment = invite("cloud")
    _submit(client, path, assessment)
    data = json.loads(_export(client, path))
    change(data)
    second_path, second = invite("cloud", vendor_name="二社目")
    response = _import(client, second_path, json.dumps(data).encode(), questionnaire_of(second))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert not read_draft(Assessment.get_by_id(second.id)).answers


@pytest.mark.parametrize(
    "data", [b"", b"not json", b"\xff\xfe", b"[1, 2]", b"x" * (3 * 1024 * 1024)]
)
def test_broken_answer_files_get_a_message_not_a_500(app, client, invite, db, data):
    app.config["MAX_EVIDENCE_MB"] = 20
    path, assessment = invite("cloud")
    response = _import(client, path, data, questionnaire_of(assessment))
    assert response.status_code == 400 and "回答ファイル" in response.get_data(as_text=True)
