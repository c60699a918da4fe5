"""Disguised and hostile files posted on the vendor's page, the self-check page and the contract
link: each refused with a Japanese message and nothing stored; a path in a file name is cut
down to the name, and the download sends it as an attachment."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.answering import TINY_PDF
from tests.monitoring_helpers import make_contract, token_of
from vendorcheck.services import contracts, periodic_reports
from vendorcheck.services.assessments import questionnaire_of, refreshed
from vendorcheck.store.models import ContractEvidence, Evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCM = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
        "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro",
    }
)
XLSM = _zip({"[Content_Types].xml": b"<Types/>", "xl/vbaProject.bin": b"macro"})
# (file name, content, words of the Japanese refusal)
DISGUISED = [
    ("報告書.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
    ("報告書.pdf", b"<html><body onload=alert(1)>", "HTML"),
    ("報告書.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 100, "実行ファイル"),
    ("報告書.docx", b"MZ\x90\x00\x03" + b"\0" * 100, "実行ファイル"),
    ("setup.pdf", b"#!/bin/sh\nrm -rf /\n", "実行ファイル"),
    ("写真.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    ("写真.png", b'<?xml version="1.0"?><svg onload="alert(1)"/>', "SVG"),
    ("写真.pdf", PNG, "一致しません"),
    ("規程.docm", DOCM, "マクロ"),
    ("規程.docx", DOCM, "マクロ"),
    ("集計.xlsm", XLSM, "マクロ"),
    ("資料.zip", _zip({"a.txt": b"x"}), "ZIP"),
    ("資料.docx", _zip({"a.txt": b"x"}), "ZIP"),
    ("空.pdf", b"", "空"),
    ("壊れた.docx", b"PK\x03\x04broken", "ZIP"),
    ("テキスト.pdf", "ただの文章".encode(), "受け付けていません"),
]
OVERSIZED = ("大きい.pdf", TINY_PDF + b"%" * (1024 * 1024), "大きすぎます")
TRAVERSAL = ["../../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/abs/path/規程.pdf"]


@pytest.fixture
def portal(app, client, invite):
    app.config["MAX_EVIDENCE_MB"] = 1
    path, assessment = invite("cloud")
    question = next(q for q in questionnaire_of(assessment).questions if q.type == "file")
    return f"{path}s/{question.section_id}", assessment, question


def _post_file(client, section, assessment, question, name, data):
    page = client.get(section).get_data(as_text=True)
    return client.post(
        section,
        data={
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "revision": str(refreshed(assessment).draft_revision),
            "action": "save",
            f"file__{question.id}": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def test_every_disguised_file_is_refused_on_the_vendor_page(client, portal):
    section, assessment, question = portal
    problems = []
    for name, data, words in [*DISGUISED, OVERSIZED]:
        response = _post_file(client, section, assessment, question, name, data)
        body = response.get_data(as_text=True)
        if response.status_code != 400 or words not in body or "添付できませんでした" not in body:
            problems.append(f"{name} ({words}): {response.status_code}")
    assert problems == []
    assert Evidence.select().count() == 0


def test_a_path_in_a_file_name_is_cut_to_the_name_and_downloaded_as_an_attachment(
    client, portal, login_as
):
    section, assessment, question = portal
    for name in TRAVERSAL:
        assert _post_file(client, section, assessment, question, name, TINY_PDF).status_code < 400
    names = sorted(e.filename for e in Evidence.select())
    assert len(names) == 3 and {"passwd.pdf", "規程.pdf"} <= set(names)
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)
    login_as("admin")
    evidence = Evidence.select().first()
    download = client.get(f"/assessments/{assessment.id}/evidence/{evidence.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_disguised_files_are_refused_on_the_contract_link(app, client, db):
    contract, url = make_contract(app)
    report = periodic_reports.reports_of(contract)[0]
    path = f"/c/{token_of(url)}/reports/{report.id}"
    problems = []
    for name, data, words in DISGUISED:
        page = client.get(path).get_data(as_text=True)
        response = client.post(
            path,
            data={
                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                "action": "save",
                "file": (io.BytesIO(data), name),
            },
            content_type="multipart/form-data",
        )
        if response.status_code != 400 or words not in response.get_data(as_text=True):
            problems.append(f"{name} ({words}): {response.status_code}")
    assert problems == []
    assert ContractEvidence.select().count() == 0
    assert contracts.evidence_for(contract) == []
